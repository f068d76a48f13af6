import { ServiceConfig } from '@cairn/service-kit';

export class AlertingConfig extends ServiceConfig {}
