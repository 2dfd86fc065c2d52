import type { Client } from '@elastic/elasticsearch';
import {
  type BatchSink,
  type BatchWriteOutcome,
  createLogger,
  type EncodedBatch,
  errorMessage,
  IndexError,
  itemCount,
  type Logger,
  type RecordRef,
  type RecordRefs,
  type SluiceError,
} from '@sluice/core';
import type { DeadLetterWriter } from '../dead-letter.js';
import { describeNode, SINK_DEFAULTS, type SinkOptions, validateSinkOptions } from '../options.js';
import { resolvePolicy } from '../policy.js';
import { BatchLedger } from './batch-ledger.js';
import { BulkDelivery } from './bulk-delivery.js';
import { BulkQueue } from './bulk-queue.js';
import { DeadLettering } from './dead-lettering.js';
import { sinkMetrics } from './metrics.js';
import { OutageProbe } from './outage-probe.js';
import { RequestBodies } from './request-bodies.js';
import { prepareSink } from './setup.js';
import type { Span } from './spans.js';

/** What `ElasticsearchSink.write` resolves with: the dead-lettered items are always listed, in order. */
export type WriteOutcome = Required<BatchWriteOutcome>;

/**
 * Bulk-loads parser batches into Elasticsearch. The contract is on `write`: its promise
 * resolves only when every item of the batch is indexed, a duplicate, or durably
 * dead-lettered, so the caller may then acknowledge the broker records ("Guarantees" in the README).
 *
 * Items from many `write` calls share bulk requests: a request is sent as soon as a
 * slot is free (or after `flushIntervalMs` if set), holding at most `flushCount` items and
 * `flushBytes` bytes of body, with `concurrency` requests at once. While all slots are busy, items wait and requests
 * grow towards the limits by themselves. The sink holds only the callers' batches: the
 * caller bounds memory with its in-flight budget.
 *
 * This class schedules; the jobs are in this folder: setup.ts (client, templates,
 * dead-letter writer), bulk-queue.ts (waiting items), bulk-delivery.ts (requests,
 * retries, splits, per-item outcomes through the policy table), batch-ledger.ts (each
 * caller's promise), outage-probe.ts (waking requests when Elasticsearch is back).
 */
export class ElasticsearchSink implements BatchSink {
  private readonly flushBytes: number;
  private readonly flushCount: number;
  private readonly flushIntervalMs: number;
  private readonly concurrency: number;
  private readonly log: Logger;
  private readonly metrics = sinkMetrics();
  private readonly queue = new BulkQueue();
  private readonly ledger = new BatchLedger();
  private readonly probe: OutageProbe;
  private readonly delivery: BulkDelivery;
  private readonly deadLettering: DeadLettering;
  private inflight = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private fatal: SluiceError | undefined;
  private closing = false;
  private readonly abort = new AbortController();

