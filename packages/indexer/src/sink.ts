import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import {
  backoffDelay,
  ConfigError,
  counter,
  createLogger,
  type EncodedBatch,
  errorChain,
  errorMessage,
  gauge,
  histogram,
  IndexError,
  itemCount,
  type Logger,
  retry,
  SluiceError,
} from '@sluice/core';
import {
  CustomDeadLetterWriter,
  DEFAULT_DEAD_LETTER_INDEX,
  type DeadLetterEntry,
  type DeadLetterWriter,
  IndexDeadLetterWriter,
} from './dead-letter.js';
import {
  checkDataStreams,
  deadLetterTemplate,
  ensureIndexTemplate,
  indexPatternFor,
  logsTemplate,
} from './index-template.js';
import {
  type ConnectionOptions,
  createClient,
  describeNode,
  SINK_DEFAULTS,
  type SinkOptions,
  sentCredentials,
  validateSinkOptions,
} from './options.js';
import { type ItemAction, itemAction, type OutcomePolicy, requestAction, resolvePolicy } from './policy.js';
import { securityError, securityReason, tlsError } from './security.js';

/** What the sink needs to dead-letter a record with its original line. */
export interface RecordRef {
  readonly id: string;
  readonly line: string;
  readonly origin: string;
}

export interface WriteOutcome {
  readonly indexed: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** The items (positions in the batch) that were dead-lettered, in the order they were. */
  readonly deadLetteredItems: readonly number[];
}

