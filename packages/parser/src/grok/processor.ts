import { addTag, fieldPath, getField, type LogEvent } from '@sluice/core';
import { ECS_COMPATIBILITY_VALUES, parseEcsCompatibility } from '../patterns/library.js';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from '../processors/options.js';
import { type CompiledPattern, Grok } from './compiler.js';
import { loadPatternsDirs } from './patterns-dir.js';
import { type PatternStat, patternStats } from './stats.js';
import { type CompiledShape, compileCaptureMembers } from './writer.js';

export const GROK_FAILURE_TAG = '_grokparsefailure';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const GROK_OPTIONS = [
  'field',
  'patterns',
  'match',
  'pattern_definitions',
  'patterns_dir',
  'tag_on_failure',
  'ignore_missing',
  'ecs_compatibility',
] as const;

/**
 * `grok`: matches a field against patterns tried in order and writes the named captures.
 *
 * Options:
 *   field                field to match; default "message"
 *   patterns             non-empty list of patterns (a single string is a list of one)
 *   match                Logstash's `{ message: [patterns] }` form, instead of field + patterns
 *   pattern_definitions  `{ NAME: regex }`, added to the library for these patterns
 *   patterns_dir         directory (or list) of Logstash-style patterns files
 *   tag_on_failure       tags when nothing matches; default ["_grokparsefailure"]; [] for none
 *   ignore_missing       when the field is absent, leave the event alone; default false (tag it)
 *   ecs_compatibility    naming mode of the built-in patterns: v1 (or v8; default) or disabled (legacy names)
 *
 * Captures overwrite fields of the same name (ingest-pipeline semantics), so a syslog
 * pattern may replace `message` with the part after the header.
 */
export const grok: ProcessorFactory = withOptions(GROK_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, GROK_OPTIONS);
  let field: string;
  let patterns: string[];
  if (o.has('match')) {
    if (o.has('field') || o.has('patterns'))
      throw o.error('give either "match" or "field" + "patterns", not both');
    const match = o.raw('match');
    const entries =
      match !== null && typeof match === 'object' && !Array.isArray(match) ? Object.entries(match) : [];
    const first = entries[0];
    if (entries.length !== 1 || !first) {
      throw o.invalid(
        'match',
        'a mapping of one field to its patterns, like { message: ["%{COMMONAPACHELOG}"] }',
        match,
      );
    }
    field = first[0];
    const list = typeof first[1] === 'string' ? [first[1]] : first[1];
    if (!Array.isArray(list) || list.length === 0 || list.some((p) => typeof p !== 'string')) {
      throw o.invalid('match', 'a mapping of one field to a non-empty list of patterns', match);
    }
    patterns = list as string[];
  } else {
    field = o.field('field', 'message');
    const list = o.raw('patterns');
    patterns = (
      typeof list === 'string' ? [list] : o.stringList('patterns', { nonEmpty: true, what: 'grok patterns' })
    ) as string[];
  }
  const inline = o.raw('pattern_definitions');
  if (
    inline !== undefined &&
    (inline === null ||
      typeof inline !== 'object' ||
      Array.isArray(inline) ||
      Object.values(inline).some((v) => typeof v !== 'string'))
  ) {
    throw o.invalid('pattern_definitions', 'a mapping of pattern names to regular expressions', inline);
  }
  const dirs = o.stringList('patterns_dir', { what: 'directories' }) ?? [];
  const definitions = {
    ...context.patternDefinitions,
    ...loadPatternsDirs(dirs, context.where),
    ...(inline as Record<string, string> | undefined),
  };
  const tags = o.failureTags(GROK_FAILURE_TAG);
  const ignoreMissing = o.boolean('ignore_missing', false);
  let ecsCompatibility = context.ecsCompatibility ?? 'v1';
  if (o.has('ecs_compatibility')) {
    const raw = o.raw('ecs_compatibility');
    const mode = typeof raw === 'string' ? parseEcsCompatibility(raw) : undefined;
    if (mode === undefined) throw o.invalid('ecs_compatibility', ECS_COMPATIBILITY_VALUES.join(', '), raw);
    ecsCompatibility = mode;
  }
  const engine = new Grok(patterns, { definitions, where: context.where, ecsCompatibility });
  return grokProcessor(engine, fieldPath(field), tags, ignoreMissing);
});

