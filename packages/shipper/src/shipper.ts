import { hostname } from 'node:os';
import type { Producer } from '@sluice/brokers';
import {
  type BackoffOptions,
  BrokerError,
  cachedIsoTime,
  createLogger,
  errorChain,
  isRetriable,
  type Logger,
  type OutboundRecord,
  recordId,
  retry,
  SluiceError,
} from '@sluice/core';
import type { Checkpoint, Fields, FieldValue, Input, ShipEvent } from './event.js';
import { shipperMetrics } from './metrics.js';
import { EventQueue, type QueueLimits } from './queue.js';
import type { FileRegistry } from './registry.js';

export interface BatchOptions {
  /**
   * Records per publish. Default 2048, Filebeat's `bulk_max_size` for its Redis, Kafka and
   * Logstash outputs. The registry is written (two fsyncs) after every confirmed batch and
   * the next batch waits for it, so the batch size sets how often the publisher idles on
   * the disk: 500 meant four times the waits per file for the same CPU.
   */
  readonly maxEvents?: number;
  /** Bytes of line text per publish. Default 1 MiB. */
  readonly maxBytes?: number;
  /** How long to wait for a batch to fill once it has a first record, ms. Default 20. */
  readonly lingerMs?: number;
  /**
   * Batches published at once, confirmed in order. Default 1: after a crash at most one
   * batch is sent again. More hides broker round trips (RabbitMQ confirms) at the price of
   * re-sending up to this many batches after a crash (same ids, so no duplicates downstream).
   */
  readonly maxInFlight?: number;
}

export const BATCH_DEFAULTS = {
  maxEvents: 2048,
  maxBytes: 1024 * 1024,
  lingerMs: 20,
  maxInFlight: 1,
} as const;

export interface ShipperOptions {
  readonly producer: Producer;
  readonly inputs: readonly Input[];
  /** Offsets of files; advanced after each confirmed batch. Without it nothing is remembered. */
  readonly registry?: FileRegistry;
  /** `agent.id` on every record and part of file identities. Default: the host name. */
  readonly shipperId?: string;
  /** `host.name`. Default: os.hostname(). */
  readonly hostName?: string;
  /** Added to every record (dotted keys, e.g. `service.name`). */
  readonly fields?: Fields;
  readonly tags?: readonly string[];
  readonly batch?: BatchOptions;
  readonly queue?: QueueLimits;
  /** Backoff between publish attempts while the broker is down. */
  readonly retry?: BackoffOptions;
  readonly logger?: Logger;
}

export interface ShipperStats {
  /** Events the broker confirmed. */
  lines: number;
  /** Bytes of those events. */
  bytes: number;
  batches: number;
  /** Failed publish attempts (retried). */
  publishErrors: number;
  /** Seconds inputs waited for room (the broker was the bottleneck). */
  backpressureSeconds: number;
}

/**
 * Inputs → bounded queue → one publisher. The publisher sends one batch at a time and
 * waits for the broker's confirmation before it confirms the batch's events (advancing file
 * offsets) and writes the registry; only then does it take the next batch. So after a crash
 * at most the batch in flight is sent again, under the same ids (see README "Guarantees").
 */
export class Shipper {
  readonly stats: ShipperStats = { lines: 0, bytes: 0, batches: 0, publishErrors: 0, backpressureSeconds: 0 };
  private readonly log: Logger;
  private readonly base: Record<string, FieldValue>;
  private readonly tags: readonly string[];
  private readonly batch: Required<BatchOptions>;
  readonly queue: EventQueue;
  private connected = true;

  constructor(private readonly options: ShipperOptions) {
    this.log = options.logger ?? createLogger();
    const host = options.hostName ?? hostname();
    this.base = {
      ...options.fields,
      'host.name': host,
      'agent.id': options.shipperId ?? host,
      'agent.type': 'sluice',
    };
    this.tags = options.tags ?? [];
    this.batch = { ...BATCH_DEFAULTS, ...options.batch };
    this.queue = new EventQueue(options.queue);
  }

