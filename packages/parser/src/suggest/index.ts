import { ConfigError, getField, type LogEvent } from '@sluice/core';
import { Document } from 'yaml';
import { modules } from '../modules/index.js';
import type { ProcessorSpec } from '../pipeline/compile.js';
import { absorbIntoRest, align } from './align.js';
import {
  compileSteps,
  compileSuggestion,
  type EvaluateOptions,
  evaluate,
  type FitReport,
} from './evaluate.js';
import { buildGrok, type FieldInfo } from './pattern.js';
import { type StampShape, type Token, tokenize } from './tokenize.js';

export type { FitReport } from './evaluate.js';
export { compileSuggestion, evaluate } from './evaluate.js';
export type { FieldInfo } from './pattern.js';

/**
 * `sluice suggest`: proposes a pipeline for sample lines. A built-in module when one fits
 * (at least MODULE_THRESHOLD of the lines) and nothing inferred extracts clearly more;
 * otherwise a pipeline inferred from the lines: the json processor for JSON lines, the
 * kv processor for key=value lines, else one grok expression aligned from the lines'
 * common structure, with the date processor for the timestamp it found. Every candidate
 * is measured by running it (evaluate.ts), so the rate reported is what `sluice parse`
 * would get on the same lines.
 */

/** A module is proposed when it matches at least this share of the sample (or as much as the inference). */
export const MODULE_THRESHOLD = 0.9;
/**
 * A fitting module is proposed unless the inferred pipeline sets more than this many
 * fields more per event: syslog's module fits HAProxy lines, but leaves the request in
 * the message.
 */
const FIELDS_SLACK = 1;

/**
 * Longer lines are not learnt from (they are still measured): a format is seen in its
 * ordinary lines, and tokenising a hostile megabyte of brackets costs quadratic time.
 */
const MAX_INFER_CHARS = 8192;

export interface ModuleScore {
  readonly name: string;
  readonly rate: number;
  readonly meanFields: number;
}

export interface Suggestion {
  /** What was proposed: a built-in module, or a pipeline inferred as grok, json or kv. */
  readonly kind: 'module' | 'grok' | 'json' | 'kv';
  readonly module: string | undefined;
  /** The grok expression, for kind grok. */
  readonly pattern: string | undefined;
  /** The pipeline file text (YAML) that `sluice check` and `sluice parse --config` read. */
  readonly yaml: string;
  /** The captures of an inferred pipeline and what kind of value each held. */
  readonly fields: readonly FieldInfo[];
  /** How the proposal fits the sample. */
  readonly fit: FitReport;
  /** Every module's score on the sample, best first. */
  readonly modules: readonly ModuleScore[];
}

export interface SuggestOptions extends EvaluateOptions {}

