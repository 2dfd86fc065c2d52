import type { ProcessorSpec } from '../pipeline/compile.js';

/** A multi-line rule for the shipper (Filebeat's `multiline.*` semantics). */
export interface MultilineRule {
  /** A line matching this starts a new event (`negate: true, match: after` in Filebeat terms). */
  readonly startPattern: string;
}

/**
 * A prebuilt pipeline for one log format: the same step format as a pipeline file, so a
 * user can copy a module into a config and change it.
 */
export interface ModuleDefinition {
  readonly name: string;
  /** One line, for `sluice modules`. */
  readonly description: string;
  readonly steps: readonly ProcessorSpec[];
  /** Lines of one event span several physical lines (stack traces); the shipper needs this rule. */
  readonly multiline?: MultilineRule;
}
