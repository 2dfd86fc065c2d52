import { ConfigError, didYouMean, integerInRange } from '@sluice/core';
import { compileCondition } from '../pipeline/condition.js';
import { describe, isFieldPath } from '../processors/options.js';

/**
 * Logs to metrics: counters and histograms declared in a pipeline file's `metrics:`
 * section, computed from the parsed fields of every event that goes on to be indexed.
 *
 *   metrics:
 *     - name: sluice_logs_http_responses_total      # Prometheus name; a counter ends in _total
 *       type: counter                               # counter | histogram
 *       help: HTTP responses by status class        # optional
 *       labels:                                     # optional; label name -> where its value comes from
 *         status_class: { field: http.response.status_code, transform: status_class }
 *         method: http.request.method               # shorthand for { field: http.request.method }
 *       if: { exists: http.response.status_code }   # optional; the same conditions as processors
 *       max_series: 100                             # optional; distinct label sets kept (default 100)
 *     - name: sluice_logs_http_request_duration_seconds
 *       type: histogram
 *       field: event.duration                       # histogram: required; counter: optional (adds the value)
 *       scale: 0.000000001                          # optional; multiplies the value (ns -> s)
 *       buckets: [0.01, 0.1, 1, 10]                 # optional; default 0.005 .. 10 (seconds)
 *
 * A label's value is the field's text (numbers and booleans as text), then:
 *   transform: status_class   200 -> "2xx" (an integer 100..599, or its text; else missing)
 *   transform: lowercase | uppercase
 *   map: { from: to, ... }    values not listed become `default`
 *   default: TEXT             used when the field is missing (or not in `map`); without
 *                             it, such an event is not counted by this metric
 *
 * Field values come from untrusted logs, so every metric keeps at most `max_series`
 * distinct label sets; events of further label sets are counted in one series whose
 * labels are all `_overflow`. Values longer than 128 characters are cut.
 */
export type LogMetricType = 'counter' | 'histogram';

export type LabelTransform = 'status_class' | 'lowercase' | 'uppercase';

/** Where one label's value comes from, validated. */
export interface LabelSource {
  readonly name: string;
  readonly field: string;
  readonly transform?: LabelTransform;
  readonly map?: Readonly<Record<string, string>>;
  readonly default?: string;
}

/**
 * One validated metric declaration: plain data, so it crosses into the parser workers
 * as is (the main thread validates once; every worker compiles the same list, so metric
 * positions agree on both sides).
 */
export interface LogMetricDefinition {
  readonly name: string;
  readonly type: LogMetricType;
  readonly help: string;
  readonly labels: readonly LabelSource[];
  /** The `if:` condition as written (already validated; workers compile it). */
  readonly condition?: unknown;
  /** Counter: the field whose value is added (absent: each event adds 1). Histogram: the observed field. */
  readonly field?: string;
  readonly scale: number;
  /** Histogram upper bounds, strictly increasing, without +Inf. */
  readonly buckets: readonly number[];
  readonly maxSeries: number;
  /** `file:line: metric N (name)`, for messages about this metric after load. */
  readonly where: string;
}

export const LOG_METRIC_DEFAULTS = {
  maxSeries: 100,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  help: 'Declared in the pipeline config (logs to metrics).',
} as const;

/** Label value of the one series that counts events of label sets beyond `max_series`. */
export const OVERFLOW_LABEL = '_overflow';
/** Label values are cut to this many characters (they come from log lines). */
export const MAX_LABEL_LENGTH = 128;

/** The keys of one metric declaration (pipeline/schema.ts publishes them). */
export const METRIC_KEYS = [
  'name',
  'type',
  'help',
  'labels',
  'if',
  'field',
  'scale',
  'buckets',
  'max_series',
];
export const LABEL_KEYS = ['field', 'transform', 'map', 'default'];
export const TRANSFORMS: readonly LabelTransform[] = ['status_class', 'lowercase', 'uppercase'];
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LABELS = 10;
const MAX_BUCKETS = 50;
const MAX_SERIES_LIMIT = 10_000;

/** `file:line: metric N (name)`; `where(i)` is the location of item i, or of the section for -1. */
export function metricLabel(where: (index: number) => string, index: number, name?: unknown): string {
  const location = where(index);
  const named = typeof name === 'string' && name !== '' ? ` (${name})` : '';
  return `${location ? `${location}: ` : ''}metric ${index + 1}${named}`;
}

