import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelay,
  createLogger,
  errorMessage,
  type InboundRecord,
  type Logger,
  type SluiceError,
} from '@sluice/core';
import type { Redis } from 'ioredis';
import { brokerCount, recordLag } from '../metrics.js';
import { numberOption } from '../options.js';
import type { BrokerTarget, Consumer, ConsumerOptions, InboundBatch, LagSample } from '../types.js';
import { decodePayload, isPoison } from '../wire.js';
import { connectRedis, createRedis, redisError } from './connection.js';
import { type RedisKeys, redisKeys } from './keys.js';
import { ACK, DEAD_LETTER, GIVE_BACK, LAG, RECLAIM, RECOVER_ORPHANS, TAKE } from './scripts.js';

export interface RedisConsumerOptions extends ConsumerOptions {
  /** TTL of this consumer's heartbeat key; after it lapses, others reclaim its records. Default 30 000 ms (`?heartbeatMs=`). */
  readonly heartbeatMs?: number;
  /** How often each consumer looks for dead consumers to reclaim from. Default `heartbeatMs` (`?reclaimIntervalMs=`). */
  readonly reclaimIntervalMs?: number;
  /** Longest BLMOVE wait on an empty list; bounds how fast pause/close take effect. Default 1 000 ms (`?blockMs=`). */
  readonly blockMs?: number;
  readonly logger?: Logger;
}

