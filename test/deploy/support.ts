import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { parseAllDocuments } from 'yaml';

export const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));

/** Files under deploy/ that are ours to check (deploy/native is the local stack's own). */
export function deployFiles(under = ''): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(deployDir, path);
      if (rel === 'native' || rel === 'samples') continue;
      if (statSync(path).isDirectory()) walk(path);
      else out.push(rel);
    }
  };
  walk(join(deployDir, under));
  return out.sort();
}

export const readDeploy = (rel: string) => readFileSync(join(deployDir, rel), 'utf8');

/** Every YAML document of a file; syntax errors throw with the file name and position. */
export function yamlDocuments(rel: string): unknown[] {
  const docs = parseAllDocuments(readDeploy(rel), { merge: true, prettyErrors: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${rel}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS({ maxAliasCount: 100 });
  });
}

export const yamlDocument = (rel: string) => yamlDocuments(rel)[0] as Record<string, unknown>;

/**
 * The metric names Sluice exports (the README's metrics table): what dashboards, rules and
 * `sluice top` may refer to. Histograms also expose _bucket, _sum and _count.
 */
const COUNTERS_AND_GAUGES = [
  'sluice_broker_published_records_total',
  'sluice_broker_consumed_records_total',
  'sluice_broker_acknowledged_records_total',
  'sluice_broker_redelivered_records_total',
  'sluice_broker_dead_lettered_records_total',
  'sluice_broker_reconnects_total',
  'sluice_consumer_lag_records',
  'sluice_broker_ready_records',
  'sluice_broker_unacked_records',
  'sluice_shipper_lines_total',
  'sluice_shipper_bytes_total',
  'sluice_shipper_udp_dropped_total',
  'sluice_shipper_backpressure_seconds_total',
  'sluice_parser_events_total',
  'sluice_parser_failures_total',
  'sluice_parser_pattern_matches_total',
  'sluice_parser_pool_utilization',
  'sluice_indexer_bulk_requests_total',
  'sluice_indexer_documents_total',
  'sluice_indexer_bulk_bytes_total',
  'sluice_indexer_inflight_requests',
  'sluice_consumer_inflight_events',
  'sluice_consumer_inflight_bytes',
  'sluice_consumer_paused_seconds_total',
  'sluice_consumer_records_total',
  // prom-client default metrics with the sluice_ prefix (the ones dashboards use).
  'sluice_process_cpu_seconds_total',
  'sluice_process_resident_memory_bytes',
  'sluice_nodejs_eventloop_lag_seconds',
  // Logs to metrics: declared in the consumer's config; this is the name the docs use.
  'sluice_logs_http_responses_total',
  // Prometheus' own per-target series.
  'up',
];
const HISTOGRAMS = [
  'sluice_shipper_publish_duration_seconds',
  'sluice_parser_queue_wait_seconds',
  'sluice_indexer_bulk_duration_seconds',
  'sluice_consumer_end_to_end_seconds',
];
export const KNOWN_METRICS = new Set([
  ...COUNTERS_AND_GAUGES,
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]),
]);

/**
 * Parses PromQL with Prometheus' own grammar (the one its UI uses) and returns the metric
 * names it selects. Grafana's $__rate_interval and friends are replaced by a duration first.
 */
export function promqlMetricNames(expr: string): string[] {
  const text = expr.replace(/\$__(rate_interval|interval|range)/g, '5m');
  const tree = parser.parse(text);
  const names: string[] = [];
  const errors: number[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(text.slice(id.from, id.to));
        else throw new Error(`selector without a metric name in: ${expr}`);
      }
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error at offset ${errors[0]} in: ${expr}`);
  return names;
}
