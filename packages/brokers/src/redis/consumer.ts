import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  createLogger,
  errorChain,
  type InboundRecord,
  type Logger,
  type PayloadPoison,
  type RawPayloads,
} from '@sluice/core';
import type { Redis } from 'ioredis';
import { decodeFrame, isFramePayload, MAX_FRAME_LINES } from '../frame.js';
import { runInFlight, WakeUp } from '../in-flight.js';
import { brokerCount, recordLag } from '../metrics.js';
import { numberOption } from '../options.js';
import { PayloadBatch } from '../payload-batch.js';
import { packPayloads, payloadBytes } from '../payloads.js';
import type { BrokerTarget, Consumer, ConsumerOptions, InboundBatch, LagSample } from '../types.js';
import { decodePayload, isPoison } from '../wire.js';
import { connectOnce, createRedis } from './connection.js';
import { runRedisFetchLoop } from './fetch-loop.js';
import { type RedisKeys, redisKeys } from './keys.js';
import {
  ACK,
  DEAD_LETTER,
  GIVE_BACK,
  LAG,
  RECLAIM,
  RECOVER,
  type Script,
  scriptCommand,
  TAKE,
  TAKE_PACKED,
} from './scripts.js';

export interface RedisConsumerOptions extends ConsumerOptions {
  /** TTL of this consumer's heartbeat key; after it lapses, others reclaim its records. Default 30 000 ms (`?heartbeatMs=`). */
  readonly heartbeatMs?: number;
  /** How often each consumer looks for dead consumers to reclaim from. Default `heartbeatMs` (`?reclaimIntervalMs=`). */
  readonly reclaimIntervalMs?: number;
  /** Longest BLMOVE wait on an empty list; bounds how fast pause/close take effect. Default 1 000 ms (`?blockMs=`). */
  readonly blockMs?: number;
  readonly logger?: Logger;
}

/**
 * The reliable-queue consumer (see scripts.ts and keys.ts for the invariants): each batch
 * moves from the main list into a processing list of its own, registered under this
 * consumer, and leaves it only when acknowledged (DEL), handed back (to the head of the
 * main list, order kept) or dead-lettered. If this consumer dies, its heartbeat key
 * expires and another consumer's reclaimer returns its batches. At-least-once: a crash at
 * any point leaves every unacknowledged record in a list.
 */
