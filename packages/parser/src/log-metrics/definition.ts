// The shape of a validated logs-to-metrics declaration, apart from its validation (config.ts):
// the evaluator and exporter in the parser workers need these, not the schema (zod) that reads them.

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

/** Cuts a label value to MAX_LABEL_LENGTH characters. */
export function cut(value: string): string {
  return value.length > MAX_LABEL_LENGTH ? value.slice(0, MAX_LABEL_LENGTH) : value;
}
