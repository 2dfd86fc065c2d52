import type { Client } from '@elastic/elasticsearch';
import { backoffDelay, errorChain, errorMessage, IndexError, type Logger, SluiceError } from '@sluice/core';
import type { DeadLetterEntry } from '../dead-letter.js';
import { type ItemAction, itemAction, type OutcomePolicy, requestAction } from '../policy.js';
import { securityError } from '../security.js';
import type { BatchLedger } from './batch-ledger.js';
import { isConnectionFailure, reasonOf, statusOf } from './client-errors.js';
import type { DeadLettering } from './dead-lettering.js';
import type { SinkMetrics } from './metrics.js';
import type { OutageProbe } from './outage-probe.js';
import type { RequestBodies } from './request-bodies.js';
import {
  actionLine,
  type BatchState,
  deadLetterEntry,
  requestBody,
  type Span,
  spanItems,
  splitSpans,
} from './spans.js';

interface BulkItemResult {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

interface BulkResponse {
  readonly errors?: boolean;
  readonly items?: ReadonlyArray<Readonly<Record<string, BulkItemResult>>>;
}

/** What the sink reads of a bulk answer; with it, Elasticsearch writes `errors` first (sink/bulk-answer.ts). */
export const BULK_FILTER = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

/** What delivery asks of the sink that schedules it. */
export interface DeliveryHost {
  /** True once the sink failed for good or was aborted: nothing more is sent or retried. */
  stopped(): boolean;
  /** Puts spans back at the head of the queue, in this order, and starts requests. */
  requeue(spans: readonly Span[]): void;
  /** Nothing can succeed (credentials, privileges, a bug): every pending and future write rejects. */
  fail(error: SluiceError): void;
}

export interface DeliveryParts {
  readonly client: Client;
  readonly deadLettering: DeadLettering;
  readonly policy: OutcomePolicy;
  readonly ledger: BatchLedger;
  readonly probe: OutageProbe;
  readonly metrics: SinkMetrics;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly host: DeliveryHost;
  /** Where bodies of several spans are joined; shared by the requests of one sink. */
  readonly bodies: RequestBodies;
}

/**
 * Sends bulk requests and turns Elasticsearch's answers into per-item outcomes: every
 * decision goes through the outcome policy table. A whole request that fails is retried
 * (or split, for 400/413); within an answer, each item is credited, retried alone after
 * a backoff, dead-lettered, or fails the sink.
 */
export class BulkDelivery {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly parts: DeliveryParts) {}

  /** Sends one bulk request until its items are settled, retried later, or split and delivered half by half. */
  async deliver(spans: readonly Span[]): Promise<void> {
    const { client, policy, metrics, probe, host, signal, log } = this.parts;
    let items = 0;
    for (const span of spans) items += spanItems(span);
    const body = requestBody(spans, this.parts.bodies);
    for (let attempt = 1; ; attempt++) {
      if (host.stopped()) return;
      const started = process.hrtime.bigint();
      let response: BulkResponse;
      try {
        metrics.bytes.inc(body.length);
        response = (await client.transport.request(
          { method: 'POST', path: '/_bulk', bulkBody: body, querystring: { filter_path: BULK_FILTER } },
          { signal },
        )) as BulkResponse;
      } catch (error) {
        metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
        if (signal.aborted) return;
        const status = statusOf(error);
        const action = requestAction(policy, status);
        if (action === 'fatal') {
          metrics.requests.inc({ outcome: 'failed' });
          const reason = reasonOf(error);
          host.fail(
            status === 401 || status === 403
              ? securityError(status, reason.reason)
              : new IndexError(
                  `Elasticsearch refused a bulk request (${status ?? 'no answer'}): ${reason.reason}`,
                  {
                    retriable: false,
                    cause: error,
                  },
                ),
          );
          return;
        }
        if (action === 'split') {
          probe.answered();
          metrics.requests.inc({ outcome: 'split' });
          await this.split(spans, items, status ?? 0, reasonOf(error));
          return;
        }
        metrics.requests.inc({ outcome: 'retried' });
        metrics.documents.inc({ outcome: 'retried' }, items);
        probe.failed(status, error);
        if (attempt >= policy.maxAttempts) {
          this.giveUp(spans, `a bulk request failed ${attempt} times: ${errorMessage(error)}`, error);
          return;
        }
        const delay = backoffDelay(attempt, policy.backoff);
        log.warn('bulk request failed; retrying', {
          status: status ?? 'no answer',
          attempt,
          delayMs: delay,
          error: errorChain(error),
        });
        if (!(await probe.backoff(delay, isConnectionFailure(error)))) return;
        continue;
      }
      metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      probe.answered();
      // Answered: Elasticsearch read the whole body, no write of it is pending.
      this.parts.bodies.give(body);
      await this.settleItems(spans, items, response);
      return;
    }
  }

