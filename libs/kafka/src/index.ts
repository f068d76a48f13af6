export * from './client';
export * from './topics';
export * from './errors';
export * from './publisher';
export * from './offsets';
export * from './dead-letter';
export * from './batch-consumer';
