import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokerError,
  backoffDelay,
  createLogger,
  errorChain,
  type InboundRecord,
  type Logger,
} from '@sluice/core';
import type { Channel, ConsumeMessage } from 'amqplib';
import { runInFlight } from '../in-flight.js';
import { brokerCount } from '../metrics.js';
import { numberOption } from '../options.js';
import type { BrokerTarget, Consumer, ConsumerOptions, InboundBatch, LagSample } from '../types.js';
import { isPoison } from '../wire.js';
import { DEAD_LETTER_REASON, RabbitBatch, type RabbitDeadLetters, recordsIn, type Session } from './batch.js';
import { decodeAmqp, decodeAmqpBatch, NDJSON } from './codec.js';
import {
  connectRabbit,
  declareTopology,
  type RabbitTopology,
  rabbitError,
  rabbitTopology,
} from './connection.js';
import { RabbitLag } from './lag.js';
import { packAmqpMessages } from './raw.js';

export interface RabbitMqConsumerOptions extends ConsumerOptions {
  /** Longest wait for a batch to fill before it is handed over. Default 50 ms (`?lingerMs=`). */
  readonly lingerMs?: number;
  /** First reconnect delay; doubles up to 30 s, with jitter. Default 250 ms (`?reconnectMs=`). */
  readonly reconnectMs?: number;
  readonly logger?: Logger;
}

/**
 * Manual-ack consumer: `prefetch = batchSize × maxInFlightBatches` is the backpressure
 * window (the broker sends no more than that unacknowledged), messages are acked only
 * when their batch is, and poison is rejected without requeue into the dead-letter
 * exchange. After a connection or channel drop it reconnects with backoff; what was
 * unacked on the old channel is redelivered by the broker (flagged `redelivered`).
 */
export class RabbitMqConsumer implements Consumer {
  readonly consumerId: string;
  private readonly topology: RabbitTopology;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly reconnectMs: number;
  private readonly log: Logger;
  private session: Session | undefined;
  private sessions = 0;
  private buffer: ConsumeMessage[] = [];
  private bufferedRecords = 0;
  private readonly prefetch: number;
  private bufferSession: Session | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<RabbitBatch>();
  private handler: ((batch: InboundBatch) => Promise<void>) | undefined;
  private paused = false;
  private closing = false;
  private running: Promise<void> | undefined;
  private finish: (() => void) | undefined;
  private drained: (() => void) | undefined;
  private reconnecting: Promise<void> | undefined;
  private readonly lagProbe: RabbitLag;
  /** Batches go to the handler undecoded (InboundBatch.raw): the workers decode them. */
  private readonly raw: boolean;
  private readonly deadLetters: RabbitDeadLetters;

