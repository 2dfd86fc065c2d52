import { type Counter, counter, type Gauge, gauge, type Histogram, histogram } from '@sluice/core';

// The parser's outcome metrics. They are counted on the consumer's main thread, from what
// the pool hands back (worker threads have no registry of their own), but they describe
// the parser, so they are declared here, beside the pool's per-pattern metrics.

export const parserPoolUtilization = (): Gauge =>
  gauge({
    name: 'sluice_parser_pool_utilization',
    help: 'Share of the parser pool threads (--threads, all it may start) busy parsing, 0..1, over the last second.',
  });

export const parserThreads = (): Gauge =>
  gauge({
    name: 'sluice_parser_threads',
    help: 'Parser worker threads running; the pool starts --min-threads and adds workers up to --threads while batches wait for busy ones.',
  });

export const parserQueueWait = (): Histogram =>
  histogram({
    name: 'sluice_parser_queue_wait_seconds',
    help: 'Time a batch waited in the parser pool queue before a worker thread started it.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

/** outcome: parsed, failed (carries a failure tag), dropped (removed by a `drop` processor). */
export const parserEvents = (): Counter<'outcome'> =>
  counter<'outcome'>({
    name: 'sluice_parser_events_total',
    help: 'Events out of the parser, by outcome.',
    labelNames: ['outcome'],
  });

/** tag: the failure tag (`_grokparsefailure`, `_dateparsefailure`, ...): a bounded set. */
export const parserFailures = (): Counter<'tag'> =>
  counter<'tag'>({
    name: 'sluice_parser_failures_total',
    help: 'Events tagged with a parse failure, by tag.',
    labelNames: ['tag'],
  });