/**
 * Validates one declaration and returns it normalized. Throws a ConfigError whose
 * message starts with `file:line: metric N (name):` and names the key, the value and what
 * would be valid.
 */
export function validateMetric(spec: unknown, label: string): LogMetricDefinition {
  const fail = (message: string, hint?: string) =>
    new ConfigError(`${label}: ${message}`, hint === undefined ? {} : { hint });
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw fail(
      `a metric must be a mapping with "name" and "type", got ${describe(spec)}`,
      'for example: { name: sluice_logs_http_responses_total, type: counter, labels: { method: http.request.method } }',
    );
  }
  const m = spec as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!METRIC_KEYS.includes(key))
      throw fail(
        `unknown key "${key}"; valid keys: ${METRIC_KEYS.join(', ')}`,
        didYouMean(key, METRIC_KEYS).hint,
      );
  }

  const type = m.type;
  if (type !== 'counter' && type !== 'histogram') {
    throw fail(`"type" must be counter or histogram, got ${describe(type)}`);
  }
  const name = m.name;
  if (typeof name !== 'string' || !METRIC_NAME.test(name) || name.startsWith('__')) {
    throw fail(
      `"name" must be a Prometheus metric name (letters, digits, _ and :, not starting with a digit or __), got ${describe(name)}`,
    );
  }
  if (name.startsWith('sluice_') && !name.startsWith('sluice_logs_')) {
    throw fail(
      `"name" ${describe(name)} is in the namespace of Sluice's own metrics`,
      'start it with sluice_logs_ (or a prefix of your own)',
    );
  }
  if (type === 'counter' && !name.endsWith('_total')) {
    throw fail(`"name" of a counter must end in _total, got ${describe(name)}`, `for example ${name}_total`);
  }
  if (type === 'histogram' && /_(total|bucket|sum|count)$/.test(name)) {
    throw fail(
      `"name" of a histogram must not end in _total, _bucket, _sum or _count (Prometheus adds the last three), got ${describe(name)}`,
    );
  }

  const help = m.help ?? LOG_METRIC_DEFAULTS.help;
  if (typeof help !== 'string' || help.trim() === '')
    throw fail(`"help" must be text, got ${describe(help)}`);

  const labels = readLabels(m.labels, type, fail);

  let condition: unknown;
  if (m.if !== undefined) {
    compileCondition(m.if, label);
    condition = m.if;
  }

  const field = m.field;
  if (field !== undefined && (typeof field !== 'string' || !isFieldPath(field))) {
    throw fail(`"field" must be a field name such as "http.response.body.bytes", got ${describe(field)}`);
  }
  if (type === 'histogram' && field === undefined) {
    throw fail(
      '"field" is required for a histogram: the numeric field to observe',
      'for example: field: event.duration',
    );
  }
  const scale = m.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw fail(`"scale" must be a positive number, got ${describe(m.scale)}`);
  }
  if (m.scale !== undefined && field === undefined)
    throw fail('"scale" needs "field" (it multiplies its value)');

  let buckets: readonly number[] = [];
  if (type === 'histogram') {
    buckets = m.buckets === undefined ? LOG_METRIC_DEFAULTS.buckets : readBuckets(m.buckets, fail);
  } else if (m.buckets !== undefined) {
    throw fail('"buckets" is for histograms; a counter has none');
  }

  const maxSeries = m.max_series ?? LOG_METRIC_DEFAULTS.maxSeries;
  // Numbers only (a quoted "100" is an error here), then the one range rule of @sluice/core.
  if (typeof maxSeries !== 'number' || integerInRange(maxSeries, 1, MAX_SERIES_LIMIT) === undefined) {
    throw fail(
      `"max_series" must be an integer between 1 and ${MAX_SERIES_LIMIT}, got ${describe(m.max_series)}`,
    );
  }
  if (labels.length === 0 && m.max_series !== undefined) {
    throw fail('"max_series" needs "labels": a metric without labels has one series');
  }

  return {
    name,
    type,
    help,
    labels,
    ...(condition === undefined ? {} : { condition }),
    ...(field === undefined ? {} : { field }),
    scale,
    buckets,
    maxSeries,
    where: label,
  };
}

