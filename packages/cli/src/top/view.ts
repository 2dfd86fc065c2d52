import type { Sample } from './exposition.js';

/** One /metrics page read at a moment (ms since the epoch, from the caller's clock). */
export interface Scrape {
  readonly endpoint: string;
  readonly at: number;
  readonly samples: readonly Sample[] | null;
  /** Why the page could not be read, when samples is null. */
  readonly error?: string;
}

type Match = Readonly<Record<string, string | readonly string[]>>;

function matches(sample: Sample, name: string, match: Match): boolean {
  if (sample.name !== name) return false;
  for (const [label, want] of Object.entries(match)) {
    const got = sample.labels[label] ?? '';
    if (typeof want === 'string' ? got !== want : !want.includes(got)) return false;
  }
  return true;
}

/** Sum of every series of a metric matching the labels; undefined when the page has none. */
function sum(samples: readonly Sample[], name: string, match: Match = {}): number | undefined {
  let total: number | undefined;
  for (const s of samples) if (matches(s, name, match)) total = (total ?? 0) + s.value;
  return total;
}

/** What one row of the view measures, and how. */
export interface RowSpec {
  readonly label: string;
  readonly kind: 'rate' | 'gauge';
  readonly unit: 'per_s' | 'count' | 'bytes' | 'ratio';
  /** Counters or gauges added together for the row. */
  readonly series: readonly { readonly name: string; readonly match?: Match }[];
  /**
   * How the total column combines endpoints: sum (default), mean, or `partitions`: each
   * (backend, stream, partition) once at its highest reading, because every consumer of a
   * group may report the group's lag for the same partitions.
   */
  readonly total?: 'sum' | 'mean' | 'partitions';
}

const counter = (name: string, match?: Match) => ({ name, match });

/**
 * The rows `sluice top` shows, in pipeline order. Names are the metrics the shipper and
 * consumer export (see the metrics table in the README); a row whose metrics an endpoint does
 * not export shows "-" for it (a shipper has no lag, a consumer ships nothing).
 */
export const ROWS: readonly RowSpec[] = [
  { label: 'shipped lines/s', kind: 'rate', unit: 'per_s', series: [counter('sluice_shipper_lines_total')] },
  {
    label: 'published/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_broker_published_records_total')],
  },
  {
    label: 'consumed/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_broker_consumed_records_total')],
  },
  {
    label: 'parsed/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_parser_events_total', { outcome: 'parsed' })],
  },
  {
    label: 'parse failures/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_parser_events_total', { outcome: 'failed' })],
  },
  {
    label: 'indexed/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_indexer_documents_total', { outcome: ['indexed', 'duplicate'] })],
  },
  {
    label: 'acknowledged/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_broker_acknowledged_records_total')],
  },
  {
    label: 'retried/s',
    kind: 'rate',
    unit: 'per_s',
    series: [counter('sluice_indexer_documents_total', { outcome: 'retried' })],
  },
  {
    label: 'dead-lettered/s',
    kind: 'rate',
    unit: 'per_s',
    series: [
      counter('sluice_indexer_documents_total', { outcome: 'dead_lettered' }),
      counter('sluice_broker_dead_lettered_records_total'),
    ],
  },
  {
    label: 'lag (records)',
    kind: 'gauge',
    unit: 'count',
    series: [counter('sluice_consumer_lag_records')],
    total: 'partitions',
  },
  {
    label: 'in-flight events',
    kind: 'gauge',
    unit: 'count',
    series: [counter('sluice_consumer_inflight_events')],
  },
  {
    label: 'in-flight bytes',
    kind: 'gauge',
    unit: 'bytes',
    series: [counter('sluice_consumer_inflight_bytes')],
  },
  {
    label: 'pool utilization',
    kind: 'gauge',
    unit: 'ratio',
    series: [counter('sluice_parser_pool_utilization')],
    total: 'mean',
  },
  {
    label: 'paused',
    kind: 'rate',
    unit: 'ratio',
    series: [counter('sluice_consumer_paused_seconds_total')],
    total: 'mean',
  },
  {
    label: 'CPU (cores)',
    kind: 'rate',
    unit: 'count',
    series: [counter('sluice_process_cpu_seconds_total')],
  },
  { label: 'RSS', kind: 'gauge', unit: 'bytes', series: [counter('sluice_process_resident_memory_bytes')] },
];

export interface LagRow {
  readonly backend: string;
  readonly stream: string;
  readonly partition: string;
  readonly lag: number;
}

