import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiError, CurrentPrincipal, RequireScope, type Principal } from '@cairn/service-kit';
import { validateBody } from '../ingest/validation';
import { VectorStateChangeDto } from './quarantine.dto';
import { QuarantineService, VECTOR_ACTIONS, type VectorAction } from './quarantine.service';

const STATES = ['QUARANTINED', 'APPROVED', 'RELEASED'];

@Controller('v1')
export class QuarantineController {
  constructor(private readonly quarantine: QuarantineService) {}

  /** `POST /v1/vectors/quarantine|release|approve` with `{collectionId, vectorIds, reason?}`. */
  @Post('vectors/:action')
  @HttpCode(200)
  @RequireScope('admin')
  async change(
    @CurrentPrincipal() principal: Principal,
    @Param('action') action: string,
    @Body() body: unknown,
  ): Promise<{ accepted: number }> {
    if (!Object.prototype.hasOwnProperty.call(VECTOR_ACTIONS, action)) {
      throw new ApiError(404, `unknown vector action "${action}": use quarantine, release or approve`);
    }
    const change = await validateBody(VectorStateChangeDto, body);
    return { accepted: await this.quarantine.change(principal, action as VectorAction, change) };
  }

  /** The current quarantine (or, with `?state=`, the vectors in another state). */
  @Get('quarantine')
  @RequireScope('read')
  async list(@CurrentPrincipal() principal: Principal, @Query('state') state?: string) {
    if (state !== undefined && !STATES.includes(state)) {
      throw new ApiError(400, `state must be one of ${STATES.join(', ')}`, [
        { field: 'state', message: 'unknown state' },
      ]);
    }
    return { items: await this.quarantine.list(principal.orgId, state) };
  }
}
