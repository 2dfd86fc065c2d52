import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { ConfigError, didYouMean, expandEnvInYaml, maskSubstitutions, type Substitution } from '@sluice/core';
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { loadPatternsDir } from '../grok/patterns-dir.js';
import { type LogMetricDefinition, validateMetrics } from '../log-metrics/config.js';
import {
  ECS_COMPATIBILITY_VALUES,
  type EcsCompatibility,
  parseEcsCompatibility,
} from '../patterns/library.js';
import { describe } from '../processors/options.js';
import {
  type CompiledPipeline,
  compilePipeline,
  type OptionPathSegment,
  type PipelineContext,
  type ProcessorSpec,
  validatePipeline,
} from './compile.js';

/**
 * A pipeline file, YAML or JSON (JSON is read by the same parser, so both get line
 * numbers in errors):
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
 * event runs; every message starts with `file:line: processor N (name):`, or with
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

export const PIPELINE_FILE_KEYS = [
  'description',
  'patterns_dir',
  'pattern_definitions',
  'ecs_compatibility',
  'processors',
  'metrics',
] as const;

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

/** Parses pipeline text; `file` names it in messages and anchors relative `patterns_dir`. */
export function parsePipelineText(text: string, file: string): PipelineFile {
  const lineCounter = new LineCounter();
  const json = extname(file).toLowerCase() === '.json';
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    ...(json ? { schema: 'json' as const } : {}),
  });
  const lineOf = (offset: number | undefined): number =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const at = (offset: number | undefined) => `${file}:${lineOf(offset)}`;

  const syntax = doc.errors[0];
  if (syntax) {
    const firstLine = syntax.message.split('\n')[0] ?? syntax.message;
    throw new ConfigError(`${at(syntax.pos[0])}: not valid ${json ? 'JSON' : 'YAML'}: ${firstLine}`);
  }
  const substitutions = expandEnvInYaml(doc, file, lineCounter);
  try {
    return readPipelineDocument(doc, file, lineCounter, substitutions);
  } catch (error) {
    throw maskSubstitutions(error, substitutions);
  }
}

function readPipelineDocument(
  doc: Document.Parsed,
  file: string,
  lineCounter: LineCounter,
  substitutions: readonly Substitution[],
): PipelineFile {
  const lineOf = (offset: number | undefined): number =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const at = (offset: number | undefined) => `${file}:${lineOf(offset)}`;
  const root = doc.contents;
  let processorsNode: unknown;
  let processorsOffset: number | undefined;
  let description: string | undefined;
  let patternsDirs: string[] = [];
  let patternDefinitions: Record<string, string> = {};
  let ecsCompatibility: EcsCompatibility | undefined;
  let metricsNode: unknown;
  let metricsOffset: number | undefined;

  if (isSeq(root)) {
    processorsNode = root;
    processorsOffset = root.range[0];
  } else if (isMap(root)) {
    for (const pair of root.items) {
      const keyNode = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      const key = keyNode?.value;
      const offset = keyNode?.range?.[0];
      const value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
      switch (key) {
        case 'processors':
          processorsNode = pair.value;
          processorsOffset = offset;
          break;
        case 'metrics':
          metricsNode = pair.value;
          metricsOffset = offset;
          break;
        case 'description':
          if (typeof value !== 'string')
            throw new ConfigError(`${at(offset)}: "description" must be text, got ${describe(value)}`);
          description = value;
          break;
        case 'patterns_dir': {
          const list = typeof value === 'string' ? [value] : value;
          if (
            !Array.isArray(list) ||
            list.length === 0 ||
            list.some((d) => typeof d !== 'string' || d === '')
          ) {
            throw new ConfigError(
              `${at(offset)}: "patterns_dir" must be a directory path or a list of them, got ${describe(value)}`,
            );
          }
          const base = dirname(resolve(file));
          patternsDirs = (list as string[]).map((d) => (isAbsolute(d) ? d : resolve(base, d)));
          break;
        }
        case 'pattern_definitions': {
          const ok =
            value !== null &&
            typeof value === 'object' &&
            !Array.isArray(value) &&
            Object.entries(value).every(
              ([name, re]) => /^[A-Za-z0-9_]+$/.test(name) && typeof re === 'string',
            );
          if (!ok) {
            throw new ConfigError(
              `${at(offset)}: "pattern_definitions" must map pattern names (letters, digits, _) to regex strings, got ${describe(value)}`,
            );
          }
          patternDefinitions = value as Record<string, string>;
          break;
        }
        case 'ecs_compatibility': {
          ecsCompatibility = typeof value === 'string' ? parseEcsCompatibility(value) : undefined;
          if (ecsCompatibility === undefined) {
            throw new ConfigError(
              `${at(offset)}: "ecs_compatibility" must be one of ${ECS_COMPATIBILITY_VALUES.join(', ')}, got ${describe(value)}`,
              { hint: 'v1 (the default) gives ECS field names; disabled gives the legacy Logstash names' },
            );
          }
          break;
        }
        default:
          throw new ConfigError(
            `${at(offset)}: unknown key ${describe(key)}; valid top-level keys: ${PIPELINE_FILE_KEYS.join(', ')}`,
            didYouMean(String(key), PIPELINE_FILE_KEYS),
          );
      }
    }
  } else {
    throw new ConfigError(
      `${file}:1: a pipeline file must be a mapping with "processors" (or a list of processors)`,
      {
        hint: 'for example:\nprocessors:\n  - grok: { patterns: ["%{COMBINEDAPACHELOG}"] }',
      },
    );
  }

  if (processorsNode === undefined) {
    throw new ConfigError(
      `${file}:1: "processors" is missing; valid top-level keys: ${PIPELINE_FILE_KEYS.join(', ')}`,
    );
  }
  if (!isSeq(processorsNode)) {
    const value = (processorsNode as { toJSON?: () => unknown } | null)?.toJSON?.() ?? processorsNode;
    throw new ConfigError(
      `${at(processorsOffset)}: "processors" must be a list of steps, got ${describe(value)}`,
    );
  }
  const offsets = processorsNode.items.map(
    (item) => (item as { range?: [number, number, number] } | null)?.range?.[0],
  );
  const specs = processorsNode.toJSON() as ProcessorSpec[];
  const where = (index: number) => at(index < 0 ? processorsOffset : (offsets[index] ?? processorsOffset));
  const items = processorsNode.items;
  const locate = (index: number, path: readonly OptionPathSegment[]): string | undefined => {
    let node: unknown = items[index];
    let offset: number | undefined;
    for (const segment of path) {
      if (typeof segment === 'number' && isSeq(node)) {
        node = node.items[segment];
        offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
      } else if (typeof segment === 'string' && isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
        // A mapping entry is located by its key: that is where the option is written.
        offset = (pair?.key as { range?: [number, number, number] } | null | undefined)?.range?.[0];
        node = pair?.value;
      } else {
        return undefined;
      }
      if (offset === undefined) return undefined;
    }
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const metricOffsets = isSeq(metricsNode)
    ? metricsNode.items.map((item) => (item as { range?: [number, number, number] } | null)?.range?.[0])
    : [];
  const metricSpecs =
    metricsNode === undefined
      ? undefined
      : ((metricsNode as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null);
  const metricWhere = (index: number) =>
    at(index < 0 ? metricsOffset : (metricOffsets[index] ?? metricsOffset));
  return {
    file,
    description,
    specs,
    where,
    locate,
    patternsDirs,
    patternDefinitions,
    ecsCompatibility,
    metricSpecs,
    metricWhere,
    substitutions,
  };
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
