import type { OutboundRecord } from '@sluice/core';
import type { Redis } from 'ioredis';
import { brokerCount } from '../metrics.js';
import { choiceOption, numberOption } from '../options.js';
import type { BrokerTarget, Producer, ProducerOptions } from '../types.js';
import { encodeBeatsEvent, encodeEnvelope } from '../wire.js';
import { closeRedis, connectRedis, createRedis, redisError } from './connection.js';

export interface RedisProducerOptions extends ProducerOptions {
  /** Elements per RPUSH command; all commands of one publish go in one pipeline. Default 1000. */
  readonly pushChunk?: number;
}

/**
 * RPUSHes one JSON event per record (Sluice envelope, or `?format=beats` for lists that
 * Logstash also reads). `publish` resolves when Redis replied to every RPUSH; what that
 * means for durability depends on the server's AOF settings (see README).
 */
export class RedisProducer implements Producer {
  private readonly client: Redis;
  private readonly encode: (record: OutboundRecord) => string;
  private readonly chunk: number;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisProducerOptions = {},
  ) {
    const format = choiceOption(target, 'format', options.format, 'sluice', ['sluice', 'beats'] as const);
    this.encode = format === 'beats' ? encodeBeatsEvent : encodeEnvelope;
    this.chunk = numberOption(target, 'pushChunk', options.pushChunk, 1_000, 1, 100_000);
    // A publish fails after a few attempts instead of queueing forever: the shipper owns retries.
    this.client = createRedis(target, { maxRetriesPerRequest: 3 });
  }

  async publish(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.connecting ??= connectRedis(this.client, this.target).catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
    const pipeline = this.client.pipeline();
    for (let i = 0; i < records.length; i += this.chunk) {
      pipeline.rpush(this.target.stream, ...records.slice(i, i + this.chunk).map(this.encode));
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      throw redisError(this.target, 'RPUSH', error);
    }
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw redisError(this.target, 'RPUSH', failed?.[0] ?? 'pipeline aborted');
    brokerCount('published', 'redis', records.length);
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