  /** False while publishes are failing: drives `/readyz`. */
  get healthy(): boolean {
    return this.connected;
  }

  /**
   * Runs every input and the publisher. Resolves when every input finished (one-shot files,
   * stdin at EOF) or `stop` aborted them, AND everything they read has been confirmed by
   * the broker and checkpointed. `abandon` gives up on unconfirmed events (a shutdown
   * deadline): they will be read and sent again after a restart.
   */
  async run(stop: AbortSignal, abandon?: AbortSignal): Promise<ShipperStats> {
    const inputsStop = new AbortController();
    const onStop = () => inputsStop.abort();
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) inputsStop.abort();
    const registryTimer = this.options.registry
      ? setInterval(() => {
          this.options.registry
            ?.flush()
            .catch((error: unknown) => this.log.warn('registry write failed', { error }));
        }, 1_000)
      : undefined;
    registryTimer?.unref();

    let publishFailure: unknown;
    const publisher = this.publishLoop(abandon).catch((error: unknown) => {
      publishFailure = error;
      inputsStop.abort();
      this.queue.close();
    });
    let inputFailure: unknown;
    await Promise.all(
      this.options.inputs.map((input) =>
        input.run(this.queue, inputsStop.signal).catch((error: unknown) => {
          if (publishFailure !== undefined) return; // a consequence: the queue was closed under it
          inputFailure ??= error;
          inputsStop.abort();
        }),
      ),
    );
    this.queue.close();
    await publisher;
    clearInterval(registryTimer);
    stop.removeEventListener('abort', onStop);
    await this.options.registry?.flush();
    if (publishFailure !== undefined) throw publishFailure;
    if (inputFailure !== undefined) throw inputFailure;
    return this.stats;
  }

  private async publishLoop(abandon: AbortSignal | undefined): Promise<void> {
    const { registry } = this.options;
    const maxInFlight = this.batch.maxInFlight;
    // Batches are sent up to maxInFlight at once, but confirmed strictly in order: a batch's
    // events are confirmed (and the registry written) only after every earlier batch was.
    // So the registry never passes an unconfirmed line, and a crash re-sends at most the
    // batches in flight (one, by default).
    let chain: Promise<void> = Promise.resolve();
    const window: Promise<void>[] = [];
    for (;;) {
      while (window.length >= maxInFlight) await window.shift();
      const events = await this.queue.take(this.batch.maxEvents, this.batch.maxBytes, this.batch.lingerMs);
      if (events.length === 0) break;
      const records = events.map((e) => this.toRecord(e));
      const started = performance.now();
      const sent = this.send(records, abandon);
      sent.catch(() => undefined); // observed through the chain below
      chain = chain.then(async () => {
        await sent;
        shipperMetrics().publishDuration.observe((performance.now() - started) / 1_000);
        this.confirm(events);
        await registry?.flush();
      });
      chain.catch(() => undefined); // a failure surfaces where the window or the end awaits it
      window.push(chain);
    }
    await chain;
  }

  private async send(records: OutboundRecord[], abandon: AbortSignal | undefined): Promise<void> {
    await retry(() => untilAbandoned(this.options.producer.publish(records), abandon), {
      ...this.options.retry,
      ...(abandon ? { signal: abandon } : {}),
      shouldRetry: (error) => isRetriable(error) || !(error instanceof SluiceError),
      onRetry: (error, attempt, delayMs) => {
        this.connected = false;
        this.stats.publishErrors++;
        shipperMetrics().publishErrors.inc();
        if (attempt === 1 || attempt % 10 === 0) {
          this.log.warn('publish failed; retrying (inputs pause while the queue is full)', {
            attempt,
            retryInMs: delayMs,
            error: errorChain(error),
          });
        }
      },
    });
    if (!this.connected) this.log.info('publishing again');
    this.connected = true;
  }

  private blockedSeen = 0;

  private confirm(events: readonly ShipEvent[]): void {
    let bytes = 0;
    const perInput = new Map<string, { lines: number; bytes: number }>();
    // Each checkpoint moves to the end of its last event here: a file's events come in order.
    let checkpoint: Checkpoint | undefined;
    let end = 0;
    for (const e of events) {
      if (e.checkpoint !== undefined) {
        if (e.checkpoint !== checkpoint) checkpoint?.advance(end);
        checkpoint = e.checkpoint;
        end = e.end as number;
      }
      bytes += e.bytes;
      const c = perInput.get(e.input);
      if (c) {
        c.lines++;
        c.bytes += e.bytes;
      } else perInput.set(e.input, { lines: 1, bytes: e.bytes });
    }
    checkpoint?.advance(end);
    for (const [input, c] of perInput) {
      shipperMetrics().lines.inc({ input }, c.lines);
      shipperMetrics().bytes.inc({ input }, c.bytes);
    }
    this.stats.lines += events.length;
    this.stats.bytes += bytes;
    this.stats.batches++;
    const blocked = this.queue.blockedMs;
    if (blocked > this.blockedSeen) {
      shipperMetrics().backpressure.inc((blocked - this.blockedSeen) / 1_000);
      this.stats.backpressureSeconds = blocked / 1_000;
      this.blockedSeen = blocked;
    }
  }

  /** Lines of one read share a timestamp: format it once. */
  private readonly createdAt = cachedIsoTime();

  private toRecord(e: ShipEvent): OutboundRecord {
    const tags =
      e.tags && e.tags.length > 0 ? (this.tags.length > 0 ? [...this.tags, ...e.tags] : e.tags) : this.tags;
    const created = this.createdAt(e.readAt);
    const hasOffset = e.byteOffset !== undefined;
    // Every field but log.offset is the same for the lines of one read: they are copied from
    // a model built once (a clone of one shape costs half of assembling the object each time).
    if (
      this.model === undefined ||
      this.modelFields !== e.fields ||
      this.modelCreated !== created ||
      this.modelHasOffset !== hasOffset ||
      this.modelTags !== tags
    ) {
      const model: Record<string, FieldValue> = Object.assign({}, this.base, e.fields);
      model['event.created'] = created;
      // A placeholder, so that each line's offset takes its place in the same key order.
      if (hasOffset) model['log.offset'] = 0;
      if (tags.length > 0) model.tags = tags;
      this.model = model;
      this.modelFields = e.fields;
      this.modelCreated = created;
      this.modelHasOffset = hasOffset;
      this.modelTags = tags;
    }
    const fields: Record<string, FieldValue> = { ...this.model };
    if (hasOffset) fields['log.offset'] = e.byteOffset as number;
    return {
      id: recordId(e.idSource, e.offset),
      line: e.text,
      source: e.source,
      offset: e.byteOffset,
      shippedAt: e.readAt,
      fields,
    };
  }

  /** The fields of the last record without its offset, and what they were made from (toRecord). */
  private model: Readonly<Record<string, FieldValue>> | undefined;
  private modelFields: Fields | undefined;
  private modelCreated = '';
  private modelHasOffset = false;
  private modelTags: readonly string[] | undefined;
}

/**
 * A publish that gives up when `abandon` fires: a producer may retry an unreachable
 * broker inside one `publish` call for as long as it likes (Kafka does), and a shutdown
 * deadline must end the shipper all the same. The records stay unconfirmed, so they are
 * read and sent again after a restart.
 */
function untilAbandoned(work: Promise<void>, abandon: AbortSignal | undefined): Promise<void> {
  if (abandon === undefined) return work;
  return new Promise<void>((resolve, reject) => {
    const onAbandon = () =>
      reject(new BrokerError('gave up at the shutdown deadline; the broker had not confirmed the batch'));
    if (abandon.aborted) return onAbandon();
    abandon.addEventListener('abort', onAbandon, { once: true });
    work.then(
      () => {
        abandon.removeEventListener('abort', onAbandon);
        resolve();
      },
      (error: unknown) => {
        abandon.removeEventListener('abort', onAbandon);
        reject(error);
      },
    );
  });
}
