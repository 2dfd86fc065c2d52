import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokerError,
  backoffDelay,
  errorChain,
  type InboundRecord,
  type Logger,
  type PayloadPoison,
} from '@sluice/core';
import {
  type Admin,
  type EachBatchPayload,
  Kafka,
  type Consumer as KafkaJsConsumer,
  type KafkaMessage,
} from 'kafkajs';
import { brokerCount, recordLag } from '../metrics.js';
import { decodePayloads, releasePayloads } from '../payloads.js';
import type { BrokerTarget, Consumer, InboundBatch, LagSample } from '../types.js';
import { asBrokerError, ensureTopic, groupLag } from './admin.js';
import { decodeKafkaRecords } from './codec.js';
import { PendingCommits } from './commits.js';
import { kafkaMessageLines, packKafkaMessages } from './raw.js';
// Registers the lz4 and zstd codecs, so topics compressed by other producers can be read.
import './compression.js';
import { connectionSettings, defaultLogger, kafkaConfig } from './config.js';
import { type KafkaConsumerOptions, kafkaConsumerSettings } from './consumer-options.js';
import { KafkaDeadLetters, type PoisonMessage } from './dead-letter.js';
import { OffsetTracker, type Span } from './offsets.js';

export type { KafkaConsumerOptions } from './consumer-options.js';

/**
 * Kafka consumer group member. Delivery rules (see "Guarantees" in the README):
 *
 * - kafkajs's `eachBatch` never waits for the pipeline. It splits the fetched batch into
 *   chunks of `batchSize`, hands each to the handler without awaiting it, and moves the
 *   fetch position on (`resolveOffset`, which only sets where the next fetch starts, since
 *   auto-commit is off). It waits only while the window of `maxInFlightBatches` is full or
 *   the consumer is paused, and heartbeats while it waits, so a slow pipeline never starves
 *   the group session (kafkajs #387) and never blocks a rebalance (the heartbeat reports it
 *   and we return). Processing in parallel inside one `eachBatch` call while committing
 *   from there is what produces duplicates and rebalances in kafkajs #1764.
 * - Offsets are committed only after `ack()`, and only up to the highest CONTIGUOUS
 *   acknowledged offset of each partition (OffsetTracker): chunks of one partition finish
 *   out of order in the pool.
 * - On a rebalance (#916) the partitions this member lost are forgotten: acknowledgements
 *   of their in-flight chunks commit nothing, and the new owner fetches them again from
 *   the last commit (ids make the duplicates collapse). Partitions it kept continue where
 *   they were (a seek past the chunks still in flight).
 * - `retryLater()` seeks the partition back to the chunk's first offset.
 * - Malformed payloads go to the dead-letter topic and count as done.
 */
export class KafkaConsumer implements Consumer {
  private readonly kafka: Kafka;
  private readonly consumer: KafkaJsConsumer;
  private readonly topic: string;
  private readonly group: string;
  /** Batches go to the handler undecoded (InboundBatch.raw): the workers decode them. */
  private readonly raw: boolean;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly fromBeginning: boolean;
  private readonly heartbeatIntervalMs: number;
  private readonly closeTimeoutMs: number;
  private readonly partitions: number;
  private readonly log: Logger;
  private readonly tracker = new OffsetTracker();
  private readonly inFlight = new Set<Promise<void>>();
  /** Wakes `eachBatch` when a slot frees up, the consumer resumes, or it closes. */
  private wake: (() => void) | undefined;
  private handler: ((batch: InboundBatch) => Promise<void>) | undefined;
  private readonly deadLetters: KafkaDeadLetters;
  private readonly commits: PendingCommits;
  private admin: Admin | undefined;
  private memberId: string | undefined;
  /** Bumped on every group join: chunks fetched under an older assignment are not dispatched. */
  private generation = 0;
  private assigned = new Set<number>();
  private paused = false;
  private closing = false;
  private closed: Promise<void> | undefined;
  private isConnected = false;
  private finish: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private restarts = 0;

