import type { BackoffOptions } from '@sluice/core';

/**
 * What the sink does with one bulk item, decided from its status and error type.
 * - `indexed`: the document is in Elasticsearch.
 * - `duplicate`: a `create` hit an existing `_id` (409): a redelivered record, counted as success.
 * - `retry`: sent again alone, after a backoff (429, shard unavailable).
 * - `dead-letter`: Elasticsearch will never take it as it is (mapping conflict, bad value):
 *   written to the dead-letter destination with the reason and the original line.
 * - `fatal`: no retry can help (credentials, privileges, missing index with auto-create off):
 *   the write rejects with a non-retriable IndexError that stops the consumer.
 */
export type ItemAction = 'indexed' | 'duplicate' | 'retry' | 'dead-letter' | 'fatal';

/**
 * What the sink does when a whole bulk request fails.
 * - `retry`: the same request again after a backoff (connection errors, 429, 502-504).
 * - `split`: the request is cut in two and each half sent again, down to single items;
 *   a single item that still fails this way is dead-lettered (a malformed line cannot
 *   poison its neighbours, and cannot stall the consumer).
 * - `fatal`: as for items.
 */
export type RequestAction = 'retry' | 'split' | 'fatal';

/**
 * The outcome policy: the ONE table that maps Elasticsearch answers to what happens.
 * Keys are an exact status (`"409"`), a status class (`"4xx"`) or, for requests,
 * `"connection"` (no HTTP answer: refused, reset, timeout). Error types win over statuses.
 */
export interface OutcomePolicy {
  /** Per-item bulk error type (`mapper_parsing_exception`, ...) -> action. Checked first. */
  readonly errorTypes: Readonly<Record<string, ItemAction>>;
  /** Per-item status -> action. Exact status first, then class. */
  readonly items: Readonly<Record<string, ItemAction>>;
  /** Whole-request status (or `connection`) -> action. */
  readonly requests: Readonly<Record<string, RequestAction>>;
  /**
   * Attempts for an item or request classified `retry`, the first included. Default
   * Infinity: retry until Elasticsearch takes it or the sink is aborted, because dropping
   * is never the default. With a finite cap, exhausted work makes `write()` reject with a
   * retriable IndexError, which hands the batch back to the broker for redelivery.
   */
  readonly maxAttempts: number;
  /** Backoff between attempts (exponential with full jitter). */
  readonly backoff: Required<BackoffOptions>;
}

export const DEFAULT_POLICY: OutcomePolicy = {
  errorTypes: {
    version_conflict_engine_exception: 'duplicate',
    mapper_parsing_exception: 'dead-letter',
    document_parsing_exception: 'dead-letter',
    strict_dynamic_mapping_exception: 'dead-letter',
    illegal_argument_exception: 'dead-letter',
    // The index refused writes because the disk watermark was hit: retry, an operator frees disk.
    cluster_block_exception: 'retry',
    es_rejected_execution_exception: 'retry',
    unavailable_shards_exception: 'retry',
    index_not_found_exception: 'fatal',
    security_exception: 'fatal',
  },
  items: {
    '200': 'indexed',
    '201': 'indexed',
    '409': 'duplicate',
    '429': 'retry',
    '401': 'fatal',
    '403': 'fatal',
    '404': 'fatal',
    '4xx': 'dead-letter',
    '5xx': 'retry',
  },
  requests: {
    connection: 'retry',
    '429': 'retry',
    '502': 'retry',
    '503': 'retry',
    '504': 'retry',
    '500': 'retry',
    '400': 'split',
    '413': 'split',
    '401': 'fatal',
    '403': 'fatal',
    '4xx': 'fatal',
    '5xx': 'retry',
  },
  maxAttempts: Number.POSITIVE_INFINITY,
  backoff: { initialMs: 200, maxMs: 30_000, factor: 2 },
};

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The action for one bulk item. Unknown 2xx are successes; anything else unknown is retried. */
export function itemAction(policy: OutcomePolicy, status: number, errorType: string | undefined): ItemAction {
  if (errorType !== undefined) {
    const byType = policy.errorTypes[errorType];
    if (byType) return byType;
  }
  const action = policy.items[String(status)] ?? policy.items[statusClass(status)];
  if (action) return action;
  return status >= 200 && status < 300 ? 'indexed' : 'retry';
}

/** The action for a whole bulk request; `status` undefined means no HTTP answer at all. */
export function requestAction(policy: OutcomePolicy, status: number | undefined): RequestAction {
  if (status === undefined) return policy.requests.connection ?? 'retry';
  return policy.requests[String(status)] ?? policy.requests[statusClass(status)] ?? 'retry';
}

/** Merges a partial user policy over the defaults, table by table. */
export function resolvePolicy(partial: Partial<OutcomePolicy> = {}): OutcomePolicy {
  return {
    errorTypes: { ...DEFAULT_POLICY.errorTypes, ...partial.errorTypes },
    items: { ...DEFAULT_POLICY.items, ...partial.items },
    requests: { ...DEFAULT_POLICY.requests, ...partial.requests },
    maxAttempts: partial.maxAttempts ?? DEFAULT_POLICY.maxAttempts,
    backoff: { ...DEFAULT_POLICY.backoff, ...partial.backoff },
  };
}