export function suggestPipeline(sample: readonly string[], options: SuggestOptions = {}): Suggestion {
  const lines = sample.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (lines.length === 0) {
    throw new ConfigError('the sample has no lines to learn from', {
      hint: 'give a file of log lines with --file, or pipe them on stdin',
    });
  }
  const inferred = infer(lines, options);
  const scores = scoreModules(lines, inferred.fit, options);
  const best = scores[0];
  if (
    best !== undefined &&
    (best.score.rate >= MODULE_THRESHOLD || best.score.rate >= inferred.fit.rate) &&
    best.score.meanFields + FIELDS_SLACK >= inferred.fit.meanFields
  ) {
    const yaml = toYaml(
      `built-in module ${best.score.name}, proposed by sluice suggest (${percent(best.score.rate)} of ${lines.length} sample lines match)`,
      [{ module: best.score.name }],
    );
    return {
      kind: 'module',
      module: best.score.name,
      pattern: undefined,
      yaml,
      fields: [],
      fit: best.fit,
      modules: scores.map((s) => s.score),
    };
  }
  return { ...inferred, modules: scores.map((s) => s.score) };
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/**
 * A module's score is the share of lines it parses as well as the inferred pipeline
 * reads them: without a failure tag, with the same @timestamp and log.level wherever
 * the inferred pipeline found one, and no more text left in `message`. A lenient module (one whose pattern takes any text
 * after a date) does not then win on lines it only half understands.
 */
function scoreModules(
  lines: readonly string[],
  inferred: FitReport,
  options: SuggestOptions,
): { score: ModuleScore; fit: FitReport }[] {
  const undated = new Date(inferred.clock).toISOString();
  const scored = Object.keys(modules).map((name) => {
    const fit = evaluate(compileSteps([{ module: name }], options), lines, options);
    let agreeing = 0;
    fit.events.forEach((event, i) => {
      if (event === null || hasFailure(event)) return;
      const reference = inferred.events[i];
      if (reference !== null && reference !== undefined && !hasFailure(reference)) {
        const stamp = reference['@timestamp'];
        if (stamp !== undefined && stamp !== undated && stamp !== event['@timestamp']) return;
        const level = getField(reference, 'log.level');
        if (level !== undefined && getField(event, 'log.level') !== level) return;
        // Text the module leaves in the message that the inference took apart.
        const left = event.message;
        const inferredLeft = reference.message;
        if (typeof left === 'string' && typeof inferredLeft === 'string' && left.length > inferredLeft.length)
          return;
      }
      agreeing += 1;
    });
    const rate = lines.length === 0 ? 0 : agreeing / lines.length;
    return { score: { name, rate, meanFields: fit.meanFields }, fit: { ...fit, rate, matched: agreeing } };
  });
  return scored.sort((a, b) => b.score.rate - a.score.rate || b.score.meanFields - a.score.meanFields);
}

function hasFailure(event: LogEvent): boolean {
  return Array.isArray(event.tags) && event.tags.some((t) => typeof t === 'string' && t.startsWith('_'));
}

type Inferred = Omit<Suggestion, 'modules'>;

function infer(lines: readonly string[], options: SuggestOptions): Inferred {
  const candidates = [inferJson(lines), inferKeyValue(lines), inferGrok(lines)].filter(
    (c): c is Omit<Inferred, 'fit' | 'yaml'> & { steps: ProcessorSpec[]; what: string } => c !== undefined,
  );
  let best: Inferred | undefined;
  for (const candidate of candidates) {
    const draft = toYaml('', candidate.steps);
    const fit = evaluate(compileSuggestion(draft, options), lines, options);
    const yaml = toYaml(
      `${candidate.what}, inferred by sluice suggest from ${lines.length} sample lines (${percent(fit.rate)} match)`,
      candidate.steps,
    );
    const { steps: _steps, what: _what, ...rest } = candidate;
    const result: Inferred = { ...rest, yaml, fit };
    if (best === undefined || fit.rate > best.fit.rate + 0.001) best = result;
    // JSON and key=value are exact when they fit: no need to try grok on them.
    if (candidate.kind !== 'grok' && fit.rate >= 0.95) break;
  }
  return best as Inferred;
}

function toYaml(description: string, steps: readonly ProcessorSpec[]): string {
  const doc = new Document(description === '' ? { processors: steps } : { description, processors: steps });
  return doc.toString({ lineWidth: 0 });
}

/** Steps that make the captured `timestamp` the event's `@timestamp`, as the modules do. */
function dateSteps(field: string, formats: readonly string[], remove = field): ProcessorSpec[] {
  return [
    { date: { field, formats: [...formats] }, if: { exists: field } },
    { mutate: { remove: [remove] }, if: { not: { tag: '_dateparsefailure' } } },
  ];
}

/** The one timestamp a value holds, if the whole value is one. */
function stampOf(text: string): StampShape | undefined {
  const tokens = tokenize(text);
  const only = tokens.length === 1 ? tokens[0] : undefined;
  return only?.kind === 'value' ? only.stamp : undefined;
}

const LEVEL_KEY = /^(?:level|lvl|severity|loglevel|log_level|s)$/i;
const MESSAGE_KEY = /^(?:msg|message)$/;

function inferJson(
  lines: readonly string[],
): (Omit<Inferred, 'fit' | 'yaml'> & { steps: ProcessorSpec[]; what: string }) | undefined {
  const objects: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (!line.trimStart().startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        objects.push(value as Record<string, unknown>);
    } catch {
      // not JSON: counted as a miss below
    }
  }
  if (objects.length < 0.9 * lines.length) return undefined;
  // Timestamp: a string field (or one level down, MongoDB's {"$date": ...}) that is one timestamp.
  let stamp: { path: string; top: string; shape: StampShape; examples: string[] } | undefined;
  let level: string | undefined;
  let message: string | undefined;
  const first = objects[0] as Record<string, unknown>;
  for (const [key, value] of Object.entries(first)) {
    const nested =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value as Record<string, unknown>).map(([k, v]) => [`${key}.${k}`, v] as const)
        : [[key, value] as const];
    for (const [path, v] of nested) {
      if (stamp === undefined && typeof v === 'string') {
        const shape = stampOf(v);
        if (shape) stamp = { path, top: key, shape, examples: [v] };
      }
    }
    if (level === undefined && LEVEL_KEY.test(key) && typeof value === 'string') level = key;
    if (message === undefined && MESSAGE_KEY.test(key) && key !== 'message') message = key;
  }
  const steps: ProcessorSpec[] = [{ json: { field: 'message' } }];
  const rename: Record<string, string> = {};
  const fields: FieldInfo[] = [];
  if (level !== undefined) {
    rename[level] = 'log.level';
    fields.push({ field: 'log.level', type: `level (from "${level}")` });
  }
  if (message !== undefined) {
    rename[message] = 'message';
    fields.push({ field: 'message', type: `text (from "${message}")` });
  }
  if (Object.keys(rename).length > 0) steps.push({ mutate: { rename } });
  if (stamp !== undefined) {
    steps.push(...dateSteps(stamp.path, stamp.shape.formats(stamp.examples), stamp.top));
    fields.push({
      field: '@timestamp',
      type: `timestamp (from "${stamp.path}", ${stamp.shape.formats(stamp.examples).join(' | ')})`,
    });
  }
  return { kind: 'json', module: undefined, pattern: undefined, fields, steps, what: 'JSON lines' };
}

