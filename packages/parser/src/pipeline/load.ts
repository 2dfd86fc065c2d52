import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, maskSubstitutions, type Substitution } from '@sluice/core';
import { parseConfigDocument, validateConfig, whereIn, yamlLocator } from '@sluice/core/config';
import { loadPatternsDir } from '../grok/patterns-dir.js';
import { type LogMetricDefinition, validateMetrics } from '../log-metrics/config.js';
import type { EcsCompatibility } from '../patterns/library.js';
import {
  type CompiledPipeline,
  compilePipeline,
  type OptionPathSegment,
  type PipelineContext,
  type ProcessorSpec,
  validatePipeline,
} from './compile.js';
import { pipelineFileTopLevel } from './schema.js';

/**
 * A pipeline file, YAML or JSON (a `.json` file is read as JSON by the same parser, so both
 * get line numbers in errors):
 *
 *   description: nginx behind the load balancer   # optional, free text
 *   patterns_dir: ./patterns                       # optional; a path or a list, relative to this file
 *   pattern_definitions:                           # optional; NAME: regex, override patterns_dir
 *     MYAPP_ID: "[A-Z]{3}-\\d+"
 *   ecs_compatibility: disabled                    # optional; v1 (default) or disabled: legacy grok names
 *   processors:                                    # required; run in order
 *     - grok: { field: message, patterns: ["%{COMBINEDAPACHELOG}"] }
 *     - date: { field: timestamp, formats: ["dd/MMM/yyyy:HH:mm:ss Z"] }
 *     - drop: {}
 *       if: { field: url.original, matches: "^/health" }
 *     - module: nginx.access                       # a built-in module's steps, inline
 *   metrics:                                       # optional; logs to metrics (log-metrics/config.ts)
 *     - { name: sluice_logs_lines_total, type: counter }
 *
 * A file may also be just the list of processors. Everything is validated before any
 * event runs. The top level is declared in schema.ts and read by core's config reader, its
 * messages starting `file:line:` (`:column` too unless it is 1). Every message about a step
 * starts with `file:line: processor N (name):`, or with
 * `file:line:column: processor N (name):` when it is about one option of the step (the
 * line and column of that option, or of the list item at fault).
 */
export interface PipelineFile {
  /** The path as given (messages use it as the user wrote it). */
  readonly file: string;
  readonly description: string | undefined;
  readonly specs: readonly ProcessorSpec[];
  /** `file:line` of step `index`; `file:line` of the `processors` key for -1. */
  readonly where: (index: number) => string;
  /** `file:line:column` of an option inside step `index` (see PipelineContext.locate). */
  readonly locate: (index: number, path: readonly OptionPathSegment[]) => string | undefined;
  /** Absolute paths of the patterns directories (or files), in order. */
  readonly patternsDirs: readonly string[];
  /** Inline `pattern_definitions`. */
  readonly patternDefinitions: Readonly<Record<string, string>>;
  /** `ecs_compatibility`: the naming mode of the built-in grok patterns (undefined: v1). */
  readonly ecsCompatibility: EcsCompatibility | undefined;
  /** The `metrics:` section as written (undefined when absent); validated by metricsOf. */
  readonly metricSpecs: unknown;
  /** `file:line` of metric `index`; of the `metrics` key for -1. */
  readonly metricWhere: (index: number) => string;
  /** Values taken from the environment (`${VAR}`); errors show the reference, never the value. */
  readonly substitutions: readonly Substitution[];
}

