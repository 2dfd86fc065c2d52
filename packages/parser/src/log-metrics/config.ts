import { ConfigError } from '@sluice/core';
import { validateConfig, whole, withHint, withSubject, z } from '@sluice/core/config';
import { compileCondition } from '../pipeline/condition.js';
import { describe, isFieldPath } from '../processors/options.js';
import {
  cut,
  type LabelSource,
  type LabelTransform,
  LOG_METRIC_DEFAULTS,
  type LogMetricDefinition,
} from './definition.js';

// Validation of a pipeline file's `metrics:` section; what it declares, and the format, are in
// definition.ts.
export * from './definition.js';

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

type Issue = { readonly input?: unknown; readonly path?: readonly PropertyKey[] };
/** A message "`"key" must be WHAT, got VALUE`" for any issue of one key. */
const mustBe = (key: string, what: string) => (issue: Issue) =>
  `"${key}" must be ${what}, got ${describe(issue.input)}`;
const fieldName = (error: (issue: Issue) => string) =>
  z.string({ error }).refine((v) => isFieldPath(v), { error });

const labelObject = z.strictObject(
  {
    field: fieldName((i) => `.field must be a field name, got ${describe(i.input)}`),
    transform: z
      .enum(TRANSFORMS as [LabelTransform, ...LabelTransform[]], {
        error: (i) => `.transform must be one of ${TRANSFORMS.join(', ')}, got ${describe(i.input)}`,
      })
      .optional(),
    map: whole(
      z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
        .refine((m) => Object.keys(m).length > 0),
      (value, path) =>
        `"labels.${String(path[1])}".map must map field values to label values, got ${describe(value)}`,
    ).optional(),
    default: z
      .union([z.string(), z.number()], {
        error: (i) => `.default must be text, got ${describe(i.input)}`,
      })
      .optional(),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `: unknown key "${String(i.keys[0])}"; valid keys: ${LABEL_KEYS.join(', ')}`
        : ` must be a field name or { field, transform, map, default }, got ${describe(i.input)}`,
  },
);

const labelsSchema = withHint(
  z
    .record(
      z
        .string()
        .regex(LABEL_NAME)
        .refine((n) => !n.startsWith('__')),
      // Messages inside a union cannot see the label's name: the reader puts it first.
      withSubject(
        z.union([fieldName((i) => ` must be a field name, got ${describe(i.input)}`), labelObject], {
          error: (i) =>
            ` must be a field name or { field, transform, map, default }, got ${describe(i.input)}`,
        }),
        (path) => `"labels.${String(path.at(-1))}"`,
      ),
      {
        error: (i) =>
          i.code === 'invalid_key'
            ? `label name ${describe(i.input)} must be letters, digits and _, not starting with a digit or __`
            : `"labels" must map label names to fields, got ${describe(i.input)}`,
      },
    )
    .superRefine((labels, context) => {
      const count = Object.keys(labels).length;
      if (count > MAX_LABELS)
        context.addIssue({
          code: 'custom',
          message: `"labels" may have at most ${MAX_LABELS} labels, got ${count}`,
          params: { hint: `keep the label sets few: at most ${MAX_LABELS} labels` },
        });
    }),
  'for example: labels: { method: http.request.method, status_class: { field: http.response.status_code, transform: status_class } }',
);

const metricName = mustBe(
  'name',
  'a Prometheus metric name (letters, digits, _ and :, not starting with a digit or __)',
);

/**
 * One metric declaration as written (the published JSON Schema shows this) and, through its
 * transform, the LogMetricDefinition it becomes (without `where`, which the caller knows).
 * Messages are whole sentences: validateMetric puts `file:line: metric N (name):` before them.
 */
