export type { RecordRef } from '@sluice/core';
export {
  DEFAULT_DEAD_LETTER_INDEX,
  type DeadLetterDocument,
  type DeadLetterEntry,
  type DeadLetterTarget,
  deadLetterDocument,
  deadLetterFromRecord,
  deadLetterRecord,
} from './dead-letter.js';
export { type BulkDocument, encodeBatch } from './encode.js';
export {
  checkDataStreams,
  deadLetterTemplate,
  ensureIndexTemplate,
  type IndexTemplateOptions,
  indexPatternFor,
  logsMappings,
  logsTemplate,
} from './index-template.js';
export {
  authFromEnv,
  type ConnectionOptions,
  createClient,
  describeNode,
  type ElasticsearchAuth,
  SINK_DEFAULTS,
  type SinkOptions,
  sentCredentials,
  validateConnectionOptions,
  validateSinkOptions,
} from './options.js';
export {
  DEFAULT_POLICY,
  type ItemAction,
  itemAction,
  type OutcomePolicy,
  type RequestAction,
  requestAction,
  resolvePolicy,
} from './policy.js';
export {
  encodeDeadLetters,
  type ReplayOptions,
  type ReplaySummary,
  type ReplayTransform,
  rawLineTransform,
  replayDeadLetters,
} from './replay.js';
export {
  applyRetention,
  indexPeriod,
  parseAge,
  type RetentionBasis,
  type RetentionDecision,
  type RetentionOptions,
  type RetentionReport,
} from './retention.js';
export { securityError, securityReason, tlsError } from './security.js';
export { BULK_FILTER } from './sink/bulk-delivery.js';
export { ElasticsearchSink, type WriteOutcome } from './sink/elasticsearch-sink.js';
export { checkElasticsearchAnswers } from './sink/setup.js';
