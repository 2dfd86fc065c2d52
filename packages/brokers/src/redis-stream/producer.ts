import type { OutboundRecord } from '@sluice/core';
import type { Redis } from 'ioredis';
import { brokerCount } from '../metrics.js';
import { choiceOption, numberOption } from '../options.js';
import { closeRedis, connectOnce, createRedis, redisError } from '../redis/connection.js';
import {
  CommandBuffers,
  commandPrefix,
  EncodedCommand,
  encodeCommand,
  encodeEach,
  sendInChunks,
} from '../redis/resp.js';
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
  /** Entries per EVAL of the XADD script. Default 1000. */
  readonly pushChunk?: number;
}

/**
 * `XADD KEYS[1] [MAXLEN ~ ARGV[1]] * data ARGV[i]` for every ARGV after the first, in order:
 * the entries one XADD each would write. Returns how many it added.
 */
const XADD_ALL = `local cap = tonumber(ARGV[1])
for i = 2, #ARGV do
  if cap > 0 then redis.call('XADD', KEYS[1], 'MAXLEN', '~', cap, '*', '${ENTRY_FIELD}', ARGV[i])
  else redis.call('XADD', KEYS[1], '*', '${ENTRY_FIELD}', ARGV[i]) end
end
return #ARGV - 1`;

/** Why a server refuses EVAL itself (an ACL user without @scripting, scripting disabled): nothing ran. */
const NO_SCRIPTS = /^(NOPERM|ERR unknown command)/;

/**
 * XADDs one entry per record, field `data` holding the same JSON event a Redis list element
 * holds (Sluice envelope, or `?format=beats`): a Lua script does the XADDs of up to `pushChunk`
 * records per EVAL, or, where the server refuses EVAL, one XADD per record. All of one publish go in one pipeline;
 * `publish` resolves when Redis replied to every one (durability as for lists: the server's
 * AOF settings decide).
 */
export class RedisStreamProducer implements Producer {
  private readonly client: Redis;
  private readonly writeEvent: EventBytesWriter;
  /** Each XADD's RESP up to its event (commandPrefix). */
  private readonly prefix: Buffer;
  private readonly maxLen: number;
  private readonly chunk: number;
  /** False once the server refused EVAL: then one XADD per record, as before. */
  private scripts = true;
  private readonly buffers = new CommandBuffers();
  private readonly connect: () => Promise<void>;

  constructor(
    private readonly target: BrokerTarget,
    options: RedisStreamProducerOptions = {},
  ) {
    const format = choiceOption(target, 'format', options.format, 'sluice', ['sluice', 'beats'] as const);
    this.writeEvent = format === 'beats' ? writeBeatsEventUtf8 : writeEnvelopeUtf8;
    const maxLen = numberOption(target, 'maxLen', options.maxLen, 0, 0, Number.MAX_SAFE_INTEGER);
    this.maxLen = maxLen;
    this.chunk = numberOption(target, 'pushChunk', options.pushChunk, 1_000, 1, 100_000);
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
    if (this.scripts) {
      try {
        await this.addByScript(records);
        brokerCount('published', STREAM_BACKEND, records.length);
        return;
      } catch (error) {
        // EVAL refused before anything ran: this server or user takes plain XADDs only.
        if (!NO_SCRIPTS.test((error as Error | undefined)?.message ?? '')) throw error;
        this.scripts = false;
      }
    }
    await this.addEach(records);
    brokerCount('published', STREAM_BACKEND, records.length);
  }

  /**
   * One EVAL of XADD_ALL per `pushChunk` records, its RESP written here with the events
   * straight into it (resp.ts). One command per entry cost the shipper more than writing the
   * events: a Command, a queue slot, a promise and a parsed reply each, in ioredis.
   */
  private async addByScript(records: readonly OutboundRecord[]): Promise<void> {
    const args = ['EVAL', XADD_ALL, 1, this.target.stream, this.maxLen];
    const settled = await sendInChunks(
      this.client,
      'eval',
      records,
      this.chunk,
      this.buffers,
      (chunk, reuse) => encodeCommand(args, chunk, this.writeEvent, 512, reuse),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed === undefined) return;
    // Only the first command can be the one a server without scripts refused: say so as it is.
    if (settled[0]?.status === 'rejected' && NO_SCRIPTS.test(String((settled[0].reason as Error)?.message)))
      throw settled[0].reason;
    throw redisError(this.target, 'XADD', failed.reason);
  }

  private async addEach(records: readonly OutboundRecord[]): Promise<void> {
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
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
