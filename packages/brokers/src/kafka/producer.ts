import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokerError,
  backoffDelay,
  ConfigError,
  errorChain,
  type Logger,
  type OutboundRecord,
  TAG_TRUNCATED,
} from '@sluice/core';
import {
  CompressionTypes,
  type ISocketFactory,
  Kafka,
  type Producer as KafkaJsProducer,
  type Message,
} from 'kafkajs';
import { frameGroups, MAX_FRAME_LINES } from '../frame.js';
import { brokerCount } from '../metrics.js';
import { isTlsTrustFailure } from '../options.js';
import type { BrokerTarget, Producer, ProducerOptions } from '../types.js';
import { asBrokerError, ensureTopic } from './admin.js';
import { encodeKafkaFrame, encodeKafkaMessage, KAFKA_HEADER, messageSize } from './codec.js';
import { compressionCodec } from './compression.js';
import { connectionSettings, defaultLogger, intOption, kafkaConfig } from './config.js';
import { cachedKeyPartitioner } from './partitioner.js';
import { RecordTailWriter, type TailMessage } from './record-tail.js';

export interface KafkaProducerOptions extends ProducerOptions {
  /**
   * How long a send waits for more records when the producer is idle, in ms (Kafka's
   * `linger.ms`). Default 5. While a send is in flight, records accumulate anyway and go
   * out together when it returns. URL: `?lingerMs=`.
   */
  readonly lingerMs?: number;
  /**
   * Largest message this producer sends; a record whose message would be larger has its line
   * cut to fit and is tagged `sluice.truncated` (the broker would refuse the whole batch).
   * Default 1,000,000, under the broker's default message.max.bytes (1 MiB + 12), as
   * Filebeat's max_message_bytes. Raise both together. URL: `?maxMessageBytes=`.
   */
  readonly maxMessageBytes?: number;
  /** Flush once this many bytes are waiting, and cap one send at it. Default 512 KiB. URL: `?batchBytes=`. */
  readonly batchBytes?: number;
  /**
   * Lines per Kafka message: above 1, the lines of one source travel in frames of up to
   * this many (frame.ts; README "Frames"), which only Sluice consumers read. Default 1:
   * one line per message, readable by any Kafka tool. URL: `?linesPerMessage=`.
   */
  readonly linesPerMessage?: number;
  /** Replication factor for a topic created here; -1 = the broker's default. URL: `?replicationFactor=`. */
  readonly replicationFactor?: number;
  /** How long `close()` waits for queued records to be confirmed. Default 30 000. */
  readonly closeTimeoutMs?: number;
  readonly logger?: Logger;
  /** How connections are opened (kafkajs `socketFactory`): proxies, tunnels, fault injection in tests. */
  readonly socketFactory?: ISocketFactory;
}

