export * from './event.js';
export * from './record.js';
export * from './errors.js';
export * from './retry.js';
export * from './logger.js';
export * from './metrics.js';
export * from './secrets.js';
export * from './bulk.js';