/** One caller's batch, until each of its items is final. */
interface BatchState {
  readonly batch: EncodedBatch;
  readonly records: readonly RecordRef[];
  remaining: number;
  indexed: number;
  duplicates: number;
  deadLettered: number;
  readonly deadLetteredItems: number[];
  settled: boolean;
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

/** Items [from, to) of one batch; retried items travel as one-item spans with their attempt count. */
interface Span {
  readonly state: BatchState;
  readonly from: number;
  readonly to: number;
  readonly attempts: number;
}

interface BulkItemResult {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

interface BulkResponse {
  readonly errors?: boolean;
  readonly items?: ReadonlyArray<Readonly<Record<string, BulkItemResult>>>;
}

/** Indexer metrics, declared once; see the outcome policy for what each outcome means. */
const indexerMetrics = {
  /** outcome: ok (every item final), partial (some items retried or dead-lettered), retried (whole request failed, will retry), split, failed (fatal or gave up). */
  requests: () =>
    counter<'outcome'>({
      name: 'sluice_indexer_bulk_requests_total',
      help: 'Bulk requests sent to Elasticsearch, by outcome.',
      labelNames: ['outcome'],
    }),
  duration: () =>
    histogram({
      name: 'sluice_indexer_bulk_duration_seconds',
      help: 'Time from sending a bulk request to reading its answer.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }),
  documents: () =>
    counter<'outcome'>({
      name: 'sluice_indexer_documents_total',
      help: 'Bulk items by outcome: indexed, duplicate (409 on create), dead_lettered, retried (one count per retry).',
      labelNames: ['outcome'],
    }),
  bytes: () =>
    counter({
      name: 'sluice_indexer_bulk_bytes_total',
      help: 'Bytes of bulk request bodies sent, before compression.',
    }),
  inflight: () =>
    gauge({
      name: 'sluice_indexer_inflight_requests',
      help: 'Bulk requests currently in flight or waiting to be retried.',
    }),
};

/** How often an unreachable Elasticsearch is probed while bulk requests wait for it. */
const PROBE_INTERVAL_MS = 2_000;

/** No connection at all (refused, reset, DNS): as opposed to a timeout, where Elasticsearch may be busy. */
function isConnectionFailure(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'ConnectionError' || name === 'NoLivingConnectionsError';
}

const BULK_FILTER = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

function spanByteLength(span: Span): number {
  const starts = span.state.batch.starts;
  return (starts[span.to] as number) - (starts[span.from] as number);
}

/** The span's bytes: a view on the batch body (the worker encoded it), never a copy. */
function spanBytes(span: Span): Uint8Array {
  const { body, starts } = span.state.batch;
  if (span.from === 0 && span.to === itemCount(span.state.batch)) return body;
  return body.subarray(starts[span.from], starts[span.to]);
}

/** The request body: one span's bytes as they are, several concatenated once. */
function requestBody(spans: readonly Span[]): Buffer {
  if (spans.length === 1) {
    const bytes = spanBytes(spans[0] as Span);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return Buffer.concat(spans.map(spanBytes));
}

/** Cuts a list of spans after `count` items. */
function splitSpans(spans: readonly Span[], count: number): [Span[], Span[]] {
  const first: Span[] = [];
  const second: Span[] = [];
  let left = count;
  for (const span of spans) {
    const n = span.to - span.from;
    if (left >= n) {
      first.push(span);
      left -= n;
    } else if (left > 0) {
      first.push({ ...span, to: span.from + left });
      second.push({ ...span, from: span.from + left });
      left = 0;
    } else {
      second.push(span);
    }
  }
  return [first, second];
}

function statusOf(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: unknown } } | null)?.meta;
  return typeof meta?.statusCode === 'number' && meta.statusCode > 0 ? meta.statusCode : undefined;
}

function reasonOf(error: unknown): { type: string; reason: string } {
  const body = (error as { meta?: { body?: unknown } } | null)?.meta?.body as
    | { error?: { type?: string; reason?: string } | string }
    | undefined;
  const e = body?.error;
  if (e && typeof e === 'object')
    return { type: e.type ?? 'unknown', reason: e.reason ?? errorMessage(error) };
  return {
    type: (error as Error)?.name ?? 'unknown',
    reason: typeof e === 'string' ? e : errorMessage(error),
  };
}

/**
 * Checks that the cluster answers at all, before anything is consumed or deleted: any
 * HTTP answer will do (403 on GET / only means the user lacks `monitor`, and the
 * integ-test distribution answers 405). A 401 or an untrusted certificate is a
 * non-retriable error naming what to change; no answer is an IndexError with exit code 2
 * (retriable for a caller that wants to wait): at start-up it is the user's to fix.
 */
export async function checkElasticsearchAnswers(client: Client, options: ConnectionOptions): Promise<void> {
  const where = describeNode(options);
  try {
    await client.info();
  } catch (error) {
    const status = statusOf(error);
    if (status === 401) {
      const reason = securityReason(error) ?? reasonOf(error).reason;
      throw securityError(401, reason, undefined, sentCredentials(options));
    }
    if (status === undefined) {
      // An untrusted certificate is a setting to change, not an outage to wait out.
      throw (
        tlsError(error, where) ??
        new IndexError(`Elasticsearch at ${where} does not answer: ${errorMessage(error)}`, {
          retriable: true,
          exitCode: 2,
          cause: error,
          hint: `check that Elasticsearch runs at ${where} (curl ${where}), or start it with \`pnpm stack up\``,
        })
      );
    }
  }
}

/**
 * Bulk-loads parser batches into Elasticsearch. The contract is on `write`: its promise
 * resolves only when every item of the batch is indexed, a duplicate, or durably
 * dead-lettered, so the caller may then acknowledge the broker records (GUARANTEES.md).
 *
 * Items from many `write` calls share bulk requests: a request is sent as soon as a
 * slot is free (or after `flushIntervalMs` if set), holding at most `flushCount` items and
 * `flushBytes` bytes of body, with `concurrency` requests at once. While all slots are busy, items wait and requests
 * grow towards the limits by themselves. The sink holds only the callers' batches: the
 * caller bounds memory with its in-flight budget.
 *
 * Every decision about an Elasticsearch answer goes through the outcome policy table.
 */
export class ElasticsearchSink {
  private readonly policy: OutcomePolicy;
  private readonly flushBytes: number;
  private readonly flushCount: number;
  private readonly flushIntervalMs: number;
  private readonly concurrency: number;
  private readonly log: Logger;
  private readonly metrics = {
    requests: indexerMetrics.requests(),
    duration: indexerMetrics.duration(),
    documents: indexerMetrics.documents(),
    bytes: indexerMetrics.bytes(),
    inflight: indexerMetrics.inflight(),
  };

