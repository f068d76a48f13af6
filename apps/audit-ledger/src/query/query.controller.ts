import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal, RequireScope, type Principal } from '@cairn/service-kit';
import { parseAlertQuery, parseTraceQuery } from '../domain/query-params';
import { queryOrBadRequest } from './query-parameters';
import {
  QueryService,
  type AlertView,
  type GenerationDetail,
  type Page,
  type TraceDetail,
  type TraceSummary,
} from './query.service';

@Controller('v1')
@RequireScope('read')
export class QueryController {
  constructor(private readonly query: QueryService) {}

  /** `GET /v1/traces?from=&to=&vendor=&name=&cursor=&limit=` — newest first. */
  @Get('traces')
  traces(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<Page<TraceSummary>> {
    return this.query.traces(principal.orgId, queryOrBadRequest(parseTraceQuery(query)));
  }

  /** `GET /v1/traces/:id` — the span tree, retrievals, generations and their citations. */
  @Get('traces/:id')
  trace(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TraceDetail> {
    return this.query.trace(principal.orgId, id);
  }

  /** `GET /v1/generations/:clientEventId` — one generation and what it cited. */
  @Get('generations/:clientEventId')
  generation(
    @CurrentPrincipal() principal: Principal,
    @Param('clientEventId') clientEventId: string,
  ): Promise<GenerationDetail> {
    return this.query.generation(principal.orgId, clientEventId);
  }

  /** `GET /v1/alerts?type=&since=&cursor=&limit=` — newest first. */
  @Get('alerts')
  alerts(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>): Promise<Page<AlertView>> {
    return this.query.alerts(principal.orgId, queryOrBadRequest(parseAlertQuery(query)));
  }
}