function inferKeyValue(
  lines: readonly string[],
): (Omit<Inferred, 'fit' | 'yaml'> & { steps: ProcessorSpec[]; what: string }) | undefined {
  const pairsPerLine: Map<string, string>[] = [];
  for (const line of lines) {
    if (line.length > MAX_INFER_CHARS) continue;
    const tokens = tokenize(line).filter((t) => t.kind !== 'space');
    if (tokens.length < 2 || !tokens.every((t) => t.kind === 'value' && t.value === 'kv')) continue;
    const pairs = new Map<string, string>();
    for (const t of tokens) {
      const eq = t.text.indexOf('=');
      pairs.set(t.text.slice(0, eq), t.text.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
    }
    pairsPerLine.push(pairs);
  }
  if (pairsPerLine.length < 0.9 * lines.length) return undefined;
  const share = (key: string, test: (v: string) => boolean) =>
    pairsPerLine.filter((p) => {
      const v = p.get(key);
      return v !== undefined && test(v);
    }).length / pairsPerLine.length;
  const keys = [...new Set(pairsPerLine.flatMap((p) => [...p.keys()]))];
  const timeKey = keys.find((k) => share(k, (v) => stampOf(v) !== undefined) >= 0.9);
  const levelKey =
    keys.find((k) => LEVEL_KEY.test(k) && share(k, () => true) >= 0.9) ??
    keys.find(
      (k) =>
        share(
          k,
          (v) =>
            /^[A-Za-z]+$/.test(v) &&
            tokenize(v)[0]?.kind === 'value' &&
            (tokenize(v)[0] as { value: string }).value === 'level',
        ) >= 0.9,
    );
  const messageKey = keys.find((k) => MESSAGE_KEY.test(k));
  const steps: ProcessorSpec[] = [];
  const fields: FieldInfo[] = [];
  let shape: StampShape | undefined;
  if (timeKey !== undefined) {
    const examples = pairsPerLine.map((p) => p.get(timeKey)).filter((v): v is string => v !== undefined);
    shape = stampOf(examples[0] as string) as StampShape;
    const escaped = timeKey.replace(/[.\\-]/g, (c) => `\\${c}`);
    // The timestamp by grok: a line without it fails (_grokparsefailure) instead of passing silently.
    steps.push({ grok: { patterns: [`(?:^|\\s)${escaped}="?(?<timestamp>${shape.grok})"?(?:\\s|$)`] } });
    fields.push({ field: 'timestamp', type: `timestamp (${shape.formats(examples).join(' | ')})` });
  } else {
    steps.push({ grok: { patterns: ['^[A-Za-z_][\\w.-]*='] } });
  }
  steps.push({
    kv: { field: 'message', target: 'labels', ...(timeKey !== undefined ? { exclude_keys: [timeKey] } : {}) },
  });
  const rename: Record<string, string> = {};
  if (levelKey !== undefined) {
    rename[`labels.${levelKey}`] = 'log.level';
    fields.push({ field: 'log.level', type: `level (from "${levelKey}")` });
  }
  if (messageKey !== undefined) {
    rename[`labels.${messageKey}`] = 'message';
    fields.push({ field: 'message', type: `text (from "${messageKey}")` });
  }
  if (Object.keys(rename).length > 0) steps.push({ mutate: { rename } });
  for (const key of keys) {
    if (key === timeKey || key === levelKey || key === messageKey) continue;
    fields.push({ field: `labels.${key}`, type: 'text (kv)' });
  }
  if (shape !== undefined && timeKey !== undefined) {
    const examples = pairsPerLine.map((p) => p.get(timeKey)).filter((v): v is string => v !== undefined);
    steps.push(...dateSteps('timestamp', shape.formats(examples)));
  }
  return { kind: 'kv', module: undefined, pattern: undefined, fields, steps, what: 'key=value lines' };
}

/** How a line starts, coarsely: a timestamp (of which shape), a word, a bracket, a space... */
function startOf(token: Token | undefined): string {
  if (token === undefined) return 'empty';
  if (token.kind === 'value') return token.stamp ? `stamp:${token.stamp.id}` : 'value';
  if (token.kind === 'group') return `group:${token.open}:${startOf(token.inner[0])}`;
  return token.kind === 'punct' ? `punct:${token.text}` : token.kind;
}

function inferGrok(
  lines: readonly string[],
): (Omit<Inferred, 'fit' | 'yaml'> & { steps: ProcessorSpec[]; what: string }) | undefined {
  const tokenized = lines.map((l) => (l.length > MAX_INFER_CHARS ? [] : tokenize(l)));
  // Lines that do not even start like most others (a stack trace line, a stray banner)
  // are left out of the alignment, however small the sample: they are reported as misses.
  const starts = tokenized.map((tokens) => startOf(tokens[0]));
  const counts = new Map<string, number>();
  for (const s of starts) counts.set(s, (counts.get(s) ?? 0) + 1);
  const [commonStart, commonCount] = [...counts].sort((a, b) => b[1] - a[1])[0] as [string, number];
  const typical =
    commonCount * 2 > lines.length ? tokenized.filter((_, i) => starts[i] === commonStart) : tokenized;
  const alignment = align(typical, { strict: false, rest: true });
  if (alignment === undefined) return undefined;
  const grok = buildGrok(absorbIntoRest(alignment.columns));
  const steps: ProcessorSpec[] = [{ grok: { patterns: [grok.pattern] } }];
  if (grok.timestamp !== undefined) steps.push(...dateSteps(grok.timestamp.field, grok.timestamp.formats));
  if (grok.kvMessage) steps.push({ kv: { field: 'message', target: 'labels' } });
  const fields = grok.fields.map((f) => ({
    ...f,
    field: f.field === 'timestamp' ? '@timestamp (via date)' : f.field,
  }));
  return { kind: 'grok', module: undefined, pattern: grok.pattern, fields, steps, what: 'grok pattern' };
}