type Script = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * The reliable-queue consumer (see scripts.ts for the invariants): records move from the
 * main list into this consumer's processing list, stay there until acknowledged, and go
 * back to the head of the main list if handed back or if this consumer dies (heartbeat
 * key expires, another consumer's reclaimer returns them). At-least-once: a crash at any
 * point leaves every unacknowledged record in a list.
 */
export class RedisConsumer implements Consumer {
  readonly consumerId: string;
  private readonly keys: RedisKeys;
  private readonly processingKey: string;
  private readonly deadLetterKey: string;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly heartbeatMs: number;
  private readonly reclaimMs: number;
  private readonly blockSeconds: number;
  private readonly log: Logger;
  private readonly client: Redis;
  private readonly blocking: Redis;
  private readonly scripts: Record<
    'take' | 'ack' | 'giveBack' | 'deadLetter' | 'reclaim' | 'recover' | 'lag',
    Script
  >;
  private readonly inFlight = new Set<RedisBatch>();
  private paused = false;
  private closing = false;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private needsRecovery = false;
  private timers: NodeJS.Timeout[] = [];
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisConsumerOptions = {},
  ) {
    this.keys = redisKeys(target.stream);
    this.consumerId =
      options.consumerId ??
      `${options.group ?? 'sluice'}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.processingKey = this.keys.processing(this.consumerId);
    this.deadLetterKey = options.deadLetter ?? `${target.stream}.dlq`;
    this.batchSize = numberOption(target, 'batchSize', options.batchSize, 500, 1, 100_000);
    this.maxInFlight = numberOption(target, 'maxInFlightBatches', options.maxInFlightBatches, 4, 1, 1_000);
    this.heartbeatMs = numberOption(target, 'heartbeatMs', options.heartbeatMs, 30_000, 300, 3_600_000);
    this.reclaimMs = numberOption(
      target,
      'reclaimIntervalMs',
      options.reclaimIntervalMs,
      this.heartbeatMs,
      100,
      3_600_000,
    );
    this.blockSeconds = numberOption(target, 'blockMs', options.blockMs, 1_000, 10, 60_000) / 1_000;
    this.log =
      options.logger ??
      createLogger({}, { component: 'redis-consumer', list: target.stream, consumer: this.consumerId });
    // Commands wait through a disconnect instead of failing: the consumer's work is all
    // in Redis, so waiting is safe and a reconnect resumes where it stopped.
    this.client = createRedis(target, {
      maxRetriesPerRequest: null,
      connectionName: `sluice-${this.consumerId}`,
    });
    this.blocking = createRedis(target, {
      maxRetriesPerRequest: null,
      connectionName: `sluice-blmove-${this.consumerId}`,
    });
    const script =
      (body: string): Script =>
      (keys, args) =>
        this.client.eval(body, keys.length, ...keys, ...args);
    this.scripts = {
      take: script(TAKE),
      ack: script(ACK),
      giveBack: script(GIVE_BACK),
      deadLetter: script(DEAD_LETTER),
      reclaim: script(RECLAIM),
      recover: script(RECOVER_ORPHANS),
      lag: script(LAG),
    };
  }

  get connected(): boolean {
    return this.client.status === 'ready';
  }

  run(handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    this.running ??= this.loop(handle);
    return this.running;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  async lag(): Promise<LagSample[]> {
    await this.connect();
    const lag = Number(
      await this.scripts.lag([this.keys.main, this.keys.consumers], [this.keys.processingPrefix]),
    );
    const samples = [{ stream: this.target.stream, lag }];
    recordLag('redis', samples);
    return samples;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wake();
    // Interrupts a pending BLMOVE; an element it moved in that instant is an orphan,
    // returned to the main list by the recovery in the loop's clean-up.
    this.blocking.disconnect();
    // A failed run already reported its error to the caller of run().
    await this.running?.catch(() => {});
    if (!this.running) {
      this.client.disconnect();
    }
  }

  private connect(): Promise<void> {
    this.connecting ??= connectRedis(this.client, this.target).catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private waitForWake(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private async loop(handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    await this.connect();
    await connectRedis(this.blocking, this.target).catch((error: unknown) => {
      this.client.disconnect();
      throw error;
    });
    let initialReady = 2;
    const onReady = () => {
      if (initialReady > 0) return;
      this.needsRecovery = true;
      brokerCount('reconnects', 'redis');
      this.log.info('reconnected to Redis');
    };
    this.client.on('ready', onReady);
    this.blocking.on('ready', onReady);
    initialReady = 0;
    let fatal: SluiceError | undefined;
    try {
      await this.heartbeat();
      // Records a previous incarnation with the same consumer id left behind.
      await this.recover();
      this.timers.push(
        setInterval(
          () => void this.heartbeat().catch(() => {}),
          Math.max(100, Math.floor(this.heartbeatMs / 3)),
        ),
      );
      this.timers.push(setInterval(() => void this.reclaimDead(), this.reclaimMs));
      let failures = 0;
      while (!this.closing) {
        if (this.paused || this.inFlight.size >= this.maxInFlight) {
          await this.waitForWake();
          continue;
        }
        try {
          if (this.needsRecovery) await this.recover();
          const elements = await this.take();
          failures = 0;
          if (elements.length > 0) await this.dispatch(elements, handle);
        } catch (error) {
          const mapped = redisError(this.target, 'fetch', error);
          if (this.closing) break;
          if (!mapped.retriable) {
            fatal = mapped;
            break;
          }
          failures++;
          this.log.warn('fetch failed; retrying', { error: mapped.message });
          await sleep(backoffDelay(failures, { initialMs: 100, maxMs: 5_000 }));
        }
      }
    } finally {
      // Drain: every in-flight batch is acknowledged or handed back before we leave.
      while (this.inFlight.size > 0) await this.waitForWake();
      for (const timer of this.timers) clearInterval(timer);
      this.timers = [];
      this.client.off('ready', onReady);
      this.blocking.off('ready', onReady);
      this.blocking.disconnect();
      try {
        if (this.client.status === 'ready') {
          await this.recover();
          await this.client
            .multi()
            .del(this.keys.heartbeat(this.consumerId))
            .srem(this.keys.consumers, this.consumerId)
            .exec();
        }
      } catch (error) {
        this.log.warn('could not deregister; another consumer will reclaim after the heartbeat expires', {
          error: errorMessage(error),
        });
      }
      await this.client.quit().catch(() => this.client.disconnect());
    }
    if (fatal) throw fatal;
  }

  /** Up to batchSize elements: non-blocking first, then one BLMOVE wait on an empty list. */
  private async take(): Promise<string[]> {
    const taken = (await this.scripts.take(
      [this.keys.main, this.processingKey],
      [this.batchSize],
    )) as string[];
    if (taken.length > 0) return taken;
    const first = await this.blocking.blmove(
      this.keys.main,
      this.processingKey,
      'LEFT',
      'RIGHT',
      this.blockSeconds,
    );
    if (first === null) return [];
    if (this.batchSize === 1) return [first];
    const more = (await this.scripts.take(
      [this.keys.main, this.processingKey],
      [this.batchSize - 1],
    )) as string[];
    return [first, ...more];
  }

  private async dispatch(elements: string[], handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    brokerCount('consumed', 'redis', elements.length);
    const records: InboundRecord[] = [];
    const kept: string[] = [];
    const poison: string[] = [];
    for (const element of elements) {
      const decoded = decodePayload(element, {
        origin: `redis:${this.target.stream}`,
        stream: this.target.stream,
      });
      if (isPoison(decoded)) {
        poison.push(element);
        this.log.warn('malformed payload moved to the dead-letter list', {
          reason: decoded.reason,
          deadLetter: this.deadLetterKey,
        });
      } else {
        records.push(decoded);
        kept.push(element);
      }
    }
    if (poison.length > 0) {
      const moved = Number(await this.scripts.deadLetter([this.processingKey, this.deadLetterKey], poison));
      brokerCount('deadLettered', 'redis', moved);
    }
    if (records.length === 0) return;
    const batch = new RedisBatch(records, kept, this);
    this.inFlight.add(batch);
    void (async () => {
      try {
        await handle(batch);
      } catch (error) {
        this.log.warn('handler failed; batch handed back for redelivery', {
          error: errorMessage(error),
          records: records.length,
        });
      }
      try {
        // A handler that returns without settling its batch gives it back: nothing stays
        // in a processing list that no one will acknowledge.
        if (!batch.settled) await batch.retryLater();
      } catch (error) {
        this.log.warn('could not hand back a batch; it returns when this consumer restarts or is reclaimed', {
          error: errorMessage(error),
        });
      } finally {
        this.inFlight.delete(batch);
        this.wake();
      }
    })();
  }

  /** @internal used by RedisBatch */
  async settle(batch: RedisBatch, how: 'ack' | 'giveBack'): Promise<void> {
    if (how === 'ack') {
      const removed = Number(await this.scripts.ack([this.processingKey], batch.elements));
      brokerCount('acknowledged', 'redis', batch.elements.length);
      if (removed < batch.elements.length) {
        this.log.warn(
          'some acknowledged records were already reclaimed by another consumer and will be delivered again',
          {
            missing: batch.elements.length - removed,
          },
        );
      }
    } else {
      const returned = Number(
        await this.scripts.giveBack([this.processingKey, this.keys.main], batch.elements),
      );
      brokerCount('redelivered', 'redis', returned);
    }
  }

  private async heartbeat(): Promise<void> {
    await this.client
      .multi()
      .set(this.keys.heartbeat(this.consumerId), '1', 'PX', this.heartbeatMs)
      .sadd(this.keys.consumers, this.consumerId)
      .exec();
  }

  private async recover(): Promise<void> {
    this.needsRecovery = false;
    const tracked: string[] = [];
    for (const batch of this.inFlight) if (!batch.settled) tracked.push(...batch.elements);
    const returned = Number(await this.scripts.recover([this.processingKey, this.keys.main], tracked));
    if (returned > 0) {
      brokerCount('redelivered', 'redis', returned);
      this.log.info('returned untracked records from the processing list to the main list', {
        records: returned,
      });
    }
  }

  /** Guarded by a lock so that of N consumers one scans per interval. */
  private async reclaimDead(): Promise<void> {
    try {
      const locked = await this.client.set(
        this.keys.reclaimLock,
        this.consumerId,
        'PX',
        this.reclaimMs,
        'NX',
      );
      if (locked !== 'OK') return;
      const ids = await this.client.smembers(this.keys.consumers);
      for (const id of ids) {
        if (id === this.consumerId) continue;
        const moved = Number(
          await this.scripts.reclaim(
            [this.keys.heartbeat(id), this.keys.processing(id), this.keys.main, this.keys.consumers],
            [id],
          ),
        );
        if (moved > 0) {
          brokerCount('redelivered', 'redis', moved);
          this.log.warn('reclaimed records of a consumer whose heartbeat expired', {
            deadConsumer: id,
            records: moved,
          });
        }
      }
    } catch (error) {
      this.log.debug('reclaim pass failed', { error: errorMessage(error) });
    }
  }
}

class RedisBatch implements InboundBatch {
  settled = false;
  private settling: Promise<void> | undefined;

  constructor(
    readonly records: readonly InboundRecord[],
    readonly elements: readonly string[],
    private readonly consumer: RedisConsumer,
  ) {}

  ack(): Promise<void> {
    return this.settle('ack');
  }

  retryLater(): Promise<void> {
    return this.settle('giveBack');
  }

  private settle(how: 'ack' | 'giveBack'): Promise<void> {
    // The first decision wins; a second call waits for it instead of undoing it.
    this.settling ??= this.consumer.settle(this, how).then(
      () => {
        this.settled = true;
      },
      (error: unknown) => {
        this.settling = undefined;
        throw error;
      },
    );
    return this.settling;
  }
}
