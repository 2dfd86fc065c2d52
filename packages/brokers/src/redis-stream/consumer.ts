import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createLogger, errorChain, type InboundRecord, type Logger, type RawPayloads } from '@sluice/core';
import type { Redis } from 'ioredis';
import { runInFlight, WakeUp } from '../in-flight.js';
import { brokerCount, recordLag } from '../metrics.js';
import { booleanOption, numberOption } from '../options.js';
import { PayloadBatch } from '../payload-batch.js';
import { packPayloads, payloadBytes } from '../payloads.js';
import { connectOnce, createRedis } from '../redis/connection.js';
import { runRedisFetchLoop } from '../redis/fetch-loop.js';
import type { BrokerTarget, Consumer, ConsumerOptions, InboundBatch, LagSample } from '../types.js';
import { isPoison } from '../wire.js';
import { decodeEntry, ENTRY_FIELD, STREAM_BACKEND } from './entry.js';
import { streamLag, trimAcknowledged } from './group.js';

export interface RedisStreamConsumerOptions extends ConsumerOptions {
  /**
   * A pending entry idle this long belongs to a consumer presumed dead, and the others claim
   * it (XAUTOCLAIM). A live consumer refreshes its in-flight entries every third of this, so
   * a slow Elasticsearch never makes them claimable. Default 30 000 ms (`?claimIdleMs=`).
   */
  readonly claimIdleMs?: number;
  /**
   * An entry delivered this many times unacknowledged is dead-lettered instead of delivered again: a record
   * that kills every consumer that takes it cannot loop forever. Default 10 (`?maxDeliveries=`).
   */
  readonly maxDeliveries?: number;
  /** Longest XREADGROUP wait on an idle stream; bounds how fast pause/close take effect. Default 1 000 ms (`?blockMs=`). */
  readonly blockMs?: number;
  /**
   * Trim entries every group has acknowledged (XTRIM MINID), so an acknowledged stream does
   * not grow forever, as an acknowledged list element is gone. Default true (`?trim=false`
   * keeps the history, for readers outside consumer groups).
   */
  readonly trim?: boolean;
  readonly logger?: Logger;
}

type Entry = readonly [id: string, fields: string[]];
type ReadReply = Array<[stream: string, entries: Entry[]]> | null;
/** An entry as XREADGROUP sends it with Buffer replies (raw batches). */
type BufferEntry = readonly [id: Buffer, fields: Buffer[]];
type BufferReadReply = Array<[stream: Buffer, entries: BufferEntry[]]> | null;

/**
 * Consumes a Redis stream in a consumer group created on first use (from the stream's start,
 * so what was published before any consumer existed is read). Each batch's entries stay in
 * the group's pending list until XACK, which follows Elasticsearch's acceptance. A consumer
 * that dies leaves its entries pending; after `claimIdleMs` another consumer claims them,
 * and the delivery counter Redis keeps per entry sends a record that keeps killing its
 * consumers to the dead-letter stream after `maxDeliveries`. No scripts, no bookkeeping
 * keys: the server does what lists need Lua for.
 */