function readLabels(
  value: unknown,
  type: LogMetricType,
  fail: (message: string, hint?: string) => ConfigError,
): LabelSource[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail(
      `"labels" must map label names to fields, got ${describe(value)}`,
      'for example: labels: { method: http.request.method, status_class: { field: http.response.status_code, transform: status_class } }',
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_LABELS)
    throw fail(`"labels" may have at most ${MAX_LABELS} labels, got ${entries.length}`);
  return entries.map(([name, source]) => {
    const at = `"labels.${name}"`;
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw fail(
        `label name ${describe(name)} must be letters, digits and _, not starting with a digit or __`,
      );
    }
    if (type === 'histogram' && name === 'le')
      throw fail('label name "le" is reserved for histogram buckets');
    if (typeof source === 'string') {
      if (!isFieldPath(source)) throw fail(`${at} must be a field name, got ${describe(source)}`);
      return { name, field: source };
    }
    if (source === null || typeof source !== 'object' || Array.isArray(source)) {
      throw fail(`${at} must be a field name or { field, transform, map, default }, got ${describe(source)}`);
    }
    const s = source as Record<string, unknown>;
    for (const key of Object.keys(s)) {
      if (!LABEL_KEYS.includes(key))
        throw fail(
          `${at}: unknown key "${key}"; valid keys: ${LABEL_KEYS.join(', ')}`,
          didYouMean(key, LABEL_KEYS).hint,
        );
    }
    if (typeof s.field !== 'string' || !isFieldPath(s.field)) {
      throw fail(`${at}.field must be a field name, got ${describe(s.field)}`);
    }
    const out: { -readonly [K in keyof LabelSource]: LabelSource[K] } = { name, field: s.field };
    if (s.transform !== undefined) {
      if (!TRANSFORMS.includes(s.transform as LabelTransform)) {
        throw fail(`${at}.transform must be one of ${TRANSFORMS.join(', ')}, got ${describe(s.transform)}`);
      }
      out.transform = s.transform as LabelTransform;
    }
    if (s.map !== undefined) {
      const map = s.map;
      const ok =
        map !== null &&
        typeof map === 'object' &&
        !Array.isArray(map) &&
        Object.values(map).every(
          (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
        );
      if (!ok || Object.keys(map as object).length === 0) {
        throw fail(`${at}.map must map field values to label values, got ${describe(map)}`);
      }
      out.map = Object.fromEntries(
        Object.entries(map as Record<string, string | number | boolean>).map(([k, v]) => [k, cut(String(v))]),
      );
    }
    if (s.default !== undefined) {
      if (typeof s.default !== 'string' && typeof s.default !== 'number') {
        throw fail(`${at}.default must be text, got ${describe(s.default)}`);
      }
      out.default = cut(String(s.default));
    }
    return out;
  });
}

function readBuckets(value: unknown, fail: (message: string) => ConfigError): number[] {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_BUCKETS &&
    value.every((b) => typeof b === 'number' && Number.isFinite(b)) &&
    value.every((b, i) => i === 0 || (b as number) > (value[i - 1] as number));
  if (!ok) {
    throw fail(
      `"buckets" must be a list of 1 to ${MAX_BUCKETS} finite numbers in increasing order (upper bounds; +Inf is added), got ${describe(value)}`,
    );
  }
  return value as number[];
}

/** Cuts a label value to MAX_LABEL_LENGTH characters. */
export function cut(value: string): string {
  return value.length > MAX_LABEL_LENGTH ? value.slice(0, MAX_LABEL_LENGTH) : value;
}

/**
 * Validates a whole `metrics:` section: one error per bad declaration (every one, for
 * `sluice check`), plus one per name declared twice. `where(i)` locates item i (-1: the
 * section key).
 */
export function validateMetrics(
  specs: unknown,
  where: (index: number) => string,
): { readonly metrics: readonly LogMetricDefinition[]; readonly errors: readonly ConfigError[] } {
  if (!Array.isArray(specs)) {
    const location = where(-1);
    return {
      metrics: [],
      errors: [
        new ConfigError(
          `${location ? `${location}: ` : ''}"metrics" must be a list of metric declarations, got ${describe(specs)}`,
          { hint: 'for example:\nmetrics:\n  - { name: sluice_logs_lines_total, type: counter }' },
        ),
      ],
    };
  }
  const metrics: LogMetricDefinition[] = [];
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  specs.forEach((spec, index) => {
    const name = (spec as { name?: unknown } | null)?.name;
    const label = metricLabel(where, index, name);
    try {
      const metric = validateMetric(spec, label);
      const first = seen.get(metric.name);
      if (first !== undefined) {
        throw new ConfigError(`${label}: "name" ${describe(metric.name)} is already declared at ${first}`);
      }
      seen.set(metric.name, label);
      metrics.push(metric);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  });
  return { metrics, errors };
}
