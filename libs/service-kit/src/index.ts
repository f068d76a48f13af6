export * from './config';
export * from './logger';
export * from './tokens';
export * from './infrastructure.service';
export * from './infrastructure.module';
export * from './bootstrap';
export * from './http-errors';
export * from './access';
