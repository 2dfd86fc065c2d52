import type { LogEvent } from '@sluice/core';
import type { EcsCompatibility } from './patterns/library.js';

/**
 * A processor is a pure function of one event, built once per worker from its config.
 * It returns the (possibly mutated) event, or null to drop it. It never throws on bad
 * input after construction: a line it cannot handle is tagged (`_grokparsefailure`,
 * `_dateparsefailure`, ...) and passed on. Construction throws ConfigError for bad config.
 */
export interface Processor {
  readonly name: string;
  apply(event: LogEvent): LogEvent | null;
}

/** What a factory may know besides its own options: where it was declared, for error messages. */
export interface ProcessorContext {
  /** `file:line` or `module nginx.access, processor 2`; every ConfigError message starts with it. */
  readonly where: string;
  /** Extra grok pattern definitions (from a patterns directory or inline `pattern_definitions`). */
  readonly patternDefinitions?: Readonly<Record<string, string>>;
  /** The naming mode of the built-in grok library (a pipeline's `ecs_compatibility`); default v1. */
  readonly ecsCompatibility?: EcsCompatibility;
  /** The clock for processors that read it (the year of syslog dates); default Date.now. Tests fix it. */
  readonly now?: () => number;
}

/** Builds a processor from its options (the value under its name in the pipeline config). */
export type ProcessorFactory = ((options: unknown, context: ProcessorContext) => Processor) & {
  /**
   * The option keys it reads (the one list its OptionReader is given), for the published
   * pipeline JSON Schema; absent: any map. Set by withOptions.
   */
  readonly options?: readonly string[];
  /** The options may also be a list of such maps, applied in order (mutate). */
  readonly optionsList?: boolean;
};

/** A factory that declares the option keys it reads (see ProcessorFactory.options). */
export function withOptions(
  options: readonly string[],
  build: (options: unknown, context: ProcessorContext) => Processor,
  shape: { readonly list?: boolean } = {},
): ProcessorFactory {
  return Object.assign(build, { options, ...(shape.list ? { optionsList: true } : {}) });
}
