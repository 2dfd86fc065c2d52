import { fieldPath, getField, type JsonValue, type LogEvent } from '@sluice/core';
import { type Condition, compileCondition } from '../pipeline/condition.js';
import { cut, type LabelSource, type LogMetricDefinition, OVERFLOW_LABEL } from './definition.js';

/**
 * One metric's change over one batch, as it travels back from a worker with the batch's
 * result (compact, like the per-pattern stats):
 *   counter:   [metric, labelValues, amount]
 *   histogram: [metric, labelValues, sum, counts]   counts[i]: observations in bucket i
 *              (not cumulative), the last one above the highest bound (+Inf); their total
 *              is the observation count.
 * `metric` is the position in the definitions; `labelValues` follow the definition's label order.
 */
export type LogMetricRow =
  | readonly [metric: number, labels: readonly string[], amount: number]
  | readonly [metric: number, labels: readonly string[], sum: number, counts: readonly number[]];

interface Series {
  readonly labels: readonly string[];
  value: number;
  readonly counts: number[] | undefined;
}

interface CompiledMetric {
  readonly condition: Condition | undefined;
  readonly labels: readonly ((event: LogEvent) => string | undefined)[];
  readonly value: ((event: LogEvent) => number | undefined) | undefined;
  readonly buckets: readonly number[] | undefined;
  readonly maxSeries: number;
  readonly series: Map<string, Series>;
}

/**
 * Evaluates the declared metrics on events, in the worker that parsed them. `observe`
 * aggregates into this batch's series; `drain` returns them as rows and starts over, so
 * what one batch reports is exactly what its own events added (a batch whose task is
 * aborted, or run again, reports nothing twice). Never throws on data: an event without
 * a label's field (and no default) or without a numeric value is not counted by that metric.
 */
export class LogMetricsEvaluator {
  private readonly metrics: readonly CompiledMetric[];

  constructor(definitions: readonly LogMetricDefinition[]) {
    this.metrics = definitions.map((d) => ({
      condition: d.condition === undefined ? undefined : compileCondition(d.condition, d.where),
      labels: d.labels.map(labelReader),
      value: d.field === undefined ? undefined : numberReader(d.field, d.scale, d.type === 'counter'),
      buckets: d.type === 'histogram' ? d.buckets : undefined,
      maxSeries: d.maxSeries,
      series: new Map(),
    }));
  }

  get size(): number {
    return this.metrics.length;
  }

  observe(event: LogEvent): void {
    for (const metric of this.metrics) {
      if (metric.condition !== undefined && !metric.condition(event)) continue;
      let value = 1;
      if (metric.value !== undefined) {
        const v = metric.value(event);
        if (v === undefined) continue;
        value = v;
      }
      const n = metric.labels.length;
      const labels: string[] = new Array(n);
      let skipped = false;
      for (let i = 0; i < n; i++) {
        const label = (metric.labels[i] as (event: LogEvent) => string | undefined)(event);
        if (label === undefined) {
          skipped = true;
          break;
        }
        labels[i] = label;
      }
      if (skipped) continue;
      // \u0000 cannot come out of a JSON string field by accident in practice, and a
      // collision would only merge two series of the same metric.
      let key = n === 1 ? (labels[0] as string) : labels.join('\u0000');
      let series = metric.series.get(key);
      if (series === undefined) {
        if (metric.series.size >= metric.maxSeries) {
          // The main thread applies the same bound across batches; bounding here too keeps
          // a batch of hostile values from sending thousands of rows back.
          key = '\u0000overflow';
          series = metric.series.get(key);
          if (series === undefined) {
            series = newSeries(new Array<string>(n).fill(OVERFLOW_LABEL), metric.buckets);
            metric.series.set(key, series);
          }
        } else {
          series = newSeries(labels, metric.buckets);
          metric.series.set(key, series);
        }
      }
      series.value += value;
      if (series.counts !== undefined) {
        const buckets = metric.buckets as readonly number[];
        let b = 0;
        while (b < buckets.length && value > (buckets[b] as number)) b++;
        series.counts[b] = (series.counts[b] as number) + 1;
      }
    }
  }

