import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CurrentPrincipal, RequireScope, type Principal } from '@cairn/service-kit';
import { BodyValidationPipe } from './body-validation.pipe';
import { CreateWebhookDto, NotificationSettingsDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

/** Alert destinations of the caller's organization; every route needs the `admin` scope. */
@Controller('v1/webhooks')
@RequireScope('admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** `{url, secret?}` → `{id, url, secret, createdAt}`: the only answer that ever shows the secret. */
  @Post()
  register(@CurrentPrincipal() principal: Principal, @Body(BodyValidationPipe) request: CreateWebhookDto) {
    return this.webhooks.register(principal.orgId, request);
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.webhooks.list(principal.orgId) };
  }

  @Get('settings')
  settings(@CurrentPrincipal() principal: Principal) {
    return this.webhooks.settings(principal.orgId);
  }

  @Put('settings')
  updateSettings(@CurrentPrincipal() principal: Principal, @Body(BodyValidationPipe) request: NotificationSettingsDto) {
    return this.webhooks.updateSettings(principal.orgId, request.dedupWindowMs);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(principal.orgId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.rotateSecret(principal.orgId, id);
  }
}
