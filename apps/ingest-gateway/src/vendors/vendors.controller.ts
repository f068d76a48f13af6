import { Body, Controller, HttpCode, Post, Put } from '@nestjs/common';
import {
  normalizeBasaltLog,
  normalizeBasaltTrace,
  normalizeGaltea,
  normalizeHoneyHiveBatch,
  normalizeHoneyHiveV1Batch,
  normalizePareaTraceLog,
  normalizePareaTraceLogUpdate,
  pareaProjectResponse,
  type NormalizeContext,
  type NormalizeResult,
} from '@cairn/vendors';
import { CurrentPrincipal, RequireScope, type Principal } from '@cairn/service-kit';
import { EventIntake } from '../ingest/event-intake.service';
import { intakeItems, unwrap, validationError, type ErrorStyle } from './vendor-intake';

type Normalizer<TResponse> = (body: unknown, context: NormalizeContext) => NormalizeResult<TResponse>;

/**
 * Basalt, Parea, Galtea and HoneyHive ingest paths: each body is normalized to span.recorded.v1
 * (plus retrieval/generation where a span is one), accepted idempotently, and answered in the
 * vendor's documented shape so its SDK works unchanged with only the base URL changed.
 */
@Controller()
export class VendorsController {
  constructor(private readonly intake: EventIntake) {}

  private async ingest<TResponse>(
    principal: Principal,
    body: unknown,
    normalize: Normalizer<TResponse>,
    style: ErrorStyle = 'cairn',
  ): Promise<TResponse> {
    const now = new Date();
    const { events, response } = unwrap(normalize(body, { orgId: principal.orgId, now }), style);
    await this.intake.accept(principal.orgId, intakeItems(events, now));
    return response;
  }

  @Post('monitor/trace')
  @HttpCode(200)
  @RequireScope('ingest')
  basaltTrace(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizeBasaltTrace);
  }

  @Post('monitor/log')
  @HttpCode(200)
  @RequireScope('ingest')
  basaltLog(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizeBasaltLog);
  }

  @Post('api/parea/v1/project')
  @HttpCode(200)
  @RequireScope('ingest')
  pareaProject(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const result = pareaProjectResponse(body, { orgId: principal.orgId, now: new Date() });
    if (!result.ok) throw validationError(result.errors, 'fastapi');
    return result.response;
  }

  @Post('api/parea/v1/trace_log')
  @HttpCode(200)
  @RequireScope('ingest')
  pareaTraceLog(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizePareaTraceLog, 'fastapi');
  }

  @Put('api/parea/v1/trace_log')
  @HttpCode(200)
  @RequireScope('ingest')
  pareaTraceLogUpdate(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizePareaTraceLogUpdate, 'fastapi');
  }

  @Post('traces/batch')
  @HttpCode(200)
  @RequireScope('ingest')
  galtea(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizeGaltea);
  }

  @Post('events/batch')
  @HttpCode(200)
  @RequireScope('ingest')
  honeyHive(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizeHoneyHiveBatch);
  }

  @Post('v1/events/batch')
  @HttpCode(200)
  @RequireScope('ingest')
  honeyHiveV1(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.ingest(principal, body, normalizeHoneyHiveV1Batch);
  }
}
