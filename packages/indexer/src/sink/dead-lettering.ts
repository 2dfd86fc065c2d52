import { errorChain, type Logger, type RecordRef, retry } from '@sluice/core';
import type { DeadLetterEntry, DeadLetterWriter } from '../dead-letter.js';
import type { OutcomePolicy } from '../policy.js';
import type { SinkMetrics } from './metrics.js';

/**
 * Writes dead letters durably: retried with the policy's backoff until written or the sink
 * is aborted. Only after it resolves may the records be acknowledged to the broker.
 */
export class DeadLettering {
  constructor(
    private readonly writer: DeadLetterWriter,
    private readonly policy: OutcomePolicy,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
    private readonly metrics: SinkMetrics,
  ) {}

  /**
   * Records that never became documents (see ElasticsearchSink.deadLetterRecords): status
   * 0, Elasticsearch never saw them.
   */
  async records(
    records: readonly RecordRef[],
    error: { readonly type: string; readonly reason: string },
  ): Promise<void> {
    const at = Date.now();
    const entries = records.map((record) => ({
      id: record.id,
      line: record.line,
      origin: record.origin,
      index: '',
      status: 0,
      error,
      at,
    }));
    await this.write(entries);
  }

  /** Bulk items Elasticsearch refused for their content. Rejects when retrying could not write them. */
  items(entries: readonly DeadLetterEntry[]): Promise<void> {
    return this.write(entries);
  }

  /** Both kinds: the cause chain is logged on each retry, since the writer may be a broker or an index. */
  private async write(entries: readonly DeadLetterEntry[]): Promise<void> {
    await retry(() => this.writer.write(entries, this.signal), {
      ...this.policy.backoff,
      signal: this.signal,
      onRetry: (error, attempt) =>
        this.log.warn('dead-letter write failed; retrying', { attempt, error: errorChain(error) }),
    });
    this.metrics.documents.inc({ outcome: 'dead_lettered' }, entries.length);
  }
}
