import { type Counter, counter, type Gauge, gauge, type Histogram, histogram } from '@sluice/core';

export interface SinkMetrics {
  /** outcome: ok (every item final), partial (some items retried or dead-lettered), retried (whole request failed, will retry), split, failed (fatal or gave up). */
  readonly requests: Counter<'outcome'>;
  readonly duration: Histogram;
  /** outcome: indexed, duplicate, dead_lettered, retried (one count per retry). */
  readonly documents: Counter<'outcome'>;
  readonly bytes: Counter;
  readonly inflight: Gauge;
}

/** Indexer metrics, declared once; see the outcome policy for what each outcome means. */
export function sinkMetrics(): SinkMetrics {
  return {
    requests: counter<'outcome'>({
      name: 'sluice_indexer_bulk_requests_total',
      help: 'Bulk requests sent to Elasticsearch, by outcome.',
      labelNames: ['outcome'],
    }),
    duration: histogram({
      name: 'sluice_indexer_bulk_duration_seconds',
      help: 'Time from sending a bulk request to reading its answer.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }),
    documents: counter<'outcome'>({
      name: 'sluice_indexer_documents_total',
      help: 'Bulk items by outcome: indexed, duplicate (409 on create), dead_lettered, retried (one count per retry).',
      labelNames: ['outcome'],
    }),
    bytes: counter({
      name: 'sluice_indexer_bulk_bytes_total',
      help: 'Bytes of bulk request bodies sent, before compression.',
    }),
    inflight: gauge({
      name: 'sluice_indexer_inflight_requests',
      help: 'Bulk requests currently in flight or waiting to be retried.',
    }),
  };
}
