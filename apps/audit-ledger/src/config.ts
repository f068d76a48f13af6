import { ServiceConfig } from '@cairn/service-kit';

export class LedgerConfig extends ServiceConfig {}
