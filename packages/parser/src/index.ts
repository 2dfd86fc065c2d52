// @sluice/parser: the grok engine, its pattern library, processors, modules and the worker pool.

export type { CompiledCapture, CompiledPattern, GrokOptions } from './grok/compiler.js';
export { compilePattern, Grok, parsePatternDefinitions } from './grok/compiler.js';
export { loadPatternsDir } from './grok/patterns-dir.js';
export { GROK_FAILURE_TAG, grok } from './grok/processor.js';
export * from './log-metrics/index.js';
export type { ModuleDefinition, MultilineRule } from './modules/index.js';
export { moduleNames, modules, resolveModule } from './modules/index.js';
export type { EcsCompatibility, PatternFile } from './patterns/index.js';
export {
  builtinLibrary,
  builtinPatterns,
  definitionsOf,
  ECS_COMPATIBILITY_VALUES,
  LOGSTASH_PATTERN_FILES,
  parseEcsCompatibility,
  patternFiles,
} from './patterns/index.js';
export { standardPatternTable } from './patterns/table.js';
export * from './pipeline/index.js';
export { createPipeline } from './pool/create-pipeline.js';
export type { DirectEncoder } from './pool/direct.js';
export { directEncoderFor } from './pool/direct.js';
export { encodeRecords, recycleBody } from './pool/encode.js';
export { eventSource, failedEventSource, TIMEOUT_TAG } from './pool/event.js';
// The worker pool and its metrics, also the package's lighter `@sluice/parser/pool` entry.
export * from './pool/index.js';
export type { CompiledSource } from './pool/source.js';
export { compileSource, compileSourceWithMetrics } from './pool/source.js';
export type { PatternStatRow, TimedJob, TimedParserOptions, TimedResult } from './pool/timed-parser.js';
export { TimedParser } from './pool/timed-parser.js';
export type { Processor, ProcessorContext, ProcessorFactory } from './processor.js';
export * from './processors/index.js';
export * from './suggest/index.js';
