import { ServiceConfig } from '@cairn/service-kit';

export class MatcherConfig extends ServiceConfig {}