/** Reads and parses a pipeline file (no processor is built yet: see compilePipelineFile). */
export async function loadPipelineFile(path: string): Promise<PipelineFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read pipeline file ${path}: ${code ?? (error as Error).message}`, {
      hint: 'check the path given to --config',
      cause: error,
    });
  }
  return parsePipelineText(text, path);
}

/**
 * Parses pipeline text; `file` names it in messages and anchors relative `patterns_dir`. The
 * top level is checked by core's reader against the declared schema (schema.ts); steps and
 * metric declarations are kept as written, to be read item by item (compile.ts, metricsOf).
 */
export function parsePipelineText(text: string, file: string): PipelineFile {
  const { doc, lineCounter, substitutions } = parseConfigDocument(text, file);
  try {
    const locator = yamlLocator(doc, file, lineCounter);
    const { value } = validateConfig(pipelineFileTopLevel, doc.toJSON(), {
      where: whereIn(locator),
      // Pipeline files never had camelCase keys: `patternsDir` stays an unknown key.
      camelCase: false,
    });
    const top = Array.isArray(value) ? { processors: value } : value;
    // Steps of a bare list are at [i]; of a mapping, at processors[i].
    const stepsAt: readonly (string | number)[] = Array.isArray(value) ? [] : ['processors'];
    const line = (path: readonly (string | number)[]) => {
      const place = locator.locate(path);
      return `${file}:${place?.line ?? 1}`;
    };
    const base = dirname(resolve(file));
    const dirs = top.patterns_dir === undefined ? [] : [top.patterns_dir].flat();
    return {
      file,
      description: top.description,
      specs: top.processors as ProcessorSpec[],
      where: (index) => line(index < 0 ? stepsAt : [...stepsAt, index]),
      locate: (index, path) => {
        if (path.length === 0) return undefined;
        const place = locator.locate([...stepsAt, index, ...path]);
        return place?.exact ? `${file}:${place.line}:${place.col}` : undefined;
      },
      patternsDirs: dirs.map((d) => (isAbsolute(d) ? d : resolve(base, d))),
      patternDefinitions: top.pattern_definitions ?? {},
      ecsCompatibility: top.ecs_compatibility,
      metricSpecs: top.metrics,
      metricWhere: (index) => line(index < 0 ? ['metrics'] : ['metrics', index]),
      substitutions,
    };
  } catch (error) {
    throw maskSubstitutions(error, substitutions);
  }
}

/** The file's validated `metrics:` declarations and every error in them (one per bad declaration). */
export function metricsOf(pipeline: PipelineFile): {
  readonly metrics: readonly LogMetricDefinition[];
  readonly errors: readonly ConfigError[];
} {
  if (pipeline.metricSpecs === undefined) return { metrics: [], errors: [] };
  return validateMetrics(pipeline.metricSpecs, pipeline.metricWhere);
}

/** The compile context of a pipeline file: its pattern definitions and step locations. */
export function pipelineFileContext(pipeline: PipelineFile, context: PipelineContext = {}): PipelineContext {
  const fromDirs: Record<string, string> = {};
  for (const dir of pipeline.patternsDirs) Object.assign(fromDirs, loadPatternsDir(dir, pipeline.where(-1)));
  // Inline definitions override files; both override what the caller passed.
  const patternDefinitions = { ...context.patternDefinitions, ...fromDirs, ...pipeline.patternDefinitions };
  return {
    ...context,
    patternDefinitions,
    where: pipeline.where,
    locate: pipeline.locate,
    ...(pipeline.ecsCompatibility === undefined ? {} : { ecsCompatibility: pipeline.ecsCompatibility }),
  };
}

/** Loads, validates and compiles a pipeline file. Throws the first ConfigError. */
export async function compilePipelineFile(
  path: string,
  context: PipelineContext = {},
): Promise<CompiledPipeline> {
  return (await compilePipelineFileWithMetrics(path, context)).pipeline;
}

/** compilePipelineFile, also returning the validated `metrics:` declarations. */
export async function compilePipelineFileWithMetrics(
  path: string,
  context: PipelineContext = {},
): Promise<{ readonly pipeline: CompiledPipeline; readonly metrics: readonly LogMetricDefinition[] }> {
  const file = await loadPipelineFile(path);
  try {
    const pipeline = compilePipeline(file.specs, pipelineFileContext(file, context));
    const { metrics, errors } = metricsOf(file);
    if (errors[0] !== undefined) throw errors[0];
    return { pipeline, metrics };
  } catch (error) {
    throw maskSubstitutions(error, file.substitutions);
  }
}

/**
 * For `sluice check`: every problem of a pipeline file at once. File-level problems
 * (unreadable, not YAML, bad top-level keys) come alone, since nothing after them can
 * be read reliably.
 */
export async function checkPipelineFile(
  path: string,
  context: PipelineContext = {},
): Promise<{
  readonly pipeline: PipelineFile | undefined;
  readonly steps: number;
  /** Metric declarations that validated. */
  readonly metrics: number;
  readonly errors: readonly ConfigError[];
}> {
  let pipeline: PipelineFile;
  let fileContext: PipelineContext;
  try {
    pipeline = await loadPipelineFile(path);
    fileContext = pipelineFileContext(pipeline, context);
  } catch (error) {
    if (error instanceof ConfigError) return { pipeline: undefined, steps: 0, metrics: 0, errors: [error] };
    throw error;
  }
  const result = validatePipeline(pipeline.specs, fileContext);
  const declared = metricsOf(pipeline);
  return {
    pipeline,
    steps: result.steps,
    metrics: declared.metrics.length,
    errors: [...result.errors, ...declared.errors].map(
      (error) => maskSubstitutions(error, pipeline.substitutions) as ConfigError,
    ),
  };
}