  private queue: Span[] = [];
  private queuedItems = 0;
  private queuedBytes = 0;
  private oldestQueuedAt = 0;
  private inflight = 0;
  private readonly active = new Set<BatchState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lingerTimer: NodeJS.Timeout | undefined;
  private fatal: SluiceError | undefined;
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  /** Since when bulk requests fail as a whole (no answer, 5xx, 429) with no answer read since; for readiness. */
  private failingSince: number | undefined;
  private lastFailure = '';
  /** Requests backing off after Elasticsearch could not be reached; woken when it can be again. */
  private readonly wakers = new Set<AbortController>();
  private probing = false;
  private readonly where: string;

  private constructor(
    readonly client: Client,
    private readonly deadLetters: DeadLetterWriter,
    options: SinkOptions & { logger?: Logger },
  ) {
    this.policy = resolvePolicy(options.policy);
    this.flushBytes = options.flushBytes ?? SINK_DEFAULTS.flushBytes;
    this.flushCount = options.flushCount ?? SINK_DEFAULTS.flushCount;
    this.flushIntervalMs = options.flushIntervalMs ?? SINK_DEFAULTS.flushIntervalMs;
    this.concurrency = options.concurrency ?? SINK_DEFAULTS.concurrency;
    this.log = options.logger ?? createLogger({}, { component: 'indexer' });
    this.where = describeNode(options);
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
    const client = createClient(options, options.gzip ? { compression: true } : {});
    const log = options.logger ?? createLogger({}, { component: 'indexer' });
    try {
      await checkElasticsearchAnswers(client, options);
    } catch (error) {
      await client.close();
      throw error;
    }
    try {
      if (options.indexTemplate !== false) {
        const derived = options.indexName ? indexPatternFor(options.indexName) : undefined;
        const given = options.indexTemplate ?? {};
        const template = given.patterns || !derived ? given : { ...given, patterns: [derived] };
        if (options.indexName && !derived && !given.patterns) {
          log.warn(
            'index name starts with a field: no index template pattern can be derived; installing it for logs-*',
            {
              indexName: options.indexName,
              hint: 'set indexTemplate.patterns to cover your index names',
            },
          );
        }
        if (template.dataStream) await checkDataStreams(client);
        await ensureIndexTemplate(client, template.name ?? 'sluice-logs', logsTemplate(template), log);
      }
      const target = options.deadLetter ?? { kind: 'index', index: DEFAULT_DEAD_LETTER_INDEX };
      let writer: DeadLetterWriter;
      if (target.kind === 'index') {
        writer = new IndexDeadLetterWriter(client, target.index);
        if (options.indexTemplate !== false) {
          const prefix = target.index.split('%{')[0] ?? '';
          if (prefix.length > 0)
            await ensureIndexTemplate(client, 'sluice-dlq', deadLetterTemplate([`${prefix}*`]), log);
        }
      } else if (target.kind === 'custom') {
        writer = new CustomDeadLetterWriter(target);
      } else {
        throw new ConfigError(
          `indexer.deadLetter.kind must be "index" or "custom", got "${(target as { kind: string }).kind}"`,
        );
      }
      return new ElasticsearchSink(client, writer, { ...options, logger: log });
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /**
   * Resolves when every item of `batch` is indexed, a duplicate (409 on create), or
   * dead-lettered; the caller may then acknowledge the broker records. Retries retriable
   * failures itself until success or abort. Rejects with a non-retriable IndexError when
   * Elasticsearch refuses for credentials or privileges (the consumer must stop), and with
   * a retriable one when aborted or when a finite `policy.maxAttempts` ran out (the caller
   * hands the batch back to the broker; what was indexed becomes duplicates on redelivery).
   * `records[batch.recordIndex[i]]` is the record of item i.
   */
  write(batch: EncodedBatch, records: readonly RecordRef[]): Promise<WriteOutcome> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.abort.signal.aborted) return Promise.reject(this.abortedError());
    const items = itemCount(batch);
    if (items === 0)
      return Promise.resolve({ indexed: 0, duplicates: 0, deadLettered: 0, deadLetteredItems: [] });
    return new Promise<WriteOutcome>((resolve, reject) => {
      const state: BatchState = {
        batch,
        records,
        remaining: items,
        indexed: 0,
        duplicates: 0,
        deadLettered: 0,
        deadLetteredItems: [],
        settled: false,
        resolve,
        reject,
      };
      this.active.add(state);
      this.enqueue({ state, from: 0, to: items, attempts: 0 });
      this.pump();
    });
  }

