export * from './factory.js';
export * from './kafka/index.js';
export * from './metrics.js';
export * from './rabbitmq/index.js';
export * from './redis/index.js';
export * from './types.js';
export * from './url.js';
export * from './wire.js';
