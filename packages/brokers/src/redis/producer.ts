import { ConfigError, type OutboundRecord } from '@sluice/core';
import type { Redis } from 'ioredis';
import { encodeFrame, frameGroups, MAX_FRAME_LINES } from '../frame.js';
import { brokerCount } from '../metrics.js';
import { choiceOption, numberOption } from '../options.js';
import type { BrokerTarget, Producer, ProducerOptions } from '../types.js';
import { type EventBytesWriter, writeBeatsEventUtf8, writeEnvelopeUtf8 } from '../wire.js';
import { closeRedis, connectOnce, createRedis, redisError } from './connection.js';
import { CommandBuffers, encodePush, sendInChunks, type Utf8Writer, writeString } from './resp.js';

export interface RedisProducerOptions extends ProducerOptions {
  /** Elements per RPUSH command; all commands of one publish are sent before any reply is awaited. Default 1000. */
  readonly pushChunk?: number;
  /**
   * Lines per list element: above 1, records travel in frames of up to this many
   * (frame.ts; README "Frames"), which only Sluice consumers read. Default 1: one JSON
   * event per element, as Filebeat and Logstash write. URL: `?linesPerMessage=`.
   */
  readonly linesPerMessage?: number;
}

/** Line text per frame, at most: one element stays far below what a consumer batch should hold. */
const MAX_FRAME_CHARS = 256 * 1024;

/**
 * RPUSHes one JSON event per record (Sluice envelope, or `?format=beats` for lists that
 * Logstash also reads), or frames of `?linesPerMessage=N` records. `publish` resolves when Redis replied to every RPUSH; what that
 * means for durability depends on the server's AOF settings (see README).
 */
export class RedisProducer implements Producer {
  private readonly client: Redis;
  private readonly writeEvent: EventBytesWriter;
  private readonly chunk: number;
  private readonly linesPerMessage: number;
  private readonly connect: () => Promise<void>;
  private readonly buffers = new CommandBuffers();

  constructor(
    private readonly target: BrokerTarget,
    options: RedisProducerOptions = {},
  ) {
    const format = choiceOption(target, 'format', options.format, 'sluice', ['sluice', 'beats'] as const);
    this.writeEvent = format === 'beats' ? writeBeatsEventUtf8 : writeEnvelopeUtf8;
    this.chunk = numberOption(target, 'pushChunk', options.pushChunk, 1_000, 1, 100_000);
    this.linesPerMessage = numberOption(
      target,
      'linesPerMessage',
      options.linesPerMessage,
      1,
      1,
      MAX_FRAME_LINES,
    );
    if (this.linesPerMessage > 1 && format === 'beats')
      throw new ConfigError(
        'broker option linesPerMessage must be 1 with format=beats (Logstash reads one event per element)',
      );
    // A publish fails after a few attempts instead of queueing forever: the shipper owns retries.
    this.client = createRedis(target, { maxRetriesPerRequest: 3 });
    this.connect = connectOnce(this.client, target);
  }

  async publish(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    if (this.linesPerMessage === 1) await this.push(records, this.writeEvent, 512);
    else {
      const frames = frameGroups(records, this.linesPerMessage, MAX_FRAME_CHARS).map(encodeFrame);
      await this.push(frames, writeString, (frames[0] as string).length);
    }
    brokerCount('published', 'redis', records.length);
  }

  /**
   * One RPUSH per `pushChunk` elements, its RESP written here (resp.ts), every element UTF-8
   * encoded once, straight into it. All are sent before any reply is awaited; every reply is
   * awaited, and any failure fails the whole publish.
   */
  private async push<T>(items: readonly T[], write: Utf8Writer<T>, bytesPerItem: number): Promise<void> {
    const settled = await sendInChunks(
      this.client,
      'rpush',
      items,
      this.chunk,
      this.buffers,
      (chunk, reuse) => encodePush('RPUSH', this.target.stream, chunk, write, bytesPerItem, reuse),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw redisError(this.target, 'RPUSH', failed.reason);
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
