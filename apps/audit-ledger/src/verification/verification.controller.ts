import { Readable } from 'node:stream';
import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { CurrentPrincipal, RequireScope, type Principal } from '@cairn/service-kit';
import { parseExportQuery, parseVerifyQuery } from '../domain/query-params';
import { queryOrBadRequest } from '../query/query-parameters';
import { VerificationService, type VerificationReport } from './verification.service';

@Controller('v1/audit')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  /** `GET /v1/audit/verify?from=&to=&mode=full|stored` — the caller's own chain. */
  @Get('verify')
  @RequireScope('read')
  verify(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<VerificationReport> {
    return this.verification.verify(principal.orgId, queryOrBadRequest(parseVerifyQuery(query)));
  }

  /** `GET /v1/audit/entries?from=&to=` — the chain as NDJSON, for the offline verifier. */
  @Get('entries')
  @RequireScope('read')
  async entries(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<StreamableFile> {
    const range = queryOrBadRequest(parseExportQuery(query));
    const lines = this.verification.exportLines(principal.orgId, range);
    // The first page is read before answering, so a bad range is a 400 rather than a broken stream.
    const first = await lines.next();
    async function* all() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    return new StreamableFile(Readable.from(all()), { type: 'application/x-ndjson; charset=utf-8' });
  }
}