/**
 * What the encoder needs to write a grok step's output without building the event (see
 * pool/direct.ts): the step's field, its failure tags, and per pattern the compiled shape
 * of its captures (undefined where the shape depends on the data).
 */
export interface GrokShape {
  readonly path: readonly string[];
  readonly tags: readonly string[];
  readonly shapes: readonly (CompiledShape | undefined)[];
  /**
   * Tries the patterns on `value` in order, counting statistics exactly as `apply` does;
   * the index of the pattern that matched (its match in `lastMatch`), or -1.
   */
  match(value: string): number;
  /** The match of the last `match` that found one. */
  readonly lastMatch: RegExpExecArray | null;
  /** Writes the captures of `m`, a match of pattern `p`, into the event, as `apply` does. */
  apply(event: LogEvent, p: number, m: RegExpExecArray): void;
}

/** A grok processor, which also describes its output for compiled encoding. */
export interface GrokProcessor extends Processor {
  readonly shape: GrokShape;
}

export function isGrokProcessor(processor: Processor): processor is GrokProcessor {
  return (processor as Partial<GrokProcessor>).shape !== undefined && processor.name === 'grok';
}

function grokProcessor(
  engine: Grok,
  path: readonly string[],
  tags: readonly string[],
  ignoreMissing: boolean,
): GrokProcessor {
  const compiled = engine.patterns;
  const stats = compiled.map((p: CompiledPattern) => patternStats(p.pattern));
  const single = path.length === 1 ? (path[0] as string) : undefined;
  // Per-pattern time is sampled: one exec in `sample` (8) of each pattern is timed and
  // counts for `sample` execs, starting with the pattern's first, so every pattern that
  // ran has a time. Two clock reads per exec cost about as much as the regex on a short
  // line (measured with benchmarks/parse); counts stay exact, and over the thousands of
  // events between two metric scrapes the estimate is close to the real time.
  const sample = timeSample;
  const ticks = new Int32Array(compiled.length);
  let lastMatch: RegExpExecArray | null = null;
  const match = (value: string): number => {
    for (let p = 0; p < compiled.length; p++) {
      const pattern = compiled[p] as CompiledPattern;
      const stat = stats[p] as PatternStat;
      const tick = ticks[p] as number;
      ticks[p] = tick >= sample - 1 ? 0 : tick + 1;
      let m: RegExpExecArray | null;
      if (tick === 0) {
        const started = performance.now();
        m = pattern.regex.exec(value);
        stat.seconds += ((performance.now() - started) * sample) / 1000;
      } else {
        m = pattern.regex.exec(value);
      }
      if (m !== null) {
        stat.matches += 1;
        lastMatch = m;
        return p;
      }
      stat.misses += 1;
    }
    return -1;
  };
  let shapes: (CompiledShape | undefined)[] | undefined;
  const shape: GrokShape = {
    path,
    tags,
    // Compiled on first use: only the encoder of a pipeline that can write directly asks.
    get shapes() {
      shapes ??= compiled.map((p) => compileCaptureMembers(p.captures));
      return shapes;
    },
    match,
    apply(event, p, m) {
      (compiled[p] as CompiledPattern).apply(event, m);
    },
    get lastMatch() {
      return lastMatch;
    },
  };
  return {
    name: 'grok',
    shape,
    apply(event: LogEvent): LogEvent {
      const value = single !== undefined ? event[single] : getField(event, path);
      if (typeof value !== 'string') {
        if (value === undefined && ignoreMissing) return event;
        for (const tag of tags) addTag(event, tag);
        return event;
      }
      const p = match(value);
      if (p >= 0) {
        (compiled[p] as CompiledPattern).apply(event, lastMatch as RegExpExecArray);
        return event;
      }
      for (const tag of tags) addTag(event, tag);
      return event;
    },
  };
}

/** One event in this many has its pattern time measured (see grokProcessor). */
let timeSample = 8;

/**
 * Times every try of the grok processors compiled after this call, in this thread: for
 * `sluice parse --stats`, where a few hundred lines must give true times rather than an
 * estimate from one try in 8. The consumer's workers keep the sampling.
 */
export function timeEveryPatternTry(): void {
  timeSample = 1;
}
