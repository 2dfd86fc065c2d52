import type { JsonValue, LogEvent } from '@sluice/core';
import { resolveModule } from '../modules/index.js';
import { type CompiledPipeline, compilePipeline, type ProcessorSpec } from '../pipeline/compile.js';
import { parsePipelineText, pipelineFileContext } from '../pipeline/load.js';
import { runRecord } from '../pool/event.js';

/**
 * How well a pipeline fits sample lines, measured by running it: the same loader and
 * compiler as `sluice parse --config` and `sluice check`, the same per-record logic as the
 * worker pool. A line matches when its event carries no failure tag (`_grokparsefailure`,
 * `_dateparsefailure`, `_jsonparsefailure`, ...) and was not dropped.
 */
export interface FitReport {
  readonly lines: number;
  readonly matched: number;
  /** matched / lines, 0 for no lines. */
  readonly rate: number;
  /** The first lines that did not match: their index in the sample and why. */
  readonly misses: readonly { readonly index: number; readonly line: string; readonly why: string }[];
  /** Per field set by the pipeline on matched events (besides message and @timestamp): JSON types seen. */
  readonly fieldTypes: ReadonlyMap<string, ReadonlySet<string>>;
  /** Mean number of fields a matched event carries beyond message, @timestamp and bookkeeping. */
  readonly meanFields: number;
  /** The clock the events were made at: `@timestamp` of an event no date was read for. */
  readonly clock: number;
  /** The events, one per line (null: dropped), for callers that compare values. */
  readonly events: readonly (LogEvent | null)[];
}

const MISSES_KEPT = 10;
/** Fields every event has or that say what a module is, not what the line held. */
const BOOKKEEPING =
  /^(?:message|@timestamp|tags|event\.(?:module|dataset|kind|category|type|outcome|created)|related\..*|ecs\..*)$/;

export interface EvaluateOptions {
  /** The clock for year inference and events without a date; default Date.now. */
  readonly now?: () => number;
}

/** Compiles pipeline text (YAML) exactly as a pipeline file; throws ConfigError when it does not compile. */
export function compileSuggestion(yamlText: string, options: EvaluateOptions = {}): CompiledPipeline {
  const file = parsePipelineText(yamlText, 'suggested.yaml');
  return compilePipeline(
    file.specs,
    pipelineFileContext(file, { resolveModule, ...(options.now ? { now: options.now } : {}) }),
  );
}

/** Compiles steps as a pipeline (built-in modules are scored this way). */
export function compileSteps(
  specs: readonly ProcessorSpec[],
  options: EvaluateOptions = {},
): CompiledPipeline {
  return compilePipeline(specs, {
    resolveModule,
    where: () => 'suggest',
    ...(options.now ? { now: options.now } : {}),
  });
}

export function evaluate(
  pipeline: CompiledPipeline,
  lines: readonly string[],
  options: EvaluateOptions = {},
): FitReport {
  const now = (options.now ?? Date.now)();
  let matched = 0;
  let fieldTotal = 0;
  const misses: { index: number; line: string; why: string }[] = [];
  const fieldTypes = new Map<string, Set<string>>();
  const events: (LogEvent | null)[] = [];
  lines.forEach((line, index) => {
    const event = runRecord(pipeline, { id: String(index), line, format: 'raw' }, true, now);
    events.push(event);
    if (event === null) {
      if (misses.length < MISSES_KEPT) misses.push({ index, line, why: 'dropped by the pipeline' });
      return;
    }
    const failures = failureTags(event);
    if (failures.length > 0) {
      if (misses.length < MISSES_KEPT) misses.push({ index, line, why: failures.join(',') });
      return;
    }
    matched += 1;
    for (const [path, value] of leaves(event)) {
      if (BOOKKEEPING.test(path)) continue;
      fieldTotal += 1;
      let types = fieldTypes.get(path);
      if (types === undefined) {
        types = new Set();
        fieldTypes.set(path, types);
      }
      types.add(value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
    }
  });
  return {
    lines: lines.length,
    matched,
    rate: lines.length === 0 ? 0 : matched / lines.length,
    misses,
    fieldTypes,
    meanFields: matched === 0 ? 0 : fieldTotal / matched,
    clock: now,
    events,
  };
}

function failureTags(event: LogEvent): string[] {
  const tags = event.tags;
  if (!Array.isArray(tags)) return [];
  return tags.filter((t): t is string => typeof t === 'string' && t.startsWith('_'));
}

/** Leaf fields as dotted paths; arrays count as one leaf. */
function* leaves(value: JsonValue, prefix = ''): Generator<[string, JsonValue]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      yield* leaves(child as JsonValue, prefix === '' ? key : `${prefix}.${key}`);
    }
    return;
  }
  yield [prefix, value];
}
