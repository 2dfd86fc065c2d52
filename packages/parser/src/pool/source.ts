import { ConfigError } from '@sluice/core';
import { loadPatternsDir } from '../grok/patterns-dir.js';
import type { LogMetricDefinition } from '../log-metrics/config.js';
import { moduleNames, resolveModule } from '../modules/index.js';
import {
  type CompiledPipeline,
  compilePipeline,
  type PipelineContext,
  type ProcessorSpec,
} from '../pipeline/compile.js';

/** Where a pipeline comes from: exactly one of module, patterns or configFile. */
export interface PipelineSource {
  /** A built-in module (`sluice modules` lists them), e.g. `nginx.access`. */
  readonly module?: string;
  /** Grok patterns tried in order on `message`: a pipeline of one grok step. */
  readonly patterns?: readonly string[];
  /** Extra pattern definitions (Logstash patterns files) for every grok step. */
  readonly patternsDir?: string;
  /** A pipeline file (YAML or JSON). */
  readonly configFile?: string;
}

/** Validates the source and compiles it. Throws ConfigError naming the problem; never touches data. */
export async function compileSource(source: PipelineSource): Promise<CompiledPipeline> {
  return (await compileSourceWithMetrics(source)).pipeline;
}

/** A compiled pipeline and the logs-to-metrics declarations of its file (none for a module or patterns). */
export interface CompiledSource {
  readonly pipeline: CompiledPipeline;
  readonly metrics: readonly LogMetricDefinition[];
}

/** compileSource, also returning the validated `metrics:` section of a pipeline file. */
export async function compileSourceWithMetrics(source: PipelineSource): Promise<CompiledSource> {
  const given = (['module', 'patterns', 'configFile'] as const).filter((k) => source[k] !== undefined);
  if (given.length !== 1) {
    throw new ConfigError(
      given.length === 0
        ? 'pipeline needs one of module, patterns or configFile'
        : `pipeline takes one of module, patterns or configFile, got ${given.join(' and ')}`,
      { hint: `modules: ${moduleNames().join(', ')}` },
    );
  }
  const context: PipelineContext = {
    resolveModule,
    ...(source.patternsDir === undefined ? {} : { patternDefinitions: loadPatternsDir(source.patternsDir) }),
  };
  if (source.module !== undefined) {
    const specs: ProcessorSpec[] = [{ module: source.module }];
    return { pipeline: compilePipeline(specs, { ...context, where: () => 'pipeline' }), metrics: [] };
  }
  if (source.patterns !== undefined) {
    if (!Array.isArray(source.patterns) || source.patterns.length === 0) {
      throw new ConfigError('pipeline "patterns" must be a non-empty list of grok patterns');
    }
    const pipeline = compilePipeline([{ grok: { patterns: [...source.patterns] } }], {
      ...context,
      where: () => 'patterns',
    });
    return { pipeline, metrics: [] };
  }
  return compileConfigFile(source.configFile as string, context);
}

/**
 * What the parser pool checks on its own thread before it starts workers that compile the
 * pipeline themselves: a ConfigError naming the problem, and the pipeline file's metrics.
 * A built-in module alone (no patterns directory) is known to compile (every module is
 * compiled by its tests), so only its name is checked here, which spares the consumer's
 * main thread compiling a pipeline it never runs (150-250 ms of its start-up: the user-agent
 * tables, time zones, the module's regexes). Anything else, and an unknown module (for the
 * compiler's own message), is compiled.
 */
export async function validateSource(
  source: PipelineSource,
): Promise<{ readonly metrics: readonly LogMetricDefinition[] }> {
  const moduleOnly =
    source.module !== undefined &&
    source.patterns === undefined &&
    source.configFile === undefined &&
    source.patternsDir === undefined;
  if (moduleOnly && typeof source.module === 'string' && resolveModule(source.module) !== undefined)
    return { metrics: [] };
  return compileSourceWithMetrics(source);
}

/**
 * Pipeline files are read by the pipeline package's loader (packages/parser/src/pipeline/load.ts),
 * imported lazily: a pipeline of modules or patterns does not need the YAML parser.
 */
async function compileConfigFile(file: string, context: PipelineContext): Promise<CompiledSource> {
  const { compilePipelineFileWithMetrics } = await import('../pipeline/load.js');
  return compilePipelineFileWithMetrics(file, context);
}