  /** Sends what is buffered at once, waits for every pending write to settle, and closes the client. */
  async close(): Promise<void> {
    this.closing = true;
    this.pump();
    if (this.active.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    for (const timer of this.timers) clearTimeout(timer);
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
    if (this.failingSince === undefined) return undefined;
    const seconds = Math.round((Date.now() - this.failingSince) / 1_000);
    return `Elasticsearch at ${this.where}: bulk requests failing for ${seconds}s, retrying (last: ${this.lastFailure})`;
  }

  /** Items buffered or in flight, for tests and readiness. */
  get pending(): { batches: number; queuedItems: number; inflightRequests: number } {
    return { batches: this.active.size, queuedItems: this.queuedItems, inflightRequests: this.inflight };
  }

  private enqueue(span: Span, front = false): void {
    if (this.queue.length === 0) this.oldestQueuedAt = Date.now();
    if (front) this.queue.unshift(span);
    else this.queue.push(span);
    this.queuedItems += span.to - span.from;
    this.queuedBytes += spanByteLength(span);
  }

  /** Starts requests while slots are free and the buffer is due; the only place requests begin. */
  private pump(): void {
    while (!this.fatal && this.inflight < this.concurrency && this.queue.length > 0) {
      if (this.flushIntervalMs > 0 && !this.closing) {
        const waited = Date.now() - this.oldestQueuedAt;
        const full = this.queuedItems >= this.flushCount || this.queuedBytes >= this.flushBytes;
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
      const spans = this.take();
      if (spans.length > 0) void this.send(spans);
    }
  }

  /** Takes up to flushCount items / flushBytes from the head of the queue, cutting a span if needed. */
  private take(): Span[] {
    const taken: Span[] = [];
    let items = 0;
    let chars = 0;
    while (this.queue.length > 0 && items < this.flushCount && chars < this.flushBytes) {
      const span = this.queue[0] as Span;
      if (span.state.settled) {
        this.dequeueHead();
        continue;
      }
      const count = span.to - span.from;
      const size = spanByteLength(span);
      if (items + count <= this.flushCount && chars + size <= this.flushBytes) {
        this.dequeueHead();
        taken.push(span);
        items += count;
        chars += size;
        continue;
      }
      // The head span does not fit whole: cut it where a limit is reached, taking at
      // least one item into an empty request (one huge document still has to go).
      const starts = span.state.batch.starts;
      const base = starts[span.from] as number;
      let cut = span.from;
      while (
        cut < span.to &&
        items + (cut + 1 - span.from) <= this.flushCount &&
        chars + ((starts[cut + 1] as number) - base) <= this.flushBytes
      ) {
        cut++;
      }
      if (cut === span.from && items === 0) cut = span.from + 1;
      if (cut === span.from) break;
      this.dequeueHead();
      if (cut < span.to)
        this.enqueue({ state: span.state, from: cut, to: span.to, attempts: span.attempts }, true);
      taken.push({ state: span.state, from: span.from, to: cut, attempts: span.attempts });
      break;
    }
    if (this.queue.length === 0) this.oldestQueuedAt = 0;
    return taken;
  }

  private dequeueHead(): void {
    const span = this.queue.shift() as Span;
    this.queuedItems -= span.to - span.from;
    this.queuedBytes -= spanByteLength(span);
  }

  /** Holds a request slot while `deliver` runs; the only place slots are taken and given back. */
  private async send(spans: Span[]): Promise<void> {
    this.inflight++;
    this.metrics.inflight.set(this.inflight);
    try {
      await this.deliver(spans);
    } catch (error) {
      // A bug in this file, not an Elasticsearch answer: do not lose the batches silently.
      this.fail(new IndexError(`indexer failed: ${errorMessage(error)}`, { retriable: false, cause: error }));
    } finally {
      this.inflight--;
      this.metrics.inflight.set(this.inflight);
      this.pump();
    }
  }

  /** Sends one bulk request until its items are settled, retried later, or split and delivered half by half. */
  private async deliver(spans: readonly Span[]): Promise<void> {
    let items = 0;
    for (const span of spans) items += span.to - span.from;
    const body = requestBody(spans);
    for (let attempt = 1; ; attempt++) {
      if (this.fatal || this.abort.signal.aborted) return;
      const started = process.hrtime.bigint();
      let response: BulkResponse;
      try {
        this.metrics.bytes.inc(body.length);
        response = (await this.client.transport.request(
          { method: 'POST', path: '/_bulk', bulkBody: body, querystring: { filter_path: BULK_FILTER } },
          { signal: this.abort.signal },
        )) as BulkResponse;
      } catch (error) {
        this.metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
        if (this.abort.signal.aborted) return;
        const status = statusOf(error);
        const action = requestAction(this.policy, status);
        if (action === 'fatal') {
          this.metrics.requests.inc({ outcome: 'failed' });
          const reason = reasonOf(error);
          this.fail(
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
          this.answered();
          this.metrics.requests.inc({ outcome: 'split' });
          await this.split(spans, items, status ?? 0, reasonOf(error));
          return;
        }
        this.metrics.requests.inc({ outcome: 'retried' });
        this.metrics.documents.inc({ outcome: 'retried' }, items);
        this.failingSince ??= Date.now();
        this.lastFailure = `${status ?? 'no answer'}: ${errorMessage(error)}`;
        if (attempt >= this.policy.maxAttempts) {
          this.giveUp(spans, `a bulk request failed ${attempt} times: ${errorMessage(error)}`, error);
          return;
        }
        const delay = backoffDelay(attempt, this.policy.backoff);
        this.log.warn('bulk request failed; retrying', {
          status: status ?? 'no answer',
          attempt,
          delayMs: delay,
          error: errorChain(error),
        });
        if (!(await this.backoff(delay, isConnectionFailure(error)))) return;
        continue;
      }
      this.metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.answered();
      await this.settleItems(spans, items, response);
      return;
    }
  }

  /** Reads the answer item by item and applies the policy to each. */
  private async settleItems(spans: readonly Span[], items: number, response: BulkResponse): Promise<void> {
    if (response.errors === false) {
      this.metrics.requests.inc({ outcome: 'ok' });
      this.metrics.documents.inc({ outcome: 'indexed' }, items);
      for (const span of spans) this.credit(span.state, 'indexed', span.to - span.from);
      return;
    }
    const results = response.items ?? [];
    if (results.length !== items) {
      this.metrics.requests.inc({ outcome: 'retried' });
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
        const action: ItemAction = itemAction(this.policy, result.status, result.error?.type);
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
              entry: this.deadLetterEntry(span.state, i, result.status, result.error),
            });
            break;
          case 'fatal': {
            this.metrics.requests.inc({ outcome: 'failed' });
            const target = this.actionLine(span.state, i)._index;
            const reason = result.error?.reason ?? `status ${result.status}`;
            this.fail(
              result.status === 401 || result.status === 403
                ? securityError(result.status, reason, target)
                : new IndexError(
                    `Elasticsearch refused documents for index [${target ?? '?'}] (${result.status} ${result.error?.type ?? ''}): ${reason}`,
                    {
                      retriable: false,
                      hint:
                        result.error?.type === 'index_not_found_exception'
                          ? 'automatic index creation is off for this name: allow it (action.auto_create_index) or create the index first'
                          : undefined,
                    },
                  ),
            );
            return;
          }
        }
      }
      indexed += spanIndexed;
      duplicates += spanDuplicates;
      if (spanIndexed > 0) this.credit(span.state, 'indexed', spanIndexed);
      if (spanDuplicates > 0) this.credit(span.state, 'duplicates', spanDuplicates);
    }
    this.metrics.requests.inc({ outcome: retries.length > 0 || dead.length > 0 ? 'partial' : 'ok' });
    if (indexed > 0) this.metrics.documents.inc({ outcome: 'indexed' }, indexed);
    if (duplicates > 0) this.metrics.documents.inc({ outcome: 'duplicate' }, duplicates);
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
      await this.writeDeadLetters([
        { span, entry: this.deadLetterEntry(span.state, span.from, status, error) },
      ]);
      return;
    }
    // Halves go out one after the other inside this request's slot, so the queue cannot
    // merge them back into one request; a poison item is found in log2(n) requests.
    const [first, second] = splitSpans(spans, Math.ceil(items / 2));
    await this.deliver(first);
    await this.deliver(second);
  }

