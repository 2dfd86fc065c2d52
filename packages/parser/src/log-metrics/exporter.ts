import { ConfigError, counter, metricsRegistry } from '@sluice/core';
import { type LogMetricDefinition, OVERFLOW_LABEL } from './definition.js';
import type { LogMetricRow } from './evaluator.js';

type Labels = Record<string, string>;
// prom-client is core's dependency; its types are reached through core's helpers.
type Counter = ReturnType<typeof counter<string>>;
type RegisteredMetric = Parameters<typeof metricsRegistry.registerMetric>[0];

/** One sample as prom-client's registry formats it (`metricName` overrides the metric's name). */
interface Sample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * A histogram fed with aggregated bucket counts (what the workers send back) rather than
 * one observation at a time: prom-client's Histogram can only `observe` single values,
 * and the main thread must not do per-event work. Exposed in the standard histogram
 * form (`_bucket{le}` cumulative, `_sum`, `_count`).
 */
export class AggregatedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  /** Adds `counts` (per bucket, not cumulative, the last above the highest bound) and their `sum`. */
  add(labels: Labels, key: string, counts: readonly number[], sum: number): void {
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0 };
      this.series.set(key, series);
    }
    for (let i = 0; i < series.counts.length; i++)
      series.counts[i] = (series.counts[i] as number) + (counts[i] ?? 0);
    series.sum += sum;
  }

  /** What prom-client's registry reads when it formats `/metrics`. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    values: Sample[];
    aggregator: 'sum';
  }> {
    const values: Sample[] = [];
    for (const { labels, counts, sum } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += counts[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      cumulative += counts[this.buckets.length] as number;
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: cumulative,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }

  reset(): void {
    this.series.clear();
  }
}

interface Target {
  readonly definition: LogMetricDefinition;
  readonly labelNames: readonly string[];
  readonly counter: Counter | undefined;
  readonly histogram: AggregatedHistogram | undefined;
  /** Label sets seen so far (joined), bounded by maxSeries; the overflow series is extra. */
  readonly seen: Set<string>;
}

/**
 * The main thread's side of logs to metrics: the Prometheus metrics for the declared
 * definitions, fed with the rows workers send back. Enforces `max_series` across all
 * batches and workers (each worker only bounds one batch): a label set beyond the bound
 * is counted in the `_overflow` series.
 */
export class LogMetricsExporter {
  private readonly targets: readonly Target[];

  /**
   * Registers the metrics in the process registry. Throws a ConfigError when a name is
   * already registered differently (another pool of this process declaring it with other
   * labels); the same declaration twice shares the metric.
   */
  constructor(definitions: readonly LogMetricDefinition[]) {
    this.targets = definitions.map((definition) => {
      const labelNames = definition.labels.map((l) => l.name);
      const existing = metricsRegistry.getSingleMetric(definition.name);
      if (definition.type === 'counter') {
        if (existing !== undefined && !sameCounter(existing, labelNames)) throw clash(definition);
        const c = counter<string>({ name: definition.name, help: definition.help, labelNames });
        return { definition, labelNames, counter: c, histogram: undefined, seen: new Set<string>() };
      }
      let histogram: AggregatedHistogram;
      if (existing !== undefined) {
        const h = existing as unknown;
        if (
          !(h instanceof AggregatedHistogram) ||
          h.labelNames.join() !== labelNames.join() ||
          h.buckets.join() !== definition.buckets.join()
        ) {
          throw clash(definition);
        }
        histogram = h;
      } else {
        histogram = new AggregatedHistogram(definition.name, definition.help, labelNames, definition.buckets);
        // prom-client's registry accepts any object with name/help/type/get/reset; its types
        // list only its own classes.
        metricsRegistry.registerMetric(histogram as unknown as RegisteredMetric);
      }
      return { definition, labelNames, counter: undefined, histogram, seen: new Set<string>() };
    });
  }

  /** Adds one batch's rows (see LogMetricRow). Rows naming an unknown metric are ignored. */
  add(rows: readonly LogMetricRow[]): void {
    for (const row of rows) {
      const target = this.targets[row[0]];
      if (target === undefined) continue;
      let values = row[1];
      let key = values.join('\u0000');
      if (!target.seen.has(key)) {
        if (target.seen.size < target.definition.maxSeries && !values.every((v) => v === OVERFLOW_LABEL)) {
          target.seen.add(key);
        } else {
          values = target.labelNames.map(() => OVERFLOW_LABEL);
          key = values.join('\u0000');
        }
      }
      const labels: Labels = {};
      target.labelNames.forEach((name, i) => {
        labels[name] = values[i] ?? '';
      });
      if (row.length === 4) target.histogram?.add(labels, key, row[3], row[2]);
      else if (row[2] >= 0) target.counter?.inc(labels, row[2]);
    }
  }
}

function sameCounter(metric: RegisteredMetric, labelNames: readonly string[]): boolean {
  const m = metric as unknown as { type?: string; labelNames?: readonly string[] };
  return m.type === 'counter' && (m.labelNames ?? []).join() === labelNames.join();
}

function clash(definition: LogMetricDefinition): ConfigError {
  return new ConfigError(
    `${definition.where}: a metric named "${definition.name}" is already registered in this process with another type, labels or buckets`,
    { hint: 'give it another name' },
  );
}
