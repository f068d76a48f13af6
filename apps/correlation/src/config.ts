import { ServiceConfig } from '@cairn/service-kit';

export class CorrelationConfig extends ServiceConfig {}