  /** This batch's rows since the last drain; resets. */
  drain(): LogMetricRow[] {
    const rows: LogMetricRow[] = [];
    this.metrics.forEach((metric, index) => {
      for (const series of metric.series.values()) {
        rows.push(
          series.counts === undefined
            ? [index, series.labels, series.value]
            : [index, series.labels, series.value, series.counts],
        );
      }
      metric.series.clear();
    });
    return rows;
  }
}

/**
 * `rows` without what `excluded` contributed: the batch's counts minus those of its items
 * that were dead-lettered (they were never written, so they are not processed logs). Both
 * come from the same definitions. An excluded series the batch folded into `_overflow`
 * (more label sets in one batch than `max_series`) is taken from that series. Rows left at
 * zero are dropped.
 */
export function subtractRows(
  rows: readonly LogMetricRow[],
  excluded: readonly LogMetricRow[],
): LogMetricRow[] {
  if (excluded.length === 0) return [...rows];
  const key = (metric: number, labels: readonly string[]) => `${metric}\u0000${labels.join('\u0000')}`;
  const out = new Map<
    string,
    { metric: number; labels: readonly string[]; value: number; counts?: number[] }
  >();
  for (const row of rows) {
    out.set(key(row[0], row[1]), {
      metric: row[0],
      labels: row[1],
      value: row[2],
      ...(row.length === 4 ? { counts: [...row[3]] } : {}),
    });
  }
  for (const row of excluded) {
    const target =
      out.get(key(row[0], row[1])) ??
      out.get(
        key(
          row[0],
          row[1].map(() => OVERFLOW_LABEL),
        ),
      );
    if (target === undefined) continue;
    target.value -= row[2];
    if (row.length === 4 && target.counts !== undefined) {
      row[3].forEach((n, i) => {
        if (target.counts) target.counts[i] = (target.counts[i] ?? 0) - n;
      });
    }
  }
  const result: LogMetricRow[] = [];
  for (const { metric, labels, value, counts } of out.values()) {
    if (counts !== undefined) {
      if (counts.some((n) => n > 0)) result.push([metric, labels, value, counts]);
    } else if (value !== 0) {
      result.push([metric, labels, value]);
    }
  }
  return result;
}

function newSeries(labels: readonly string[], buckets: readonly number[] | undefined): Series {
  return {
    labels,
    value: 0,
    counts: buckets === undefined ? undefined : new Array<number>(buckets.length + 1).fill(0),
  };
}

function scalarText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/** 200 -> "2xx": an integer 100..599, as a number or its text; anything else is missing. */
export function statusClass(value: JsonValue | undefined): string | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(n) || n < 100 || n > 599) return undefined;
  return `${Math.floor(n / 100)}xx`;
}

function labelReader(source: LabelSource): (event: LogEvent) => string | undefined {
  const parts = fieldPath(source.field);
  const { transform, map } = source;
  const fallback = source.default;
  return (event) => {
    const raw = getField(event, parts);
    let text = transform === 'status_class' ? statusClass(raw) : scalarText(raw);
    if (text !== undefined) {
      if (transform === 'lowercase') text = text.toLowerCase();
      else if (transform === 'uppercase') text = text.toUpperCase();
      if (map !== undefined) text = Object.hasOwn(map, text) ? map[text] : undefined;
    }
    if (text === undefined) return fallback;
    return cut(text);
  };
}

/** A numeric field (a number, or its text as grok captures it without :int), times scale. */
function numberReader(
  field: string,
  scale: number,
  nonNegative: boolean,
): (event: LogEvent) => number | undefined {
  const parts = fieldPath(field);
  return (event) => {
    const raw = getField(event, parts);
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n)) return undefined;
    // A counter only goes up: a negative amount is bad data, not a decrement.
    if (nonNegative && n < 0) return undefined;
    return n * scale;
  };
}