  private scheduleRetry(spans: Span[]): void {
    let attempts = 0;
    for (const span of spans) attempts = Math.max(attempts, span.attempts);
    this.metrics.documents.inc({ outcome: 'retried' }, spans.length);
    if (attempts >= this.policy.maxAttempts) {
      this.giveUp(spans, `${spans.length} documents were refused ${attempts} times (429 or 5xx)`);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.fatal || this.abort.signal.aborted) return;
        // Retried items go first: they are the oldest, and their callers wait longest.
        for (let i = spans.length - 1; i >= 0; i--) this.enqueue(spans[i] as Span, true);
        this.pump();
      },
      backoffDelay(attempts, this.policy.backoff),
    );
    this.timers.add(timer);
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
    await retry(() => this.deadLetters.write(entries, this.abort.signal), {
      ...this.policy.backoff,
      signal: this.abort.signal,
      onRetry: (e, attempt) =>
        this.log.warn('dead-letter write failed; retrying', { attempt, error: errorMessage(e) }),
    });
    this.metrics.documents.inc({ outcome: 'dead_lettered' }, entries.length);
  }

  private async writeDeadLetters(dead: ReadonlyArray<{ span: Span; entry: DeadLetterEntry }>): Promise<void> {
    try {
      await retry(
        () =>
          this.deadLetters.write(
            dead.map((d) => d.entry),
            this.abort.signal,
          ),
        {
          ...this.policy.backoff,
          signal: this.abort.signal,
          onRetry: (error, attempt) =>
            this.log.warn('dead-letter write failed; retrying', { attempt, error: errorChain(error) }),
        },
      );
    } catch (error) {
      if (this.abort.signal.aborted) return;
      if (error instanceof SluiceError && !error.retriable) this.fail(error);
      else
        this.giveUp(
          dead.map((d) => d.span),
          `dead letters could not be written: ${errorMessage(error)}`,
          error,
        );
      return;
    }
    this.metrics.documents.inc({ outcome: 'dead_lettered' }, dead.length);
    for (const { span, entry } of dead) {
      this.log.debug('dead-lettered', { id: entry.id, status: entry.status, type: entry.error.type });
      if (!span.state.settled) span.state.deadLetteredItems.push(span.from);
      this.credit(span.state, 'deadLettered', 1);
    }
  }

  /**
   * Waits out a retry delay; false when the sink was aborted meanwhile. A request that
   * failed because Elasticsearch could not be reached at all may be woken early: after a
   * long outage the backoff has grown to its cap (30 s by default), and without this the
   * consumer would sit idle that long after Elasticsearch is back.
   */
  private async backoff(delay: number, unreachable: boolean): Promise<boolean> {
    if (!unreachable) {
      try {
        await sleep(delay, undefined, { signal: this.abort.signal });
        return true;
      } catch {
        return false;
      }
    }
    const wake = new AbortController();
    this.wakers.add(wake);
    this.probeUntilReachable();
    try {
      await sleep(delay, undefined, { signal: AbortSignal.any([this.abort.signal, wake.signal]) });
    } catch {
      // Woken (go on) or aborted (stop).
    } finally {
      this.wakers.delete(wake);
    }
    return !this.abort.signal.aborted;
  }

  /** Elasticsearch answered a request: it is reachable, so requests waiting for that may go now. */
  private answered(): void {
    this.failingSince = undefined;
    for (const wake of this.wakers) wake.abort();
    this.wakers.clear();
  }

  /**
   * While requests wait because Elasticsearch was unreachable, asks `HEAD /` every
   * PROBE_INTERVAL_MS (a few bytes, unlike re-sending megabytes of bulk body). Wakes the
   * waiting requests only after it saw Elasticsearch unreachable and then answering (any
   * HTTP status: the integ-test distribution answers 405, a locked-down one 401/403). If
   * the first probe is answered, the failures were not an outage (a proxy dropping big
   * bodies, say) and the requests keep their backoff: nothing is hammered.
   */
  private probeUntilReachable(): void {
    if (this.probing) return;
    this.probing = true;
    void (async () => {
      let sawDown = false;
      try {
        while (this.wakers.size > 0 && !this.abort.signal.aborted) {
          await sleep(PROBE_INTERVAL_MS, undefined, { signal: this.abort.signal });
          let reachable: boolean;
          try {
            await this.client.transport.request(
              { method: 'HEAD', path: '/' },
              { signal: this.abort.signal, requestTimeout: PROBE_INTERVAL_MS, maxRetries: 0 },
            );
            reachable = true;
          } catch (error) {
            reachable = statusOf(error) !== undefined;
          }
          if (!reachable) sawDown = true;
          else if (sawDown) {
            this.log.info('Elasticsearch answers again; resuming bulk requests', { where: this.where });
            this.answered();
          } else return;
        }
      } catch {
        // Aborted.
      } finally {
        this.probing = false;
      }
    })();
  }

  private actionLine(state: BatchState, i: number): { _index?: string; _id?: string } {
    const { body, starts } = state.batch;
    const start = starts[i] as number;
    const end = body.indexOf(0x0a, start);
    try {
      const line = Buffer.from(body.buffer, body.byteOffset + start, (end < 0 ? body.length : end) - start);
      const action = JSON.parse(line.toString('utf8')) as Record<string, { _index?: string; _id?: string }>;
      return Object.values(action)[0] ?? {};
    } catch {
      return {};
    }
  }

  private deadLetterEntry(
    state: BatchState,
    i: number,
    status: number,
    error?: { type?: string; reason?: string },
  ): DeadLetterEntry {
    const action = this.actionLine(state, i);
    const record = state.records[state.batch.recordIndex[i] as number];
    return {
      id: action._id ?? record?.id ?? `item-${i}`,
      line: record?.line ?? '',
      origin: record?.origin ?? '',
      index: action._index ?? '',
      status,
      error: { type: error?.type ?? 'unknown', reason: error?.reason ?? `status ${status}` },
      at: Date.now(),
    };
  }

  private credit(state: BatchState, kind: 'indexed' | 'duplicates' | 'deadLettered', n: number): void {
    if (state.settled) return;
    state[kind] += n;
    state.remaining -= n;
    if (state.remaining === 0) {
      state.settled = true;
      this.active.delete(state);
      state.resolve({
        indexed: state.indexed,
        duplicates: state.duplicates,
        deadLettered: state.deadLettered,
        deadLetteredItems: state.deadLetteredItems.sort((a, b) => a - b),
      });
      this.checkIdle();
    }
  }

  private rejectState(state: BatchState, error: unknown): void {
    if (state.settled) return;
    state.settled = true;
    this.active.delete(state);
    state.reject(error);
    this.checkIdle();
  }

  /** Retries ran out: hand these batches back (retriable), keep the sink running. */
  private giveUp(spans: readonly Span[], message: string, cause?: unknown): void {
    const error = new IndexError(message, {
      retriable: true,
      cause,
      hint: 'the batch goes back to the broker and is delivered again',
    });
    for (const span of spans) this.rejectState(span.state, error);
  }

  /** Credentials or privileges: nothing can succeed; every pending and future write rejects. */
  private fail(error: SluiceError): void {
    if (!this.fatal) {
      this.fatal = error;
      this.log.error(error.message, error.hint ? { hint: error.hint } : undefined);
    }
    for (const state of [...this.active]) this.rejectState(state, this.fatal);
    this.queue = [];
    this.queuedItems = 0;
    this.queuedBytes = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private abortedError(): IndexError {
    return new IndexError('indexer stopped before Elasticsearch took the batch', {
      retriable: true,
      hint: 'the batch is delivered again when the consumer restarts',
    });
  }

  private onAbort(): void {
    this.abort.abort();
    const error = this.abortedError();
    for (const state of [...this.active]) this.rejectState(state, error);
    this.queue = [];
    this.queuedItems = 0;
    this.queuedBytes = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private checkIdle(): void {
    if (this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