export interface View {
  readonly endpoints: readonly {
    readonly endpoint: string;
    readonly error?: string;
    readonly seconds: number;
  }[];
  /** values[row][endpoint]; the last column is the total. */
  readonly rows: readonly { readonly spec: RowSpec; readonly values: readonly (number | undefined)[] }[];
  readonly lag: readonly LagRow[];
}

/**
 * Rates are counter deltas divided by the time between the two scrapes of that endpoint. A
 * counter that went down (the process restarted) counts from zero, as Prometheus' rate() does.
 */
function rate(
  before: readonly Sample[],
  after: readonly Sample[],
  spec: RowSpec,
  seconds: number,
): number | undefined {
  let total: number | undefined;
  for (const { name, match } of spec.series) {
    const now = sum(after, name, match);
    if (now === undefined) continue;
    const then = sum(before, name, match) ?? 0;
    total = (total ?? 0) + (now >= then ? now - then : now);
  }
  return total === undefined || seconds <= 0 ? undefined : total / seconds;
}

function gaugeValue(samples: readonly Sample[], spec: RowSpec): number | undefined {
  let total: number | undefined;
  for (const { name, match } of spec.series) {
    const v = sum(samples, name, match);
    if (v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

export function buildView(before: readonly Scrape[], after: readonly Scrape[]): View {
  const endpoints = after.map((a, i) => {
    const b = before[i];
    const error = a.error ?? b?.error;
    return { endpoint: a.endpoint, error, seconds: (a.at - (b?.at ?? a.at)) / 1000 };
  });
  const lag = partitionLag(after);
  const rows = ROWS.map((spec) => {
    const values = after.map((a, i) => {
      if (!a.samples) return undefined;
      if (spec.kind === 'gauge') return gaugeValue(a.samples, spec);
      // A rate needs the previous scrape of the same endpoint too.
      const b = before[i];
      return b?.samples ? rate(b.samples, a.samples, spec, endpoints[i]?.seconds ?? 0) : undefined;
    });
    const present = values.filter((v): v is number => v !== undefined);
    let total: number | undefined;
    if (spec.total === 'partitions') {
      total = lag.length > 0 ? lag.reduce((x, r) => x + r.lag, 0) : undefined;
    } else if (present.length > 0) {
      const s = present.reduce((x, y) => x + y, 0);
      total = spec.total === 'mean' ? s / present.length : s;
    }
    return { spec, values: [...values, total] };
  });
  return { endpoints, rows, lag };
}

/** Lag per (backend, stream, partition) across endpoints, each at its highest reading, largest first. */
function partitionLag(scrapes: readonly Scrape[]): LagRow[] {
  const byKey = new Map<string, LagRow>();
  for (const scrape of scrapes) {
    for (const s of scrape.samples ?? []) {
      if (s.name !== 'sluice_consumer_lag_records') continue;
      const row = {
        backend: s.labels.backend ?? '',
        stream: s.labels.stream ?? '',
        partition: s.labels.partition ?? '',
        lag: s.value,
      };
      const key = `${row.backend}\u0000${row.stream}\u0000${row.partition}`;
      const seen = byKey.get(key);
      if (!seen || seen.lag < row.lag) byKey.set(key, row);
    }
  }
  // A backend that reports ready and unacked records (RabbitMQ): each consumer's lag sample
  // sees only its own unacked. The queue's exact lag is its ready count once plus every
  // consumer's unacked (as in deploy/prometheus/rules.yaml).
  const ready = new Map<string, number>();
  const unacked = new Map<string, number>();
  for (const scrape of scrapes) {
    for (const s of scrape.samples ?? []) {
      const queue = `${s.labels.backend ?? ''}\u0000${s.labels.stream ?? ''}`;
      if (s.name === 'sluice_broker_ready_records')
        ready.set(queue, Math.max(ready.get(queue) ?? 0, s.value));
      if (s.name === 'sluice_broker_unacked_records') unacked.set(queue, (unacked.get(queue) ?? 0) + s.value);
    }
  }
  for (const [key, row] of byKey) {
    const queue = `${row.backend}\u0000${row.stream}`;
    const queued = ready.get(queue);
    if (queued !== undefined) byKey.set(key, { ...row, lag: queued + (unacked.get(queue) ?? 0) });
  }
  return [...byKey.values()].sort(
    (x, y) =>
      y.lag - x.lag ||
      x.stream.localeCompare(y.stream) ||
      x.partition.localeCompare(y.partition, undefined, { numeric: true }),
  );
}