  constructor(target: BrokerTarget, options: KafkaConsumerOptions = {}) {
    const settings = kafkaConsumerSettings(target, options);
    const sessionTimeout = settings.sessionTimeoutMs;
    this.topic = settings.topic;
    this.group = settings.group;
    this.batchSize = settings.batchSize;
    this.maxInFlight = settings.maxInFlight;
    this.fromBeginning = settings.fromBeginning;
    this.heartbeatIntervalMs = settings.heartbeatIntervalMs;
    this.closeTimeoutMs = settings.closeTimeoutMs;
    this.partitions = settings.partitions;
    this.raw = options.rawPayloads === true;
    this.log = (options.logger ?? defaultLogger()).child({ topic: this.topic, group: this.group });
    this.kafka = new Kafka(kafkaConfig(connectionSettings(target), this.log, options.socketFactory));
    this.deadLetters = new KafkaDeadLetters(this.kafka, this.topic, settings.deadLetterTopic, this.log);
    this.consumer = this.kafka.consumer({
      groupId: this.group,
      sessionTimeout,
      rebalanceTimeout: Math.max(sessionTimeout, 60_000),
      heartbeatInterval: this.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      // Bounded memory: what one fetch may bring, on top of the handler window.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
      // A fetch long-polls this long when there is nothing new; leaving the group waits for
      // the fetch in progress, so this bounds how long close() takes on an idle topic.
      maxWaitTimeInMs: 1_000,
      retry: {
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        retries: 8,
        // Retriable crashes restart inside kafkajs; we count them here.
        restartOnFailure: async () => {
          brokerCount('reconnects', 'kafka');
          return !this.closing;
        },
      },
    });
    this.commits = new PendingCommits(
      this.topic,
      (offsets) => this.consumer.commitOffsets(offsets),
      (partition) => this.assigned.has(partition),
      this.log,
    );
    const events = this.consumer.events;
    this.consumer.on(events.GROUP_JOIN, (e) =>
      this.onJoin(e.payload.memberId, e.payload.memberAssignment[this.topic] ?? []),
    );
    this.consumer.on(events.CRASH, (e) => this.onCrash(e.payload.error, e.payload.restart));
    this.consumer.on(events.DISCONNECT, () => {
      this.isConnected = false;
    });
  }

  get connected(): boolean {
    return this.isConnected && !this.closing;
  }

  async run(handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    if (this.handler) throw new BrokerError('KafkaConsumer.run was called twice', { retriable: false });
    this.handler = handle;
    const done = new Promise<void>((resolve, reject) => {
      this.finish = { resolve, reject };
    });
    try {
      await this.start();
    } catch (error) {
      this.finish = undefined;
      await this.shutdownClients();
      throw asBrokerError(error, `cannot start the Kafka consumer for topic ${this.topic}`);
    }
    return done;
  }