  constructor(
    private readonly target: BrokerTarget,
    options: RabbitMqConsumerOptions = {},
  ) {
    this.topology = rabbitTopology(target, options.deadLetter);
    this.consumerId =
      options.consumerId ??
      `${options.group ?? 'sluice'}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.batchSize = numberOption(target, 'batchSize', options.batchSize, 500, 1, 65_535);
    this.maxInFlight = numberOption(target, 'maxInFlightBatches', options.maxInFlightBatches, 4, 1, 1_000);
    if (this.batchSize * this.maxInFlight > 65_535) {
      throw new BrokerError(
        `batchSize × maxInFlightBatches is the AMQP prefetch and must be at most 65535, got ${this.batchSize * this.maxInFlight}`,
        {
          exitCode: 2,
        },
      );
    }
    // The window is in records; with batched messages (?linesPerMessage=N, the same URL
    // the shipper publishes with) the broker's prefetch, in messages, is N times smaller.
    const linesPerMessage = numberOption(target, 'linesPerMessage', undefined, 1, 1, 10_000);
    this.prefetch = Math.max(1, Math.ceil((this.batchSize * this.maxInFlight) / linesPerMessage));
    this.lingerMs = numberOption(target, 'lingerMs', options.lingerMs, 50, 0, 60_000);
    this.reconnectMs = numberOption(target, 'reconnectMs', options.reconnectMs, 250, 10, 60_000);
    this.lagProbe = new RabbitLag(target, this.topology, this.consumerId);
    this.raw = options.rawPayloads === true;
    this.log =
      options.logger ??
      createLogger({}, { component: 'rabbitmq-consumer', queue: target.stream, consumer: this.consumerId });
    this.deadLetters = {
      exchange: this.topology.deadLetterExchange,
      routingKey: this.topology.routingKey,
      queue: this.topology.deadLetterQueue,
      log: this.log,
    };
  }

  get connected(): boolean {
    return this.session?.alive === true;
  }

  run(handle: (batch: InboundBatch) => Promise<void>): Promise<void> {
    this.running ??= (async () => {
      this.handler = handle;
      const finished = new Promise<void>((resolve) => {
        this.finish = resolve;
      });
      await this.connect();
      await finished;
    })();
    return this.running;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    const session = this.session;
    if (session?.alive && session.consumerTag) {
      const tag = session.consumerTag;
      session.consumerTag = undefined;
      session.channel.cancel(tag).catch(() => {});
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flush();
    const session = this.session;
    if (session?.alive && !session.consumerTag && !this.closing)
      void this.startConsuming(session).catch(() => {});
  }

  /** Ready + unacknowledged; see RabbitLag for what each mode can see. */
  async lag(): Promise<LagSample[]> {
    const own = this.session?.alive ? this.session.unacked : 0;
    return this.lagProbe.sample(own, () => Boolean(this.session?.consumerTag));
  }

  async close(): Promise<void> {
    this.closing = true;
    const session = this.session;
    if (session?.alive && session.consumerTag)
      await session.channel.cancel(session.consumerTag).catch(() => {});
    // Buffered messages not yet handed to the pipeline go straight back to the queue.
    this.returnBuffer();
    if (this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
    // Channel first: its close is queued behind the acks on the same channel, whereas a
    // connection close travels on channel 0 and can overtake them (they would be requeued).
    await this.session?.channel.close().catch(() => {});
    await this.session?.model.close().catch(() => {});
    this.session = undefined;
    await this.lagProbe.close();
    this.finish?.();
  }

  /** First connection: errors (auth, topology) reject `run`. Later ones retry forever. */
  private async connect(): Promise<void> {
    const model = await connectRabbit(this.target, `sluice-${this.consumerId}`);
    let channel: Channel;
    try {
      channel = await model.createChannel();
      channel.on('error', () => {});
      await declareTopology(channel, this.topology);
      await channel.prefetch(this.prefetch, false);
    } catch (error) {
      await model.close().catch(() => {});
      throw rabbitError(this.target, 'declare', error);
    }
    const session: Session = {
      id: ++this.sessions,
      model,
      channel,
      consumerTag: undefined,
      alive: true,
      unacked: 0,
    };
    const lost = () => this.onLost(session);
    model.on('close', lost);
    channel.on('close', lost);
    this.session = session;
    if (!this.paused && !this.closing) await this.startConsuming(session);
  }

  private async startConsuming(session: Session): Promise<void> {
    const { consumerTag } = await session.channel.consume(
      this.topology.queue,
      (msg) => this.onMessage(session, msg),
      { noAck: false },
    );
    if (this.paused || this.closing || !session.alive) {
      await session.channel.cancel(consumerTag).catch(() => {});
    } else {
      session.consumerTag = consumerTag;
    }
  }

  private onLost(session: Session): void {
    if (!session.alive) return;
    session.alive = false;
    session.consumerTag = undefined;
    // A channel can die alone (a channel-level error): close its connection too, so the
    // reconnect does not leave it open, and its unacked messages go back to the queue.
    session.model.close().catch(() => {});
    if (this.bufferSession === session) {
      // The broker requeues these itself; they are no longer ours to ack.
      this.buffer = [];
      this.bufferedRecords = 0;
      this.bufferSession = undefined;
    }
    if (this.closing || this.session !== session) return;
    this.log.warn('connection to RabbitMQ lost; reconnecting (unacknowledged messages will be redelivered)');
    this.reconnecting ??= this.reconnect().finally(() => {
      this.reconnecting = undefined;
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 1; !this.closing; attempt++) {
      await sleep(backoffDelay(attempt, { initialMs: this.reconnectMs, maxMs: 30_000 }));
      if (this.closing) return;
      try {
        await this.connect();
        brokerCount('reconnects', 'rabbitmq');
        this.log.info('reconnected to RabbitMQ', { attempt });
        return;
      } catch (error) {
        this.log.warn('reconnect failed', { attempt, error: errorChain(error) });
      }
    }
  }

  private onMessage(session: Session, msg: ConsumeMessage | null): void {
    // null: the broker cancelled the consumer (queue deleted); treat like a lost channel.
    if (msg === null) {
      session.model.close().catch(() => {});
      return;
    }
    session.unacked++;
    brokerCount('consumed', 'rabbitmq', recordsIn(msg));
    if (msg.fields.redelivered) brokerCount('redelivered', 'rabbitmq', recordsIn(msg));
    if (this.bufferSession !== session) {
      this.buffer = [];
      this.bufferedRecords = 0;
      this.bufferSession = session;
    }
    this.buffer.push(msg);
    this.bufferedRecords += recordsIn(msg);
    if (this.bufferedRecords >= this.batchSize) this.flush();
    else this.lingerTimer ??= setTimeout(() => this.flush(), this.lingerMs);
  }

  /** Hands buffered messages over as batches while the window has room. */
  private flush(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const session = this.bufferSession;
    while (
      this.buffer.length > 0 &&
      !this.paused &&
      !this.closing &&
      this.inFlight.size < this.maxInFlight &&
      session?.alive
    ) {
      // Whole messages, up to batchSize records (at least one message).
      let take = 0;
      let records = 0;
      while (
        take < this.buffer.length &&
        (take === 0 || records + recordsIn(this.buffer[take] as ConsumeMessage) <= this.batchSize)
      ) {
        records += recordsIn(this.buffer[take] as ConsumeMessage);
        take++;
      }
      this.bufferedRecords -= records;
      this.dispatch(session, this.buffer.splice(0, take));
    }
  }

  private dispatch(session: Session, messages: ConsumeMessage[]): void {
    let batch: RabbitBatch;
    if (this.raw) {
      // The workers decode; poison they find is dead-lettered when the batch is acknowledged.
      batch = new RabbitBatch(
        packAmqpMessages(messages, this.topology.queue),
        messages,
        session,
        this.target,
        this.topology.queue,
        this.deadLetters,
      );
    } else {
      const decoded = this.decode(session, messages);
      if (decoded === undefined) return;
      batch = new RabbitBatch(
        decoded.records,
        decoded.kept,
        session,
        this.target,
        this.topology.queue,
        this.deadLetters,
      );
    }
    runInFlight(batch, this.inFlight, this.handler as (batch: InboundBatch) => Promise<void>, this.log, {
      // The channel is gone: the broker redelivers the batch anyway.
      onHandBackError: () => {},
      onDone: () => {
        if (this.inFlight.size === 0) this.drained?.();
        this.flush();
      },
    });
  }

  /**
   * Decodes messages on this thread, dead-letters the poison at once, and returns the
   * records with the messages that hold them (none: every message was poison).
   */
  private decode(
    session: Session,
    messages: readonly ConsumeMessage[],
  ): { records: InboundRecord[]; kept: ConsumeMessage[] } | undefined {
    const records: InboundRecord[] = [];
    const kept: ConsumeMessage[] = [];
    const context = { origin: `amqp:${this.topology.queue}`, stream: this.topology.queue };
    for (const msg of messages) {
      if (msg.properties.contentType === NDJSON) {
        let good = 0;
        for (const { line, decoded } of decodeAmqpBatch(msg.content, context)) {
          if (!isPoison(decoded)) {
            records.push(decoded);
            good++;
            continue;
          }
          // One bad line must not hold back the others: it goes to the dead-letter
          // exchange on its own, and the message is acked with its batch.
          session.channel.publish(
            this.topology.deadLetterExchange,
            this.topology.routingKey,
            Buffer.from(line),
            {
              persistent: true,
              headers: { [DEAD_LETTER_REASON]: decoded.reason },
            },
          );
          brokerCount('deadLettered', 'rabbitmq');
          this.log.warn('malformed line of a batched message sent to the dead-letter queue', {
            reason: decoded.reason,
          });
        }
        if (good > 0) kept.push(msg);
        else {
          session.channel.ack(msg);
          session.unacked--;
        }
        continue;
      }
      const decoded = decodeAmqp(msg.content, msg.properties, context);
      if (isPoison(decoded)) {
        // requeue=false sends it through the queue's dead-letter exchange to <queue>.dlq.
        session.channel.nack(msg, false, false);
        session.unacked--;
        brokerCount('deadLettered', 'rabbitmq');
        this.log.warn('malformed message rejected to the dead-letter queue', {
          reason: decoded.reason,
          deadLetter: this.topology.deadLetterQueue,
        });
      } else {
        records.push(decoded);
        kept.push(msg);
      }
    }
    return records.length === 0 ? undefined : { records, kept };
  }

  private returnBuffer(): void {
    const session = this.bufferSession;
    if (session?.alive) {
      for (const msg of this.buffer) {
        session.channel.nack(msg, false, true);
        session.unacked--;
      }
    }
    this.buffer = [];
    this.bufferedRecords = 0;
  }
}
