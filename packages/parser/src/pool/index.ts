// @sluice/parser/pool: the worker pool and its metrics, for the consumer. Apart from the
// package's main entry because that one also brings the pipeline file loader and its
// schema (zod, yaml), suggestions and the pattern tables: ~200 modules the consumer's main
// thread never runs.

export {
  parserEvents,
  parserFailures,
  parserPoolUtilization,
  parserQueueWait,
  parserThreads,
} from './metrics.js';
export type { ParsedBatch, ParserPoolOptions } from './parser-pool.js';
export { PARSER_POOL_DEFAULTS, ParserPool } from './parser-pool.js';
export type { PipelineSource } from './source.js';