export class RedisStreamConsumer implements Consumer {
  readonly consumerId: string;
  private readonly group: string;
  private readonly key: string;
  /** Fresh entries go to the handler undecoded (InboundBatch.raw), read as Buffers. */
  private readonly raw: boolean;
  private readonly deadLetterKey: string;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly claimIdleMs: number;
  private readonly maxDeliveries: number;
  private readonly blockMs: number;
  private readonly trim: boolean;
  private readonly log: Logger;
  private readonly client: Redis;
  private readonly blocking: Redis;
  private readonly inFlight = new Set<StreamBatch>();
  private paused = false;
  private closing = false;
  private claimDue = true;
  private claimCursor = '0-0';
  private running: Promise<void> | undefined;
  private readonly wakeUp = new WakeUp();
  private readonly connect: () => Promise<void>;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisStreamConsumerOptions = {},
  ) {
    this.key = target.stream;
    this.group = options.group ?? 'sluice';
    this.consumerId =
      options.consumerId ?? `${this.group}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.deadLetterKey = options.deadLetter ?? `${target.stream}.dlq`;
    this.batchSize = numberOption(target, 'batchSize', options.batchSize, 500, 1, 100_000);
    this.maxInFlight = numberOption(target, 'maxInFlightBatches', options.maxInFlightBatches, 4, 1, 1_000);
    this.claimIdleMs = numberOption(target, 'claimIdleMs', options.claimIdleMs, 30_000, 300, 86_400_000);
    this.maxDeliveries = numberOption(target, 'maxDeliveries', options.maxDeliveries, 10, 1, 1_000_000);
    this.blockMs = numberOption(target, 'blockMs', options.blockMs, 1_000, 10, 60_000);
    this.trim = options.trim ?? booleanOption(target, 'trim', true);
    this.raw = options.rawPayloads === true;
    this.log =
      options.logger ??
      createLogger({}, { component: 'redis-stream-consumer', stream: this.key, consumer: this.consumerId });
    // Commands wait through a disconnect instead of failing: every entry stays in Redis, so
    // waiting is safe and a reconnect resumes where it stopped.
    this.client = createRedis(target, {
      maxRetriesPerRequest: null,
      connectionName: `sluice-${this.consumerId}`,
    });
    this.connect = connectOnce(this.client, target);
    this.blocking = createRedis(target, {
      maxRetriesPerRequest: null,
      connectionName: `sluice-xread-${this.consumerId}`,
    });
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

  /** Entries the group has not read yet plus entries read and not acknowledged (XINFO GROUPS). */
  async lag(): Promise<LagSample[]> {
    await this.connect();
    const sample = await streamLag(this.client, this.key, this.group);
    const samples = [sample];
    recordLag(STREAM_BACKEND, samples);
    return samples;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeUp.wake();
    // Interrupts a pending XREADGROUP. Entries it delivered in that instant are pending under
    // this consumer and are claimed by another after claimIdleMs: late, never lost.
    this.blocking.disconnect();
    await this.running?.catch(() => {});
    if (!this.running) this.client.disconnect();
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From `0`: a group created after the shipper started still reads everything published.
      await this.client.xgroup('CREATE', this.key, this.group, '0', 'MKSTREAM');
      this.log.info('created consumer group', { group: this.group });
    } catch (error) {
      if (!/BUSYGROUP/.test(String((error as Error).message))) throw error;
    }
  }

  private loop(handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    return runRedisFetchLoop({
      target: this.target,
      log: this.log,
      client: this.client,
      blocking: this.blocking,
      watched: [this.client],
      wakeUp: this.wakeUp,
      connect: () => this.connect(),
      onReconnect: () => {
        brokerCount('reconnects', STREAM_BACKEND);
        this.log.info('reconnected to Redis');
      },
      closing: () => this.closing,
      waiting: () => this.paused || this.inFlight.size >= this.maxInFlight,
      inFlight: () => this.inFlight.size,
      start: async () => {
        await this.ensureGroup();
        return [
          // Keep our own in-flight entries fresh so no one claims them while Elasticsearch is slow.
          setInterval(() => void this.refreshInFlight(), Math.max(100, Math.floor(this.claimIdleMs / 3))),
          setInterval(
            () => {
              this.claimDue = true;
              if (this.trim) void this.trimAcknowledged();
            },
            Math.max(100, Math.floor(this.claimIdleMs / 2)),
          ),
        ];
      },
      fetch: () => this.next(),
      dispatch: async ({ entries, claimed, raw }) => {
        if (raw !== undefined) await this.dispatchRaw(raw, handle);
        else if (entries.length > 0) await this.dispatch(entries, claimed, handle);
      },
      repaired: async (error) => {
        if (!/NOGROUP/.test(String((error as Error).message))) return false;
        // The stream was deleted under us: start again on a new one.
        await this.ensureGroup().catch(() => {});
        return true;
      },
      finish: () => this.leaveGroup(),
    });
  }

  /** Claimed entries of dead consumers first (when a pass is due), else new entries. */
  private async next(): Promise<{ entries: Entry[]; claimed: boolean; raw?: BufferEntry[] }> {
    if (this.claimDue) {
      const entries = await this.claim();
      if (entries.length > 0) return { entries, claimed: true };
    }
    const read = [
      'GROUP',
      this.group,
      this.consumerId,
      'COUNT',
      this.batchSize,
      'BLOCK',
      this.blockMs,
      'STREAMS',
      this.key,
      '>',
    ];
    if (this.raw) {
      const reply = (await this.blocking.callBuffer('XREADGROUP', ...read)) as BufferReadReply;
      const entries = reply?.[0]?.[1] ?? [];
      return entries.length > 0
        ? { entries: [], claimed: false, raw: entries }
        : { entries: [], claimed: false };
    }
    const reply = (await this.blocking.call('XREADGROUP', ...read)) as ReadReply;
    return { entries: reply?.[0]?.[1] ?? [], claimed: false };
  }

  /**
   * One XAUTOCLAIM page of entries idle past claimIdleMs, minus those over the delivery limit
   * (dead-lettered here). The cursor carries over, so successive passes walk the whole
   * pending list; a full page schedules the next pass at once.
   */
  private async claim(): Promise<Entry[]> {
    const reply = (await this.client.xautoclaim(
      this.key,
      this.group,
      this.consumerId,
      this.claimIdleMs,
      this.claimCursor,
      'COUNT',
      this.batchSize,
    )) as [string, Array<Entry | null>, string[]?];
    const [cursor, raw] = reply;
    this.claimCursor = cursor;
    this.claimDue = cursor !== '0-0';
    // Redis 6.2 lists entries deleted since they were read as nil; 7 leaves them out.
    const entries = raw.filter((entry): entry is Entry => entry !== null);
    if (entries.length === 0) return [];
    brokerCount('redelivered', STREAM_BACKEND, entries.length);
    const deliveries = await this.deliveryCounts(entries);
    const keep: Entry[] = [];
    const exhausted: Entry[] = [];
    for (const entry of entries) {
      if ((deliveries.get(entry[0]) ?? 0) > this.maxDeliveries) exhausted.push(entry);
      else keep.push(entry);
    }
    if (exhausted.length > 0) {
      await this.deadLetter(
        exhausted,
        `delivered ${this.maxDeliveries} times without being acknowledged (its consumers died or gave it back each time)`,
      );
    }
    // Handed back by a consumer (retryLater), or left by one that died.
    this.log.info('claimed idle pending entries', {
      entries: entries.length,
      deadLettered: exhausted.length,
    });
    return keep;
  }

  private async deliveryCounts(entries: readonly Entry[]): Promise<Map<string, number>> {
    const first = (entries[0] as Entry)[0];
    const last = (entries[entries.length - 1] as Entry)[0];
    // Our in-flight entries may lie inside the range too; the count leaves room for them.
    let held = 0;
    for (const batch of this.inFlight) held += batch.ids.length;
    const pending = (await this.client.xpending(
      this.key,
      this.group,
      first,
      last,
      entries.length + held,
      this.consumerId,
    )) as Array<[id: string, consumer: string, idleMs: number, deliveries: number]>;
    return new Map(pending.map(([id, , , deliveries]) => [id, Number(deliveries)]));
  }

  private async dispatch(
    entries: readonly Entry[],
    claimed: boolean,
    handle: (batch: InboundBatch) => Promise<void>,
  ): Promise<void> {
    if (!claimed) brokerCount('consumed', STREAM_BACKEND, entries.length);
    const records: InboundRecord[] = [];
    const ids: string[] = [];
    const poison: Entry[] = [];
    let reason = '';
    for (const entry of entries) {
      const decoded = decodeEntry(this.key, entry[0], entry[1]);
      if (isPoison(decoded)) {
        poison.push(entry);
        reason = decoded.reason;
      } else {
        records.push(decoded);
        ids.push(entry[0]);
      }
    }
    if (poison.length > 0) await this.deadLetter(poison, reason);
    if (records.length === 0) return;
    this.start(new StreamBatch(ids, this, records), handle);
  }

  /**
   * Hands fresh entries over undecoded when each is one `data` field (what Sluice writes);
   * a batch with an entry another program wrote (`message` and other fields) is decoded
   * here, as without raw batches.
   */
  private async dispatchRaw(
    entries: readonly BufferEntry[],
    handle: (batch: InboundBatch) => Promise<void>,
  ): Promise<void> {
    const sluiceOnly = entries.every(
      ([, fields]) => fields.length === 2 && (fields[0] as Buffer).equals(DATA_FIELD),
    );
    if (!sluiceOnly) {
      const decoded = entries.map(
        ([id, fields]) => [id.toString('utf8'), fields.map((f) => f.toString('utf8'))] as const,
      );
      await this.dispatch(decoded, false, handle);
      return;
    }
    brokerCount('consumed', STREAM_BACKEND, entries.length);
    const ids = entries.map(([id]) => id.toString('latin1'));
    const raw = packPayloads(
      entries.map(([, fields]) => fields[1] as Buffer),
      { codec: 'stream', stream: this.key, origin: `redis-stream:${this.key}`, coordinates: ids },
    );
    this.start(new StreamBatch(ids, this, raw), handle);
  }

  private start(batch: StreamBatch, handle: (batch: InboundBatch) => Promise<void>): void {
    runInFlight(batch, this.inFlight, handle, this.log, {
      onHandBackError: (error) =>
        this.log.warn('could not hand back a batch; another consumer claims it after claimIdleMs', {
          error: errorChain(error),
        }),
      onDone: () => this.wakeUp.wake(),
    });
  }

  /** Moves entries to the dead-letter stream and acknowledges them, in one transaction. */
  private async deadLetter(entries: readonly Entry[], reason: string): Promise<void> {
    const tx = this.client.multi();
    for (const [id, fields] of entries) {
      const payload = fieldValue(fields, ENTRY_FIELD) ?? JSON.stringify(Object.fromEntries(pairs(fields)));
      tx.xadd(this.deadLetterKey, '*', ENTRY_FIELD, payload, 'reason', reason, 'origin', `${this.key}@${id}`);
    }
    tx.xack(this.key, this.group, ...entries.map(([id]) => id));
    const results = await tx.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error('dead-letter transaction aborted');
    brokerCount('deadLettered', STREAM_BACKEND, entries.length);
    this.log.warn('entries moved to the dead-letter stream', {
      entries: entries.length,
      reason,
      deadLetter: this.deadLetterKey,
    });
  }

  /** @internal used by StreamBatch */
  async settle(batch: StreamBatch, how: 'ack' | 'giveBack'): Promise<void> {
    if (how === 'ack') {
      let ids = batch.ids;
      const raw = batch.raw;
      if (batch.poison.length > 0 && raw !== undefined) {
        // Poison found in the workers leaves with the acknowledgement: dead-lettered and
        // acknowledged in one transaction per reason, the rest acknowledged below.
        const byReason = new Map<string, Entry[]>();
        for (const p of batch.poison) {
          const entry: Entry = [
            batch.ids[p.payload] as string,
            [ENTRY_FIELD, Buffer.from(payloadBytes(raw, p.payload)).toString('utf8')],
          ];
          byReason.set(p.reason, [...(byReason.get(p.reason) ?? []), entry]);
        }
        for (const [reason, entries] of byReason) await this.deadLetter(entries, reason);
        const dead = new Set(batch.poison.map((p) => p.payload));
        ids = batch.ids.filter((_, i) => !dead.has(i));
      }
      const acked = ids.length === 0 ? 0 : Number(await this.client.xack(this.key, this.group, ...ids));
      brokerCount('acknowledged', STREAM_BACKEND, batch.recordCount);
      if (acked < ids.length) {
        this.log.warn('some entries were acknowledged already (claimed and finished by another consumer)', {
          entries: ids.length - acked,
        });
      }
      return;
    }
    // Streams cannot un-deliver: mark the entries idle past the claim threshold, so the next
    // claim pass (ours or any consumer's) takes them at once. JUSTID leaves the counter alone.
    await this.client.xclaim(
      this.key,
      this.group,
      this.consumerId,
      0,
      ...batch.ids,
      'IDLE',
      this.claimIdleMs + 1,
      'JUSTID',
    );
    this.claimDue = true;
  }

  private async refreshInFlight(): Promise<void> {
    const ids: string[] = [];
    for (const batch of this.inFlight) if (!batch.settled) ids.push(...batch.ids);
    if (ids.length === 0) return;
    try {
      // Claiming what we hold resets its idle time; JUSTID leaves the delivery counter alone.
      await this.client.xclaim(this.key, this.group, this.consumerId, 0, ...ids, 'JUSTID');
    } catch (error) {
      this.log.debug('could not refresh in-flight entries', { error: errorChain(error) });
    }
  }

  private async trimAcknowledged(): Promise<void> {
    try {
      await trimAcknowledged(this.client, this.key);
    } catch (error) {
      this.log.debug('trim pass failed', { error: errorChain(error) });
    }
  }

  /** Leaves the group if nothing is pending under this consumer's name (deleting it would orphan such entries). */
  private async leaveGroup(): Promise<void> {
    try {
      if (this.client.status !== 'ready') return;
      const pending = (await this.client.xpending(
        this.key,
        this.group,
        '-',
        '+',
        1,
        this.consumerId,
      )) as unknown[];
      if (pending.length === 0)
        await this.client.xgroup('DELCONSUMER', this.key, this.group, this.consumerId);
    } catch (error) {
      this.log.debug('could not leave the consumer group', { error: errorChain(error) });
    }
  }
}

/** The entry field Sluice writes, as bytes (raw batches compare field names without decoding them). */
const DATA_FIELD = Buffer.from(ENTRY_FIELD);

class StreamBatch extends PayloadBatch {
  constructor(
    /** Entry ids (decoded batches: poison already dead-lettered). */
    readonly ids: readonly string[],
    private readonly consumer: RedisStreamConsumer,
    from: RawPayloads | readonly InboundRecord[],
  ) {
    super(from);
  }

  protected settleWith(how: 'ack' | 'giveBack'): Promise<void> {
    return this.consumer.settle(this, how);
  }
}

function* pairs(fields: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < fields.length; i += 2) yield [fields[i] as string, fields[i + 1] as string];
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (const [key, value] of pairs(fields)) if (key === name) return value;
  return undefined;
}
