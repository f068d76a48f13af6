import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal, RequireScope, type Principal } from '@cairn/service-kit';
import { GenerationBatchDto, RetrievalBatchDto } from './buzo.dto';
import { generationEvent, retrievalEvent, retrievalRuleErrors } from './buzo.mapper';
import { EventIntake } from './event-intake.service';
import { invalid, validateBody } from './validation';

/** Buzo-compatible ingest: the response is sent only after Kafka acknowledged the accepted events. */
@Controller('v1')
export class BuzoController {
  constructor(private readonly intake: EventIntake) {}

  @Post('retrieval-traces')
  @HttpCode(200)
  @RequireScope('ingest')
  async retrievals(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const batch = await validateBody(RetrievalBatchDto, body);
    const ruleErrors = retrievalRuleErrors(batch);
    if (ruleErrors.length > 0) throw invalid(ruleErrors);
    const now = new Date();
    const { accepted, duplicates } = await this.intake.accept(
      principal.orgId,
      batch.events.map((event) => ({
        kind: 'retrieval',
        clientEventId: event.clientEventId,
        event: retrievalEvent(principal.orgId, event, now),
      })),
    );
    return { accepted, duplicates };
  }

  @Post('generation-traces')
  @HttpCode(200)
  @RequireScope('ingest')
  async generations(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const batch = await validateBody(GenerationBatchDto, body);
    const now = new Date();
    const { accepted, duplicates } = await this.intake.accept(
      principal.orgId,
      batch.events.map((event) => ({
        kind: 'generation',
        clientEventId: event.clientEventId,
        event: generationEvent(principal.orgId, event, now),
      })),
    );
    return { accepted, duplicates };
  }
}
