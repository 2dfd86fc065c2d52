export * from './batch-stages.js';
export * from './bulk.js';
// The config schema and reader (zod, about 100 ms to load) are the subpath @sluice/core/config:
// a process that validates no config file (a worker, `ship` of a module) does not load them.
export * from './config/values.js';
export * from './env-substitution.js';
export * from './errors.js';
export * from './event.js';
export * from './index-name.js';
export * from './iso-time.js';
export * from './logger.js';
export * from './metrics.js';
export * from './record.js';
export * from './retry.js';
export * from './secrets.js';
export * from './syslog-structured-data.js';