  /** Stops the pending item retries (the sink failed, was aborted or closed). */
  cancelRetries(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Reads the answer item by item and applies the policy to each. */
  private async settleItems(spans: readonly Span[], items: number, response: BulkResponse): Promise<void> {
    const { policy, metrics, ledger } = this.parts;
    if (response.errors === false) {
      metrics.requests.inc({ outcome: 'ok' });
      metrics.documents.inc({ outcome: 'indexed' }, items);
      for (const span of spans) ledger.credit(span.state, 'indexed', spanItems(span));
      return;
    }
    const results = response.items ?? [];
    if (results.length !== items) {
      metrics.requests.inc({ outcome: 'retried' });
      throw new Error(`bulk answer has ${results.length} items for ${items} sent`);
    }
    const retries: Span[] = [];
    const dead: Array<{ span: Span; entry: DeadLetterEntry }> = [];
    let indexed = 0;
    let duplicates = 0;
    let k = 0;
    for (const span of spans) {
      let spanIndexed = 0;
      let spanDuplicates = 0;
      for (let i = span.from; i < span.to; i++) {
        const item = results[k++] as Record<string, BulkItemResult>;
        const result = item.create ?? item.index ?? (Object.values(item)[0] as BulkItemResult);
        const action: ItemAction = itemAction(policy, result.status, result.error?.type);
        switch (action) {
          case 'indexed':
            spanIndexed++;
            break;
          case 'duplicate':
            spanDuplicates++;
            break;
          case 'retry':
            retries.push({ state: span.state, from: i, to: i + 1, attempts: span.attempts + 1 });
            break;
          case 'dead-letter':
            dead.push({
              span: { state: span.state, from: i, to: i + 1, attempts: span.attempts },
              entry: deadLetterEntry(span.state, i, result.status, result.error),
            });
            break;
          case 'fatal':
            metrics.requests.inc({ outcome: 'failed' });
            this.parts.host.fail(refusedItemError(span.state, i, result));
            return;
        }
      }
      indexed += spanIndexed;
      duplicates += spanDuplicates;
      if (spanIndexed > 0) ledger.credit(span.state, 'indexed', spanIndexed);
      if (spanDuplicates > 0) ledger.credit(span.state, 'duplicates', spanDuplicates);
    }
    metrics.requests.inc({ outcome: retries.length > 0 || dead.length > 0 ? 'partial' : 'ok' });
    if (indexed > 0) metrics.documents.inc({ outcome: 'indexed' }, indexed);
    if (duplicates > 0) metrics.documents.inc({ outcome: 'duplicate' }, duplicates);
    if (retries.length > 0) this.scheduleRetry(retries);
    if (dead.length > 0) await this.writeDeadLetters(dead);
  }

  /** Whole-request 400/413: halve and resend; a single item that still fails is dead-lettered. */
  private async split(
    spans: readonly Span[],
    items: number,
    status: number,
    error: { type: string; reason: string },
  ): Promise<void> {
    if (items === 1) {
      const span = spans[0] as Span;
      await this.writeDeadLetters([{ span, entry: deadLetterEntry(span.state, span.from, status, error) }]);
      return;
    }
    // Halves go out one after the other inside this request's slot, so the queue cannot
    // merge them back into one request; a poison item is found in log2(n) requests.
    const [first, second] = splitSpans(spans, Math.ceil(items / 2));
    await this.deliver(first);
    await this.deliver(second);
  }

  private scheduleRetry(spans: Span[]): void {
    const { policy, metrics, host } = this.parts;
    let attempts = 0;
    for (const span of spans) attempts = Math.max(attempts, span.attempts);
    metrics.documents.inc({ outcome: 'retried' }, spans.length);
    if (attempts >= policy.maxAttempts) {
      this.giveUp(spans, `${spans.length} documents were refused ${attempts} times (429 or 5xx)`);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (host.stopped()) return;
        host.requeue(spans);
      },
      backoffDelay(attempts, policy.backoff),
    );
    this.timers.add(timer);
  }

  private async writeDeadLetters(dead: ReadonlyArray<{ span: Span; entry: DeadLetterEntry }>): Promise<void> {
    const { deadLettering, signal, log, ledger } = this.parts;
    try {
      await deadLettering.items(dead.map((d) => d.entry));
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof SluiceError && !error.retriable) this.parts.host.fail(error);
      else
        this.giveUp(
          dead.map((d) => d.span),
          `dead letters could not be written: ${errorMessage(error)}`,
          error,
        );
      return;
    }
    for (const { span, entry } of dead) {
      log.debug('dead-lettered', { id: entry.id, status: entry.status, type: entry.error.type });
      ledger.deadLettered(span.state, span.from);
    }
  }

  /** Retries ran out: hand these batches back (retriable), keep the sink running. */
  private giveUp(spans: readonly Span[], message: string, cause?: unknown): void {
    const error = new IndexError(message, {
      retriable: true,
      cause,
      hint: 'the batch goes back to the broker and is delivered again',
    });
    for (const span of spans) this.parts.ledger.reject(span.state, error);
  }
}

/** The error for an item the policy calls fatal: nothing else of this kind can succeed. */
function refusedItemError(state: BatchState, i: number, result: BulkItemResult): SluiceError {
  const target = actionLine(state, i)._index;
  const reason = result.error?.reason ?? `status ${result.status}`;
  if (result.status === 401 || result.status === 403) return securityError(result.status, reason, target);
  return new IndexError(
    `Elasticsearch refused documents for index [${target ?? '?'}] (${result.status} ${result.error?.type ?? ''}): ${reason}`,
    {
      retriable: false,
      hint:
        result.error?.type === 'index_not_found_exception'
          ? 'automatic index creation is off for this name: allow it (action.auto_create_index) or create the index first'
          : undefined,
    },
  );
}
