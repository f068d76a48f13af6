export * from './env';
export * from './wait-for';
export * from './process';
export * from './service';
export * from './access';
export * from './topic-reader';
export * from './metrics';