export const logMetricSchema = withHint(
  z
    .strictObject(
      {
        name: z
          .string({ error: metricName })
          .regex(METRIC_NAME, { error: metricName })
          .refine((n) => !n.startsWith('__'), { error: metricName })
          .superRefine((name, context) => {
            if (name.startsWith('sluice_') && !name.startsWith('sluice_logs_'))
              context.addIssue({
                code: 'custom',
                message: `"name" ${describe(name)} is in the namespace of Sluice's own metrics`,
                params: { hint: 'start it with sluice_logs_ (or a prefix of your own)' },
              });
          })
          .meta({ description: 'sluice_logs_..._total (counter) or a histogram name.' }),
        type: z.enum(['counter', 'histogram'], { error: mustBe('type', 'counter or histogram') }),
        help: z
          .string({ error: mustBe('help', 'text') })
          .refine((h) => h.trim() !== '', { error: mustBe('help', 'text') })
          .nullish(),
        labels: labelsSchema.optional(),
        if: z
          .unknown()
          .superRefine((condition, context) => {
            try {
              compileCondition(condition, '');
            } catch (error) {
              if (!(error instanceof ConfigError)) throw error;
              context.addIssue({ code: 'custom', message: error.message, params: { hint: error.hint } });
            }
          })
          .optional()
          .meta({ description: 'A condition: only matching events count.' }),
        field: fieldName(mustBe('field', 'a field name such as "http.response.body.bytes"'))
          .optional()
          .meta({ description: 'Counter: the value added; histogram: the value observed.' }),
        scale: z
          .number({ error: mustBe('scale', 'a positive number') })
          .positive({ error: mustBe('scale', 'a positive number') })
          .nullish(),
        buckets: whole(
          z
            .array(z.number())
            .min(1)
            .max(MAX_BUCKETS)
            .refine((b) => b.every((x, i) => i === 0 || x > (b[i - 1] as number))),
          (value) =>
            `"buckets" must be a list of 1 to ${MAX_BUCKETS} finite numbers in increasing order (upper bounds; +Inf is added), got ${describe(value)}`,
        ).optional(),
        max_series: z
          .number({ error: mustBe('max_series', `an integer between 1 and ${MAX_SERIES_LIMIT}`) })
          .int({ error: mustBe('max_series', `an integer between 1 and ${MAX_SERIES_LIMIT}`) })
          .min(1, { error: mustBe('max_series', `an integer between 1 and ${MAX_SERIES_LIMIT}`) })
          .max(MAX_SERIES_LIMIT, {
            error: mustBe('max_series', `an integer between 1 and ${MAX_SERIES_LIMIT}`),
          })
          .nullish(),
      },
      {
        error: (i) =>
          i.code === 'unrecognized_keys'
            ? `unknown key "${String(i.keys[0])}"; valid keys: ${METRIC_KEYS.join(', ')}`
            : `a metric must be a mapping with "name" and "type", got ${describe(i.input)}`,
      },
    )
    // The rules across keys, in the order a reader of the declaration meets them.
    .superRefine((m, context) => {
      // About the metric as a whole (at its position), with its own hint or none.
      const fail = (message: string, hint = '') =>
        context.addIssue({ code: 'custom', message, params: { hint } });
      if (m.type === 'counter' && !m.name.endsWith('_total'))
        return fail(
          `"name" of a counter must end in _total, got ${describe(m.name)}`,
          `for example ${m.name}_total`,
        );
      if (m.type === 'histogram' && /_(total|bucket|sum|count)$/.test(m.name))
        return fail(
          `"name" of a histogram must not end in _total, _bucket, _sum or _count (Prometheus adds the last three), got ${describe(m.name)}`,
        );
      if (m.type === 'histogram' && m.labels && 'le' in m.labels)
        return fail('label name "le" is reserved for histogram buckets');
      if (m.type === 'histogram' && m.field === undefined)
        return fail(
          '"field" is required for a histogram: the numeric field to observe',
          'for example: field: event.duration',
        );
      if (m.scale !== undefined && m.field === undefined)
        return fail('"scale" needs "field" (it multiplies its value)');
      if (m.type === 'counter' && m.buckets !== undefined)
        return fail('"buckets" is for histograms; a counter has none');
      if (m.max_series !== undefined && Object.keys(m.labels ?? {}).length === 0)
        return fail('"max_series" needs "labels": a metric without labels has one series');
    }),
  'for example: { name: sluice_logs_http_responses_total, type: counter, labels: { method: http.request.method } }',
).transform(
  (m): Omit<LogMetricDefinition, 'where'> => ({
    name: m.name,
    type: m.type,
    help: m.help ?? LOG_METRIC_DEFAULTS.help,
    labels: Object.entries(m.labels ?? {}).map(([name, source]): LabelSource => {
      if (typeof source === 'string') return { name, field: source };
      return {
        name,
        field: source.field,
        ...(source.transform === undefined ? {} : { transform: source.transform }),
        ...(source.map === undefined
          ? {}
          : { map: Object.fromEntries(Object.entries(source.map).map(([k, v]) => [k, cut(String(v))])) }),
        ...(source.default === undefined ? {} : { default: cut(String(source.default)) }),
      };
    }),
    ...(m.if === undefined ? {} : { condition: m.if }),
    ...(m.field === undefined ? {} : { field: m.field }),
    scale: m.scale ?? 1,
    buckets: m.type === 'histogram' ? (m.buckets ?? LOG_METRIC_DEFAULTS.buckets) : [],
    maxSeries: m.max_series ?? LOG_METRIC_DEFAULTS.maxSeries,
  }),
);

/** The `metrics:` section: a list of `item` (logMetricSchema published; read item by item). */
export function metricsSectionSchema<T extends z.ZodType>(item: T) {
  return withHint(
    z.array(item, { error: mustBe('metrics', 'a list of metric declarations') }),
    'for example:\nmetrics:\n  - { name: sluice_logs_lines_total, type: counter }',
  );
}

/**
 * Validates one declaration and returns it normalized. Throws a ConfigError whose
 * message starts with `file:line: metric N (name):` and names the key, the value and what
 * would be valid.
 */
export function validateMetric(spec: unknown, label: string): LogMetricDefinition {
  const { value } = validateConfig(logMetricSchema, spec, { where: () => label, camelCase: false });
  return { ...value, where: label };
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
  // The section first (a list), then each declaration: one error per bad one, for `sluice check`.
  try {
    validateConfig(metricsSectionSchema(z.unknown()), specs, { where: () => where(-1), camelCase: false });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { metrics: [], errors: [error] };
  }
  const metrics: LogMetricDefinition[] = [];
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  (specs as readonly unknown[]).forEach((spec, index) => {
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
