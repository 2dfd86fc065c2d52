import type { OutboundRecord } from '@sluice/core';
import type { Redis } from 'ioredis';
import { brokerCount } from '../metrics.js';
import { choiceOption, numberOption } from '../options.js';
import { closeRedis, connectOnce, createRedis, execWrites } from '../redis/connection.js';
import { packElements } from '../redis/elements.js';
import type { BrokerTarget, Producer, ProducerOptions } from '../types.js';
import { encodeBeatsEvent, encodeEnvelope } from '../wire.js';
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
  private readonly encode: (record: OutboundRecord) => string;
  private readonly maxLen: number | undefined;
  private readonly connect: () => Promise<void>;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisStreamProducerOptions = {},
  ) {
    const format = choiceOption(target, 'format', options.format, 'sluice', ['sluice', 'beats'] as const);
    this.encode = format === 'beats' ? encodeBeatsEvent : encodeEnvelope;
    const maxLen = numberOption(target, 'maxLen', options.maxLen, 0, 0, Number.MAX_SAFE_INTEGER);
    this.maxLen = maxLen > 0 ? maxLen : undefined;
    // A publish fails after a few attempts instead of queueing forever: the shipper owns retries.
    this.client = createRedis(target, { maxRetriesPerRequest: 3 });
    this.connect = connectOnce(this.client, target);
  }

  async publish(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const pipeline = this.client.pipeline();
    const key = this.target.stream;
    // Buffers, not strings: see packElements.
    for (const data of packElements(records.map(this.encode))) {
      if (this.maxLen === undefined) pipeline.xadd(key, '*', ENTRY_FIELD, data);
      else pipeline.xadd(key, 'MAXLEN', '~', this.maxLen, '*', ENTRY_FIELD, data);
    }
    await execWrites(pipeline, this.target, 'XADD');
    brokerCount('published', STREAM_BACKEND, records.length);
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