  private constructor(
    readonly client: Client,
    deadLetters: DeadLetterWriter,
    options: SinkOptions & { logger?: Logger },
  ) {
    this.flushBytes = options.flushBytes ?? SINK_DEFAULTS.flushBytes;
    this.flushCount = options.flushCount ?? SINK_DEFAULTS.flushCount;
    this.flushIntervalMs = options.flushIntervalMs ?? SINK_DEFAULTS.flushIntervalMs;
    this.concurrency = options.concurrency ?? SINK_DEFAULTS.concurrency;
    this.log = options.logger ?? createLogger({}, { component: 'indexer' });
    const policy = resolvePolicy(options.policy);
    this.probe = new OutageProbe(client, this.abort.signal, this.log, describeNode(options));
    this.deadLettering = new DeadLettering(deadLetters, policy, this.abort.signal, this.log, this.metrics);
    this.delivery = new BulkDelivery({
      client,
      deadLettering: this.deadLettering,
      policy,
      ledger: this.ledger,
      probe: this.probe,
      metrics: this.metrics,
      log: this.log,
      signal: this.abort.signal,
      // Requests in flight plus the halves of a split: enough to never allocate in steady state.
      bodies: new RequestBodies(this.concurrency + 2, 2 * this.flushBytes),
      host: {
        stopped: () => this.fatal !== undefined || this.abort.signal.aborted,
        requeue: (spans) => {
          // Retried items go first: they are the oldest, and their callers wait longest.
          for (let i = spans.length - 1; i >= 0; i--) this.queue.push(spans[i] as Span, true);
          this.pump();
        },
        fail: (error) => this.fail(error),
      },
    });
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.onAbort();
      else signal.addEventListener('abort', () => this.onAbort(), { once: true });
    }
  }

  /**
   * Validates options (ConfigError), checks that the cluster answers (retriable
   * IndexError naming the URL) and installs the index templates when absent.
   */
  static async create(options: SinkOptions & { logger?: Logger }): Promise<ElasticsearchSink> {
    validateSinkOptions(options);
    const log = options.logger ?? createLogger({}, { component: 'indexer' });
    const { client, deadLetters } = await prepareSink(options, log);
    return new ElasticsearchSink(client, deadLetters, { ...options, logger: log });
  }

  /**
   * Resolves when every item of `batch` is indexed, a duplicate (409 on create), or
   * dead-lettered; the caller may then acknowledge the broker records. Retries retriable
   * failures itself until success or abort. Rejects with a non-retriable IndexError when
   * Elasticsearch refuses for credentials or privileges (the consumer must stop), and with
   * a retriable one when aborted or when a finite `policy.maxAttempts` ran out (the caller
   * hands the batch back to the broker; what was indexed becomes duplicates on redelivery).
   * `records.at(batch.recordIndex[i])` is the record of item i.
   */
  write(batch: EncodedBatch, records: RecordRefs): Promise<WriteOutcome> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.abort.signal.aborted) return Promise.reject(this.abortedError());
    const items = itemCount(batch);
    if (items === 0)
      return Promise.resolve({ indexed: 0, duplicates: 0, deadLettered: 0, deadLetteredItems: [] });
    const { state, done } = this.ledger.open(batch, records, items);
    this.queue.push({ state, from: 0, to: items, attempts: 0 });
    this.pump();
    return done;
  }

  /**
   * Dead-letters records that never became documents (the parser could not produce an
   * event for them: a worker crashed on each of them alone). Status 0: Elasticsearch never
   * saw them; `error.type` says why (`processor_failure`). Resolves once they are durable,
   * so the caller may acknowledge them; retries like any dead-letter write.
   */
  async deadLetterRecords(
    records: readonly RecordRef[],
    error: { readonly type: string; readonly reason: string },
  ): Promise<void> {
    if (records.length === 0) return;
    if (this.fatal) throw this.fatal;
    await this.deadLettering.records(records, error);
  }

  /** Sends what is buffered at once, waits for every pending write to settle, and closes the client. */
  async close(): Promise<void> {
    this.closing = true;
    this.pump();
    if (this.ledger.size > 0) await this.ledger.whenIdle();
    this.delivery.cancelRetries();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    await this.client.close();
  }

  /**
   * Why the sink cannot deliver right now, or undefined when it can: Elasticsearch has not
   * answered a bulk request since one failed as a whole (down, 5xx, 429 on every request).
   * The sink keeps retrying meanwhile; this is for `/readyz`, so an operator sees the
   * consumer is stalled on Elasticsearch, not on the broker.
   */
  stalled(): string | undefined {
    if (this.fatal) return `indexer stopped: ${this.fatal.message}`;
    return this.probe.failing();
  }

  /** Items buffered or in flight, for tests and readiness. */
  get pending(): { batches: number; queuedItems: number; inflightRequests: number } {
    return { batches: this.ledger.size, queuedItems: this.queue.items, inflightRequests: this.inflight };
  }

  /** Starts requests while slots are free and the buffer is due; the only place requests begin. */
  private pump(): void {
    while (!this.fatal && this.inflight < this.concurrency && this.queue.length > 0) {
      if (this.flushIntervalMs > 0 && !this.closing) {
        const waited = Date.now() - this.queue.oldestAt;
        const full = this.queue.items >= this.flushCount || this.queue.bytes >= this.flushBytes;
        if (!full && waited < this.flushIntervalMs) {
          if (!this.lingerTimer) {
            this.lingerTimer = setTimeout(() => {
              this.lingerTimer = undefined;
              this.pump();
            }, this.flushIntervalMs - waited);
          }
          return;
        }
      }
      const spans = this.queue.take(this.flushCount, this.flushBytes);
      if (spans.length > 0) void this.send(spans);
    }
  }

  /** Holds a request slot while the delivery runs; the only place slots are taken and given back. */
  private async send(spans: Span[]): Promise<void> {
    this.inflight++;
    this.metrics.inflight.set(this.inflight);
    try {
      await this.delivery.deliver(spans);
    } catch (error) {
      // A bug in the sink, not an Elasticsearch answer: do not lose the batches silently.
      this.fail(new IndexError(`indexer failed: ${errorMessage(error)}`, { retriable: false, cause: error }));
    } finally {
      this.inflight--;
      this.metrics.inflight.set(this.inflight);
      this.pump();
    }
  }

  /** Credentials or privileges: nothing can succeed; every pending and future write rejects. */
  private fail(error: SluiceError): void {
    if (!this.fatal) {
      this.fatal = error;
      this.log.error(error.message, error.hint ? { hint: error.hint } : undefined);
    }
    this.stop(this.fatal);
  }

  private onAbort(): void {
    this.abort.abort();
    this.stop(this.abortedError());
  }

  /** Hands every pending batch back with `error` and drops what waits to be sent or retried. */
  private stop(error: SluiceError): void {
    this.ledger.rejectAll(error);
    this.queue.clear();
    this.delivery.cancelRetries();
  }

  private abortedError(): IndexError {
    return new IndexError('indexer stopped before Elasticsearch took the batch', {
      retriable: true,
      hint: 'the batch is delivered again when the consumer restarts',
    });
  }
}