interface Pending {
  readonly messages: Message[];
  readonly bytes: number;
  /** Log records in `messages` (more than messages when they are frames). */
  readonly records: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes records to one topic with acks from all in-sync replicas and the idempotent
 * producer (no duplicates from the client's own retries), keyed by source so that one
 * file keeps its order in one partition.
 *
 * Batching: `publish` calls are merged into one produce request while a send is in flight
 * or during the linger; a `publish` resolves only when the broker acknowledged every one
 * of its records (acks=all). Sends go one at a time, which keeps the idempotent producer's
 * ordering guarantee (kafkajs allows only one in-flight request with idempotence).
 */
export class KafkaProducer implements Producer {
  private readonly kafka: Kafka;
  private readonly producer: KafkaJsProducer;
  private readonly topic: string;
  private readonly partitions: number;
  private readonly replicationFactor: number;
  private readonly compression: CompressionTypes;
  private readonly format: 'sluice' | 'beats';
  private readonly linesPerMessage: number;
  private readonly lingerMs: number;
  private readonly batchBytes: number;
  private readonly maxMessageBytes: number;
  private readonly log: Logger;
  private readonly closeTimeoutMs: number;
  private connecting: Promise<void> | undefined;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private sending = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closeDeadline = Number.POSITIVE_INFINITY;
  private requests = 0;
  private recordsSent = 0;
  /**
   * Writes each record's key, value and headers straight into bytes (record-tail.ts) where a
   * message is one record in Sluice's format and records go uncompressed; undefined otherwise
   * (kafkajs's compressing path encodes messages itself).
   */
  private readonly tails: RecordTailWriter | undefined;
  private readonly tailChunks: Buffer[] = [];

  constructor(target: BrokerTarget, options: KafkaProducerOptions = {}) {
    if (target.kind !== 'kafka')
      throw new ConfigError(`KafkaProducer needs a kafka:// target, got ${target.kind}`);
    const o = target.options;
    this.topic = target.stream;
    this.partitions = intOption('partitions', options.partitions ?? o.partitions, 3, 1, 10_000);
    this.replicationFactor = intOption(
      'replicationFactor',
      options.replicationFactor ?? o.replicationFactor,
      -1,
      -1,
      32,
    );
    if (this.replicationFactor === 0)
      throw new ConfigError('Kafka option replicationFactor must be -1 (broker default) or 1-32, got "0"');
    this.lingerMs = intOption('lingerMs', options.lingerMs ?? o.lingerMs, 5, 0, 60_000);
    this.batchBytes = intOption(
      'batchBytes',
      options.batchBytes ?? o.batchBytes,
      512 * 1024,
      1024,
      64 * 1024 * 1024,
    );
    this.maxMessageBytes = intOption(
      'maxMessageBytes',
      options.maxMessageBytes ?? o.maxMessageBytes,
      1_000_000,
      4 * 1024,
      1024 ** 3,
    );
    this.compression = compressionCodec(options.compression ?? o.compression ?? 'none');
    const format = options.format ?? o.format ?? 'sluice';
    if (format !== 'sluice' && format !== 'beats')
      throw new ConfigError(`Kafka option format must be sluice or beats, got "${format}"`);
    this.format = format;
    this.linesPerMessage = intOption(
      'linesPerMessage',
      options.linesPerMessage ?? o.linesPerMessage,
      1,
      1,
      MAX_FRAME_LINES,
    );
    if (this.linesPerMessage > 1 && format === 'beats')
      throw new ConfigError(
        'Kafka option linesPerMessage must be 1 with format=beats (Filebeat and Logstash read one event per message)',
      );
    this.closeTimeoutMs = intOption('closeTimeoutMs', options.closeTimeoutMs, 30_000, 0, 3_600_000);
    this.log = options.logger ?? defaultLogger();
    this.tails =
      this.linesPerMessage === 1 && format === 'sluice' && this.compression === CompressionTypes.None
        ? new RecordTailWriter()
        : undefined;
    this.kafka = new Kafka(kafkaConfig(connectionSettings(target), this.log, options.socketFactory));
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // The idempotent producer must not give up on a batch and send the next one (its
      // sequence numbers would no longer line up), so it retries until the broker is back;
      // `publish` waits meanwhile, which is the backpressure the shipper wants.
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
      allowAutoTopicCreation: false,
      createPartitioner: cachedKeyPartitioner,
    });
  }

