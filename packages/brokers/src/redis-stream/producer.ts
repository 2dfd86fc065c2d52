import type { OutboundRecord } from '@sluice/core';
import type { Redis } from 'ioredis';
import { brokerCount } from '../metrics.js';
import { choiceOption, numberOption } from '../options.js';
import { closeRedis, connectOnce, createRedis, redisError } from '../redis/connection.js';
import { commandPrefix, EncodedCommand, encodeEach } from '../redis/resp.js';
import type { BrokerTarget, Producer, ProducerOptions } from '../types.js';
import { type EventBytesWriter, writeBeatsEventUtf8, writeEnvelopeUtf8 } from '../wire.js';
import { ENTRY_FIELD, STREAM_BACKEND } from './entry.js';

export interface RedisStreamProducerOptions extends ProducerOptions {
  /**
   * Trim the stream to about this many entries on every XADD (`MAXLEN ~`). Off by default:
   * trimming deletes entries whether or not a consumer group has read them, so a cap below
   * the backlog loses data. `?maxLen=` on the URL.
   */
  readonly maxLen?: number;
}

/**
 * XADDs one entry per record, field `data` holding the same JSON event a Redis list element
 * holds (Sluice envelope, or `?format=beats`). All XADDs of one publish go in one pipeline;
 * `publish` resolves when Redis replied to every one (durability as for lists: the server's
 * AOF settings decide).
 */
export class RedisStreamProducer implements Producer {
  private readonly client: Redis;
  private readonly writeEvent: EventBytesWriter;
  /** Each XADD's RESP up to its event (commandPrefix). */
  private readonly prefix: Buffer;
  private readonly connect: () => Promise<void>;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisStreamProducerOptions = {},
  ) {
    const format = choiceOption(target, 'format', options.format, 'sluice', ['sluice', 'beats'] as const);
    this.writeEvent = format === 'beats' ? writeBeatsEventUtf8 : writeEnvelopeUtf8;
    const maxLen = numberOption(target, 'maxLen', options.maxLen, 0, 0, Number.MAX_SAFE_INTEGER);
    // The arguments ioredis's xadd(key, [MAXLEN ~ n,] '*', 'data', event) sent, as RESP.
    this.prefix = commandPrefix([
      'xadd',
      target.stream,
      ...(maxLen > 0 ? ['MAXLEN', '~', maxLen] : []),
      '*',
      ENTRY_FIELD,
    ]);
    // A publish fails after a few attempts instead of queueing forever: the shipper owns retries.
    this.client = createRedis(target, { maxRetriesPerRequest: 3 });
    this.connect = connectOnce(this.client, target);
  }

  async publish(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    // Every XADD's RESP written here, the events straight into it (as the list producer
    // does, resp.ts); each is still its own command in ioredis's pipeline, one reply each.
    // Through pipeline.xadd, ioredis built every command from its arguments, which cost more
    // than writing the events.
    const ends: number[] = [];
    const wire = encodeEach(this.prefix, records, this.writeEvent, 512, ends);
    // Each XADD is its own command (a reply each), sent with the socket corked so that they
    // leave in one write; a pipeline would first have copied them all into one more Buffer.
    const replies: Promise<unknown>[] = [];
    const socket = this.client.stream;
    socket?.cork();
    try {
      let start = 0;
      for (const end of ends) {
        const command = new EncodedCommand('xadd', wire.subarray(start, end));
        this.client.sendCommand(command);
        replies.push(command.promise);
        start = end;
      }
    } finally {
      socket?.uncork();
    }
    const settled = await Promise.allSettled(replies);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw redisError(this.target, 'XADD', failed.reason);
    brokerCount('published', STREAM_BACKEND, records.length);
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