export class RedisConsumer implements Consumer {
  readonly consumerId: string;
  private readonly keys: RedisKeys;
  private readonly batchesKey: string;
  private readonly deadLetterKey: string;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly heartbeatMs: number;
  private readonly reclaimMs: number;
  private readonly blockSeconds: number;
  /** Batches go to the handler undecoded (InboundBatch.raw), list elements as Buffers. */
  private readonly raw: boolean;
  private readonly log: Logger;
  private readonly client: Redis;
  private readonly blocking: Redis;
  private readonly scripts: Record<
    'take' | 'ack' | 'giveBack' | 'deadLetter' | 'reclaim' | 'recover' | 'lag',
    Script
  >;
  private readonly inFlight = new Set<RedisBatch>();
  private seq = 0;
  /** Records per list element in the last batch (above 1 when producers write frames). */
  private linesPerElement = 1;
  private paused = false;
  private closing = false;
  private running: Promise<void> | undefined;
  private readonly wakeUp = new WakeUp();
  private needsRecovery = false;
  private readonly connect: () => Promise<void>;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisConsumerOptions = {},
  ) {
    this.keys = redisKeys(target.stream);
    this.consumerId =
      options.consumerId ??
      `${options.group ?? 'sluice'}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.batchesKey = this.keys.batches(this.consumerId);
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
    this.raw = options.rawPayloads === true;
    // The producer's frame size, when the URL they share says it: bounds the first batch,
    // before the consumer has seen how many lines an element holds.
    this.linesPerElement = numberOption(target, 'linesPerMessage', undefined, 1, 1, MAX_FRAME_LINES);
    this.log =
      options.logger ??
      createLogger({}, { component: 'redis-consumer', list: target.stream, consumer: this.consumerId });
    // Commands wait through a disconnect instead of failing: the consumer's work is all
    // in Redis, so waiting is safe and a reconnect resumes where it stopped.
    this.client = createRedis(target, {
      maxRetriesPerRequest: null,
      connectionName: `sluice-${this.consumerId}`,
    });
    this.connect = connectOnce(this.client, target);
    this.blocking = createRedis(target, {
      maxRetriesPerRequest: null,
      connectionName: `sluice-blmove-${this.consumerId}`,
    });
    const script = (name: string, lua: string, replies: 'text' | 'bytes' = 'text'): Script =>
      scriptCommand(this.client, name, lua, replies);
    this.scripts = {
      // Raw batches take the elements as one string of bytes and their lengths: one reply
      // buffer per batch, not a Buffer per element, and the workers decode them.
      take: this.raw ? script('sluiceTakePacked', TAKE_PACKED, 'bytes') : script('sluiceTake', TAKE),
      ack: script('sluiceAck', ACK),
      giveBack: script('sluiceGiveBack', GIVE_BACK),
      deadLetter: script('sluiceDeadLetter', DEAD_LETTER),
      reclaim: script('sluiceReclaim', RECLAIM),
      recover: script('sluiceRecover', RECOVER),
      lag: script('sluiceLag', LAG),
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
    this.wakeUp.wake();
  }

  async lag(): Promise<LagSample[]> {
    await this.connect();
    const lag = Number(
      await this.scripts.lag([this.keys.main, this.keys.consumers], [this.keys.batches('')]),
    );
    const samples = [{ stream: this.target.stream, lag }];
    recordLag('redis', samples);
    return samples;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeUp.wake();
    // Interrupts a pending BLMOVE; a record it moved in that instant sits in a registered
    // batch list, returned to the main list by the recovery in the loop's clean-up.
    this.blocking.disconnect();
    // A failed run already reported its error to the caller of run().
    await this.running?.catch(() => {});
    if (!this.running) this.client.disconnect();
  }

  private loop(handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    return runRedisFetchLoop({
      target: this.target,
      log: this.log,
      client: this.client,
      blocking: this.blocking,
      watched: [this.client, this.blocking],
      wakeUp: this.wakeUp,
      connect: () => this.connect(),
      onReconnect: () => {
        this.needsRecovery = true;
        brokerCount('reconnects', 'redis');
        this.log.info('reconnected to Redis');
      },
      closing: () => this.closing,
      waiting: () => this.paused || this.inFlight.size >= this.maxInFlight,
      inFlight: () => this.inFlight.size,
      start: async () => {
        await this.heartbeat();
        // Batches a previous incarnation with the same consumer id left behind.
        await this.recover();
        return [
          setInterval(
            () => void this.heartbeat().catch(() => {}),
            Math.max(100, Math.floor(this.heartbeatMs / 3)),
          ),
          setInterval(() => void this.reclaimDead(), this.reclaimMs),
        ];
      },
      fetch: async () => {
        if (this.needsRecovery) await this.recover();
        return this.raw ? this.takeRaw() : this.take();
      },
      dispatch: async (taken) => {
        if (taken.count === 0) return;
        this.seq++;
        await this.dispatch(taken, handle);
      },
      finish: () => this.deregister(),
    });
  }

  /** Returns what no batch in flight holds and leaves the consumer set; a reclaimer does it otherwise. */
  private async deregister(): Promise<void> {
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
        error: errorChain(error),
      });
    }
  }

  /** About batchSize records' worth of elements in a new batch list: non-blocking first, then one BLMOVE wait on an empty list. */
  private async take(): Promise<Taken> {
    // TAKE registers the batch list in this consumer's set before anything moves into
    // it, so the BLMOVE below never lands a record where a reclaimer would not look.
    const key = this.keys.batch(this.consumerId, this.seq);
    const keys = [this.keys.main, key, this.batchesKey];
    const count = Math.max(1, Math.round(this.batchSize / this.linesPerElement));
    const taken = (await this.scripts.take(keys, [count])) as string[];
    if (taken.length > 0) return { key, count: taken.length, elements: taken };
    const first = await this.blocking.blmove(this.keys.main, key, 'LEFT', 'RIGHT', this.blockSeconds);
    if (first === null) return { key, count: 0, elements: [] };
    const more = count > 1 ? ((await this.scripts.take(keys, [count - 1])) as string[]) : [];
    return { key, count: 1 + more.length, elements: [first, ...more] };
  }

  /** take(), for raw batches: the elements as bytes, packed for the workers (RawPayloads). */
  private async takeRaw(): Promise<Taken> {
    const key = this.keys.batch(this.consumerId, this.seq);
    const keys = [this.keys.main, key, this.batchesKey];
    const count = Math.max(1, Math.round(this.batchSize / this.linesPerElement));
    const shape = {
      codec: 'list',
      stream: this.target.stream,
      origin: `redis:${this.target.stream}`,
    } as const;
    const [bytes, lengths] = (await this.scripts.take(keys, [count])) as [Buffer, Buffer];
    if (lengths.length > 0) {
      const raw = packPayloads([bytes], shape, readLengths(lengths));
      return { key, count: raw.ends.length, raw };
    }
    const first = await this.blocking.blmoveBuffer(this.keys.main, key, 'LEFT', 'RIGHT', this.blockSeconds);
    if (first === null) return { key, count: 0, elements: [] };
    const [more, moreLengths] =
      count > 1
        ? ((await this.scripts.take(keys, [count - 1])) as [Buffer, Buffer])
        : [Buffer.alloc(0), Buffer.alloc(0)];
    const raw = packPayloads([first, more], shape, [first.length, ...readLengths(moreLengths)]);
    return { key, count: raw.ends.length, raw };
  }

  private async dispatch(taken: Taken, handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    const { key, count } = taken;
    brokerCount('consumed', 'redis', count);
    if (taken.raw !== undefined) {
      this.start(new RedisBatch(key, count, this, taken.raw), handle);
      return;
    }
    const origin = `redis:${this.target.stream}`;
    const elements = taken.elements;
    const records: InboundRecord[] = [];
    const poison: string[] = [];
    for (const element of elements) {
      const decoded = isFramePayload(element)
        ? decodeFrame(element, origin)
        : decodePayload(element, { origin, stream: this.target.stream });
      if (Array.isArray(decoded)) {
        for (const record of decoded) records.push(record);
      } else if (isPoison(decoded)) {
        poison.push(element);
        this.log.warn('malformed payload moved to the dead-letter list', {
          reason: decoded.reason,
          deadLetter: this.deadLetterKey,
        });
      } else {
        records.push(decoded);
      }
    }
    // Frames (`?linesPerMessage=N` on the producer) carry many lines per element: take
    // about batchSize records' worth of elements next time, so a batch stays near
    // batchSize records whatever the producer chose (the first batch follows the URL's
    // linesPerMessage, or takes batchSize elements).
    this.linesPerElement = Math.max(1, (records.length + poison.length) / elements.length);
    if (poison.length > 0) {
      const moved = Number(await this.scripts.deadLetter([key, this.deadLetterKey], poison));
      brokerCount('deadLettered', 'redis', moved);
    }
    if (records.length === 0) {
      await this.scripts.ack([key, this.batchesKey], []);
      return;
    }
    this.start(new RedisBatch(key, elements.length - poison.length, this, records), handle);
  }

  private start(batch: RedisBatch, handle: (batch: InboundBatch) => Promise<void>): void {
    runInFlight(batch, this.inFlight, handle, this.log, {
      onHandBackError: (error) =>
        this.log.warn('could not hand back a batch; it returns when this consumer restarts or is reclaimed', {
          error: errorChain(error),
        }),
      onDone: () => this.wakeUp.wake(),
    });
  }

  /**
   * @internal used by RedisBatch: a raw batch's records were decoded (here or in the
   * handler's workers); the next take sizes itself by how many lines an element held.
   */
  decoded(raw: RawPayloads, records: number, poison: readonly PayloadPoison[]): void {
    if (raw.ends.length > 0) this.linesPerElement = Math.max(1, (records + poison.length) / raw.ends.length);
    for (const p of poison) {
      this.log.warn('malformed payload moved to the dead-letter list', {
        reason: p.reason,
        deadLetter: this.deadLetterKey,
      });
    }
  }

  /** @internal used by RedisBatch */
  async settle(batch: RedisBatch, how: 'ack' | 'giveBack'): Promise<void> {
    if (how === 'ack') {
      let elements = batch.elements;
      const poison = batch.poison;
      if (poison.length > 0 && batch.raw !== undefined) {
        // Poison found in the workers leaves with the acknowledgement (LREM + RPUSH, so a
        // second try after a failed ACK moves nothing twice).
        const raw = batch.raw;
        const values = poison.map((p) => Buffer.from(payloadBytes(raw, p.payload)));
        const moved = Number(await this.scripts.deadLetter([batch.key, this.deadLetterKey], values));
        brokerCount('deadLettered', 'redis', moved);
        elements -= poison.length;
      }
      const held = Number(await this.scripts.ack([batch.key, this.batchesKey], []));
      brokerCount('acknowledged', 'redis', batch.recordCount);
      if (held < elements) {
        this.log.warn(
          'acknowledged list elements were already reclaimed by another consumer and will be delivered again',
          {
            elements: elements - held,
          },
        );
      }
    } else {
      const returned = Number(await this.scripts.giveBack([batch.key, this.batchesKey, this.keys.main], []));
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
    for (const batch of this.inFlight) if (!batch.settled) tracked.push(batch.key);
    const returned = Number(await this.scripts.recover([this.batchesKey, this.keys.main], tracked));
    if (returned > 0) {
      brokerCount('redelivered', 'redis', returned);
      this.log.info('returned records no batch in flight holds to the main list', { records: returned });
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
        const keys = [this.keys.heartbeat(id), this.keys.batches(id), this.keys.main, this.keys.consumers];
        const moved = Number(await this.scripts.reclaim(keys, [id]));
        if (moved > 0) {
          brokerCount('redelivered', 'redis', moved);
          this.log.warn('reclaimed records of a consumer whose heartbeat expired', {
            deadConsumer: id,
            records: moved,
          });
        }
      }
    } catch (error) {
      this.log.debug('reclaim pass failed', { error: errorChain(error) });
    }
  }
}

/** A batch list's elements, decoded on this thread later (`elements`) or packed for the workers (`raw`). */
type Taken =
  | { readonly key: string; readonly count: number; readonly elements: string[]; readonly raw?: undefined }
  | { readonly key: string; readonly count: number; readonly raw: RawPayloads };

/** TAKE_PACKED's lengths: one little-endian uint32 per element. */
function readLengths(packed: Buffer): number[] {
  const out = new Array<number>(packed.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = packed.readUInt32LE(i * 4);
  return out;
}

class RedisBatch extends PayloadBatch {
  constructor(
    /** The batch's own processing list (decoded batches: poison already moved out). */
    readonly key: string,
    /** List elements in that list: records, or frames of several records each. */
    readonly elements: number,
    private readonly consumer: RedisConsumer,
    from: RawPayloads | readonly InboundRecord[],
  ) {
    super(from);
  }

  protected override onDecoded(raw: RawPayloads, records: number, poison: readonly PayloadPoison[]): void {
    this.consumer.decoded(raw, records, poison);
  }

  protected settleWith(how: 'ack' | 'giveBack'): Promise<void> {
    return this.consumer.settle(this, how);
  }
}