  publish(records: readonly OutboundRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new BrokerError('Kafka producer is closed', { retriable: false }));
    if (records.length === 0) return Promise.resolve();
    // Split into pieces of at most batchBytes, so no produce request outgrows the broker's
    // limits (message.max.bytes is 1 MiB by default); the publish resolves when all are acked.
    const pieces: Promise<void>[] = [];
    let messages: Message[] = [];
    let bytes = 0;
    let lines = 0;
    const enqueue = () => {
      const piece = { messages, bytes, records: lines };
      pieces.push(
        new Promise<void>((resolve, reject) => {
          this.queue.push({ ...piece, resolve, reject });
          this.queuedBytes += piece.bytes;
        }),
      );
      messages = [];
      bytes = 0;
      lines = 0;
    };
    // Each message's size, measured once (it was measured again here, per line).
    const sizes: number[] = [];
    const chunks: Buffer[] = [];
    const encoded = this.encode(records, sizes, chunks);
    for (let i = 0; i < encoded.length; i++) {
      const m = encoded[i] as Message;
      const size = sizes[i] as number;
      if (messages.length > 0 && bytes + size > this.batchBytes) enqueue();
      messages.push(m);
      bytes += size;
      lines += linesIn(m);
    }
    enqueue();
    this.schedule();
    // The tails' bytes are read until kafkajs is done with every piece. Only a publish that
    // succeeded gives its chunks back: when a send fails, kafkajs may still have a request for
    // another broker on its way to being encoded from them (its Promise.all rejects at the first
    // failure), so they are left to the garbage collector, unchanged.
    if (chunks.length > 0) {
      const giveBack = () => this.giveChunks(chunks);
      void Promise.all(pieces).then(giveBack, () => undefined);
    }
    return pieces.length === 1 ? (pieces[0] as Promise<void>) : Promise.all(pieces).then(() => undefined);
  }

  /**
   * One message per record with its tail written by `tails`, into chunks of bytes that the
   * publish holds until it settles; a record the writer leaves (odd fields) or whose message
   * would pass maxMessageBytes takes encodeKafkaMessage and `fitted`, as before.
   */
  private encodeTails(
    tails: RecordTailWriter,
    records: readonly OutboundRecord[],
    sizes: number[],
    chunks: Buffer[],
  ): Message[] {
    const messages = new Array<Message>(records.length);
    let chunk = this.takeChunk(chunks, 0);
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as OutboundRecord;
      let end = tails.write(record, chunk, at);
      if (end === -1) {
        // Full: the messages so far keep pointing into this chunk; go on in a new one.
        chunk = this.takeChunk(chunks, record.line.length * 3 + 64 * 1024);
        at = 0;
        end = tails.write(record, chunk, at);
      }
      // The record's own length, attributes and deltas: under 20 bytes. A record the writer
      // leaves (NOT_WRITTEN) or a tail too large for a chunk (-1) takes the old path too.
      const size = end - at + 20;
      if (end < 0 || size > this.maxMessageBytes) {
        messages[i] = this.fitted(record, (x) => encodeKafkaMessage(x, this.format), sizes);
        continue;
      }
      const message: TailMessage = {
        key: record.source,
        value: null,
        recordTail: { buffer: chunk, start: at, end },
      };
      messages[i] = message;
      sizes.push(size);
      at = end;
    }
    return messages;
  }

  /** A chunk of at least `min` bytes for tails (a spare one when it is large enough), added to `chunks`. */
  private takeChunk(chunks: Buffer[], min: number): Buffer {
    const spare = this.tailChunks.pop();
    const chunk =
      spare !== undefined && spare.length >= min
        ? spare
        : Buffer.allocUnsafe(Math.max(TAIL_CHUNK_BYTES, min));
    chunks.push(chunk);
    return chunk;
  }

  /**
   * Keeps a few chunks for the next publishes: a new one for each, half a megabyte of memory
   * the kernel had to fault in, was what made the copies of a request's bytes expensive.
   */
  private giveChunks(chunks: readonly Buffer[]): void {
    for (const chunk of chunks)
      if (chunk.length === TAIL_CHUNK_BYTES && this.tailChunks.length < 8) this.tailChunks.push(chunk);
  }

  /**
   * One message per record, or frames of up to linesPerMessage lines of one source each;
   * `sizes` gets each message's messageSize, in the same order.
   */
  private encode(records: readonly OutboundRecord[], sizes: number[], chunks: Buffer[]): Message[] {
    if (this.tails !== undefined) return this.encodeTails(this.tails, records, sizes, chunks);
    if (this.linesPerMessage === 1)
      return records.map((r) => this.fitted(r, (x) => encodeKafkaMessage(x, this.format), sizes));
    // Frames are cut per source, so that the key (the source) still decides the partition
    // and one file's lines stay in order in one partition.
    const bySource = new Map<string, OutboundRecord[]>();
    for (const r of records) {
      const lines = bySource.get(r.source);
      if (lines) lines.push(r);
      else bySource.set(r.source, [r]);
    }
    // A frame is one Kafka message: keep its line text well under the broker's
    // message.max.bytes (1 MiB by default) and this producer's request cap.
    const maxChars = Math.max(1, Math.floor(this.batchBytes / 4));
    const messages: Message[] = [];
    for (const lines of bySource.values())
      for (const group of frameGroups(lines, this.linesPerMessage, maxChars))
        if (group.length === 1)
          messages.push(this.fitted(group[0] as OutboundRecord, (x) => encodeKafkaFrame([x]), sizes));
        else {
          const frame = encodeKafkaFrame(group);
          messages.push(frame);
          sizes.push(messageSize(frame));
        }
    return messages;
  }

  /**
   * The record's message, with its line cut until the message fits maxMessageBytes. JSON
   * escaping can make one character cost up to six bytes, so the cut is measured, not computed.
   */
  private fitted(record: OutboundRecord, encode: (r: OutboundRecord) => Message, sizes: number[]): Message {
    let message = encode(record);
    let size = messageSize(message);
    if (size <= this.maxMessageBytes) {
      sizes.push(size);
      return message;
    }
    const original = record.line.length;
    let line = record.line;
    const tags = Array.isArray(record.fields?.tags) ? (record.fields.tags as readonly string[]) : [];
    const fields = { ...record.fields, tags: tags.includes(TAG_TRUNCATED) ? tags : [...tags, TAG_TRUNCATED] };
    while (size > this.maxMessageBytes && line.length > 0) {
      line = cutLine(line, Math.floor(line.length * (this.maxMessageBytes / size) * 0.95));
      message = encode({ ...record, line, fields });
      size = messageSize(message);
    }
    this.log.warn('line cut to fit the Kafka message size limit; tagged sluice.truncated', {
      topic: this.topic,
      maxMessageBytes: this.maxMessageBytes,
      characters: original,
      kept: line.length,
    });
    sizes.push(size);
    return message;
  }

  /** Produce requests sent and records in them, since construction (for tests and `sluice bench`). */
  get stats(): { readonly requests: number; readonly records: number } {
    return { requests: this.requests, records: this.recordsSent };
  }

  /**
   * Flushes what is queued, then disconnects. Bounded by `closeTimeoutMs`: publishes still
   * waiting then (the broker is unreachable) are rejected as retriable.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.closeDeadline = Date.now() + this.closeTimeoutMs;
    while ((this.queue.length > 0 || this.sending) && Date.now() < this.closeDeadline) {
      if (!this.sending) void this.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    const abandoned = this.queue.splice(0);
    this.queuedBytes = 0;
    for (const p of abandoned) {
      p.reject(
        new BrokerError(`Kafka producer closed before the broker confirmed the batch (topic ${this.topic})`, {
          retriable: true,
        }),
      );
    }
    if (this.connecting) await this.producer.disconnect().catch(() => {});
  }

  private schedule(): void {
    if (this.sending) return; // the running flush picks the queue up when it returns
    if (this.queuedBytes >= this.batchBytes || this.lingerMs === 0 || this.closed) {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      void this.flush();
      return;
    }
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = undefined;
      void this.flush();
    }, this.lingerMs);
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      await ensureTopic(this.kafka, this.topic, this.partitions, this.replicationFactor, this.log);
      await this.producer.connect();
    })().catch((error: unknown) => {
      this.connecting = undefined;
      throw asBrokerError(error, `cannot connect the Kafka producer for topic ${this.topic}`);
    });
    return this.connecting;
  }

  /**
   * kafkajs gives up on a broker it cannot reach after its own retries (and reports that
   * as non-retriable). A broker that restarts is not a reason to fail the shipper: sends
   * are retried here with backoff until the broker is back or `close()` gives up. A batch
   * that reached the broker before the connection dropped may be written twice; its ids
   * collapse the copies downstream.
   */
  private async sendWithReconnect(messages: Message[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connect();
        await this.producer.send({ topic: this.topic, messages, acks: -1, compression: this.compression });
        if (attempt > 1) {
          brokerCount('reconnects', 'kafka');
          this.log.info('Kafka is reachable again; publishing resumed', { topic: this.topic });
        }
        return;
      } catch (error) {
        if (!isConnectionFailure(error) || (this.closed && Date.now() >= this.closeDeadline)) throw error;
        if (attempt === 1)
          this.log.warn('Kafka unreachable; retrying the publish until it is back', {
            error: errorChain(error),
          });
        await sleep(backoffDelay(attempt, { initialMs: 300, maxMs: 5_000 }));
      }
    }
  }

  /** Sends queued publishes, up to `batchBytes` per request, until the queue is empty. */
  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const take: Pending[] = [];
        let bytes = 0;
        while (
          this.queue.length > 0 &&
          (take.length === 0 || bytes + (this.queue[0] as Pending).bytes <= this.batchBytes)
        ) {
          const p = this.queue.shift() as Pending;
          take.push(p);
          bytes += p.bytes;
        }
        this.queuedBytes -= bytes;
        const messages = take.length === 1 ? (take[0] as Pending).messages : take.flatMap((p) => p.messages);
        try {
          await this.sendWithReconnect(messages);
          this.requests++;
          const lines = take.reduce((n, p) => n + p.records, 0);
          this.recordsSent += lines;
          brokerCount('published', 'kafka', lines);
          for (const p of take) p.resolve();
        } catch (error) {
          const e = asBrokerError(
            error,
            `Kafka rejected a batch of ${take.reduce((n, p) => n + p.records, 0)} records for topic ${this.topic}`,
          );
          for (const p of take) p.reject(e);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}

/** Bytes of each chunk record tails are written into (a record larger than that gets a chunk of its own). */
const TAIL_CHUNK_BYTES = 1024 * 1024;

/** Lines one message carries: the count in a frame's header, else one. */
function linesIn(message: Message): number {
  const frame = message.headers?.[KAFKA_HEADER.frame];
  return typeof frame === 'string' ? Number(frame) : 1;
}

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSMetadataNotLoaded',
]);

/** True when the error, or any error it wraps, says the broker could not be reached. */
function isConnectionFailure(error: unknown): boolean {
  // A certificate this client does not trust fails the same way on every attempt.
  if (isTlsTrustFailure(error)) return false;
  for (
    let e = error, depth = 0;
    e instanceof Error && depth < 10;
    e = e.cause ?? (e as { originalError?: unknown }).originalError, depth++
  ) {
    if (CONNECTION_ERRORS.has(e.name)) return true;
  }
  return false;
}

/** The first `keep` UTF-16 units of `line`, never ending in half a surrogate pair. */
function cutLine(line: string, keep: number): string {
  const end = Math.max(0, keep);
  const last = line.charCodeAt(end - 1);
  return line.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}