  private async start(): Promise<void> {
    await ensureTopic(this.kafka, this.topic, this.partitions, -1, this.log);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: this.fromBeginning });
    await this.runFetchLoop();
  }

  /** kafkajs commits nothing on its own: offsets are committed only after ack(). */
  private runFetchLoop(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  pause(): void {
    this.paused = true;
    this.kafkaPause();
  }

  resume(): void {
    this.paused = false;
    if (!this.closing) {
      try {
        this.consumer.resume([{ topic: this.topic }]);
      } catch {
        // Not running yet or restarting: onJoin applies the current state.
      }
    }
    this.wakeUp();
  }

  async lag(): Promise<LagSample[]> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    try {
      const samples = await groupLag(this.admin, this.group, this.topic, this.fromBeginning);
      recordLag('kafka', samples);
      return samples;
    } catch (error) {
      throw asBrokerError(error, `cannot read the lag of group ${this.group} on ${this.topic}`);
    }
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  // --- fetching -------------------------------------------------------------------

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const generation = this.generation;
    const partition = batch.partition;
    const stop = () => this.closing || !isRunning() || isStale() || generation !== this.generation;
    const messages = batch.messages;
    let next = 0;
    while (next < messages.length) {
      await this.waitForRoom(heartbeat, stop);
      if (stop()) return;
      // A chunk is whole messages holding up to batchSize records: a frame
      // (`?linesPerMessage=N`) is never split, so its offset is committed only once
      // every one of its lines is acknowledged.
      const start = next;
      if (this.raw) {
        // Lines counted from the frame header, not by decoding: the workers decode.
        let lines = 0;
        while (next < messages.length && lines < this.batchSize)
          lines += kafkaMessageLines(messages[next++] as KafkaMessage);
        const chunk = messages.slice(start, next);
        const first = Number((chunk[0] as KafkaMessage).offset);
        const last = Number((chunk[chunk.length - 1] as KafkaMessage).offset);
        const { span, redelivered } = this.tracker.dispatch(partition, first, last);
        resolveOffset(String(last));
        brokerCount('consumed', 'kafka', lines);
        brokerCount('redelivered', 'kafka', Math.min(redelivered, lines));
        this.dispatchRaw(span, chunk, heartbeat);
        continue;
      }
      const records: InboundRecord[] = [];
      const poison: PoisonMessage[] = [];
      while (next < messages.length && records.length + poison.length < this.batchSize) {
        const message = messages[next++] as KafkaMessage;
        const decoded = decodeKafkaRecords(this.topic, partition, message);
        if (Array.isArray(decoded)) {
          for (const record of decoded) records.push(record);
        } else poison.push({ message, reason: decoded.reason });
      }
      const chunk = messages.slice(start, next);
      if (poison.length > 0) {
        await this.deadLetters.send(partition, poison, heartbeat);
        if (stop()) return;
      }
      const first = Number((chunk[0] as KafkaMessage).offset);
      const last = Number((chunk[chunk.length - 1] as KafkaMessage).offset);
      const { span, redelivered } = this.tracker.dispatch(partition, first, last);
      // Only the next fetch position; nothing is committed until ack().
      resolveOffset(String(last));
      brokerCount('consumed', 'kafka', records.length);
      brokerCount('redelivered', 'kafka', Math.min(redelivered, records.length));
      if (records.length === 0) {
        await this.acknowledge(span, 0);
        continue;
      }
      this.dispatch(span, records);
    }
  }

  /** Waits while the window is full or the consumer is paused, heartbeating meanwhile. */
  private async waitForRoom(heartbeat: () => Promise<void>, stop: () => boolean): Promise<void> {
    while ((this.inFlight.size >= this.maxInFlight || this.paused) && !stop()) {
      const woken = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      await Promise.race([woken, sleep(this.heartbeatIntervalMs)]);
      // Throws when the group is rebalancing: kafkajs then rejoins, which is what we want.
      await heartbeat();
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * A raw batch: the chunk's messages packed for the workers. Its records are decoded here
   * only if the handler reads `records`; poison the workers found is sent to the dead-letter
   * topic before the acknowledgement that commits past it.
   */
  private dispatchRaw(span: Span, chunk: readonly KafkaMessage[], heartbeat: () => Promise<void>): void {
    const raw = packKafkaMessages(chunk, this.topic, span.partition);
    let decoded: { records: readonly InboundRecord[] } | undefined;
    let count: number | undefined;
    let poison: readonly PayloadPoison[] = [];
    let settled = false;
    const batch: InboundBatch = {
      raw,
      get records() {
        if (decoded === undefined) {
          if (settled) throw new Error('a raw batch was decoded after it was settled (its buffer is reused)');
          const d = decodePayloads(raw);
          decoded = d;
          if (count === undefined) batch.payloadsDecoded?.(d.records.length, d.poison);
        }
        return decoded.records;
      },
      payloadsDecoded: (records, found) => {
        if (count !== undefined) return;
        count = records;
        poison = found;
      },
      ack: async () => {
        if (settled) return;
        if (poison.length > 0) {
          await this.deadLetters.send(
            span.partition,
            poison.map((p) => ({ message: chunk[p.payload] as KafkaMessage, reason: p.reason })),
            heartbeat,
          );
        }
        const records = count ?? batch.records.length;
        settled = true;
        // Settled: no worker and no dead letter reads the payloads any more.
        releasePayloads(raw);
        await this.acknowledge(span, records);
      },
      retryLater: async () => {
        if (settled) return;
        settled = true;
        releasePayloads(raw);
        this.handBack(span);
      },
    };
    this.run1(span, batch);
  }

  private dispatch(span: Span, records: readonly InboundRecord[]): void {
    let settled = false;
    const batch: InboundBatch = {
      records,
      ack: async () => {
        if (settled) return;
        settled = true;
        await this.acknowledge(span, records.length);
      },
      retryLater: async () => {
        if (settled) return;
        settled = true;
        this.handBack(span);
      },
    };
    this.run1(span, batch);
  }

  /** Runs the handler on one batch in the background; a handler that throws hands its batch back. */
  private run1(span: Span, batch: InboundBatch): void {
    const handler = this.handler as (batch: InboundBatch) => Promise<void>;
    const running: Promise<void> = (async () => {
      try {
        await handler(batch);
      } catch (error) {
        this.log.warn('batch handler failed; handing the batch back', {
          error: errorChain(error),
          partition: span.partition,
        });
        await batch.retryLater();
      }
    })().finally(() => {
      this.inFlight.delete(running);
      this.wakeUp();
    });
    this.inFlight.add(running);
  }

  // --- acknowledgement and commits ---------------------------------------------------

  private async acknowledge(span: Span, records: number): Promise<void> {
    const commit = this.tracker.ack(span);
    brokerCount('acknowledged', 'kafka', records);
    if (commit === undefined) return;
    this.commits.want(span.partition, commit);
    await this.commits.flush();
  }

  private handBack(span: Span): void {
    const seekTo = this.tracker.retry(span);
    if (seekTo === undefined) return; // stale: revoked or already superseded
    try {
      this.consumer.seek({ topic: this.topic, partition: span.partition, offset: String(seekTo) });
    } catch (error) {
      // Not running (restarting): the restart fetches from the committed offset anyway.
      this.log.debug('seek failed', { error: errorChain(error) });
    }
  }

  // --- group membership -----------------------------------------------------------

  private onJoin(memberId: string, partitions: readonly number[]): void {
    this.generation++;
    this.isConnected = true;
    const assigned = new Set(partitions);
    if (memberId !== this.memberId) {
      // A new member id: this process was fenced out or restarted, so another member may
      // have owned every partition in between. Forget everything in flight.
      this.tracker.revokeAll();
      this.commits.clear();
    } else {
      for (const p of this.tracker.activePartitions()) {
        if (!assigned.has(p)) {
          this.tracker.revoke(p);
          continue;
        }
        // Kept partition: kafkajs restarts from the committed offset; continue after the
        // chunks still in flight instead of fetching them a second time.
        const next = this.tracker.nextFetch(p);
        if (next !== undefined) this.consumer.seek({ topic: this.topic, partition: p, offset: String(next) });
      }
      this.commits.keepOnly(assigned);
    }
    this.memberId = memberId;
    this.assigned = assigned;
    this.log.debug('joined the group', { partitions: [...assigned] });
    if (this.paused || this.closing) this.kafkaPause();
    if (this.commits.size > 0) void this.commits.flush();
    this.wakeUp();
  }

  private onCrash(error: Error, restart: boolean): void {
    this.isConnected = false;
    this.tracker.revokeAll();
    this.commits.clear();
    if (this.closing) return;
    const e = asBrokerError(error, 'Kafka consumer crashed');
    if (restart) {
      this.log.warn('Kafka consumer lost its connection; reconnecting', { error: errorChain(error) });
      return;
    }
    if (!e.retriable) {
      this.log.error(e.message, e.hint ? { hint: e.hint } : undefined);
      this.finish?.reject(e);
      this.finish = undefined;
      void this.close();
      return;
    }
    // kafkajs gave up (for example the broker stayed away longer than its retries):
    // start again ourselves, with backoff, until close().
    void this.restart();
  }

  private async restart(): Promise<void> {
    this.restarts++;
    const delay = backoffDelay(this.restarts, { initialMs: 500, maxMs: 10_000 });
    this.log.warn('restarting the Kafka consumer', { inMs: delay });
    await sleep(delay);
    if (this.closing) return;
    brokerCount('reconnects', 'kafka');
    try {
      await this.consumer.connect();
      await this.runFetchLoop();
      this.restarts = 0;
    } catch (error) {
      this.log.warn('Kafka consumer restart failed', { error: errorChain(error) });
      if (!this.closing) void this.restart();
    }
  }

  private kafkaPause(): void {
    try {
      this.consumer.pause([{ topic: this.topic }]);
    } catch {
      // Not running yet or restarting: onJoin applies the current state.
    }
  }

  // --- shutdown -------------------------------------------------------------------

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.kafkaPause();
    this.wakeUp();
    const deadline = sleep(this.closeTimeoutMs).then(() => 'timeout' as const);
    const drained = Promise.allSettled([...this.inFlight]).then(() => 'drained' as const);
    if ((await Promise.race([drained, deadline])) === 'timeout') {
      this.log.warn('closing with batches still in flight; they will be redelivered', {
        batches: this.inFlight.size,
      });
    }
    // Acks after this point commit nothing. The final commit and leaving the group are
    // bounded too: with the broker unreachable they would wait for kafkajs's retries.
    const bounded = (work: Promise<void>) => Promise.race([work, sleep(10_000)]);
    await bounded(this.commits.flush());
    this.tracker.revokeAll();
    await bounded(this.shutdownClients());
    this.finish?.resolve();
    this.finish = undefined;
  }

  private async shutdownClients(): Promise<void> {
    this.isConnected = false;
    await this.consumer
      .disconnect()
      .catch((e: unknown) => this.log.debug('disconnect failed', { error: errorChain(e) }));
    await this.deadLetters.close();
    await this.admin?.disconnect().catch(() => {});
  }
}
