import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokerError,
  backoffDelay,
  ConfigError,
  createLogger,
  errorChain,
  type InboundRecord,
  type Logger,
  redactText,
} from '@sluice/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { runInFlight } from '../in-flight.js';
import { brokerCount, recordLag, recordReady, recordUnacked } from '../metrics.js';
import { numberOption } from '../options.js';
import type { BrokerTarget, Consumer, ConsumerOptions, InboundBatch, LagSample } from '../types.js';
import { isPoison } from '../wire.js';
import { decodeAmqp, decodeAmqpBatch, NDJSON, RECORDS_HEADER } from './codec.js';
import {
  connectRabbit,
  declareTopology,
  type RabbitTopology,
  rabbitError,
  rabbitTopology,
} from './connection.js';

export interface RabbitMqConsumerOptions extends ConsumerOptions {
  /** Longest wait for a batch to fill before it is handed over. Default 50 ms (`?lingerMs=`). */
  readonly lingerMs?: number;
  /** First reconnect delay; doubles up to 30 s, with jitter. Default 250 ms (`?reconnectMs=`). */
  readonly reconnectMs?: number;
  readonly logger?: Logger;
}

/** One connection + channel; replaced as a whole after a drop. Messages belong to their session. */
interface Session {
  readonly id: number;
  readonly model: ChannelModel;
  readonly channel: Channel;
  consumerTag: string | undefined;
  alive: boolean;
  /** Delivered on this channel and not yet acked or nacked: our share of "unacknowledged". */
  unacked: number;
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
  private lagSession: Promise<{ model: ChannelModel; channel: Channel }> | undefined;
  private readonly management: URL | undefined;

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
    this.management = managementBase(target);
    this.log =
      options.logger ??
      createLogger({}, { component: 'rabbitmq-consumer', queue: target.stream, consumer: this.consumerId });
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

  /**
   * Ready + unacknowledged. With `?managementUrl=` both come from the management HTTP API,
   * for all consumers. Without it, AMQP's passive queue.declare reports only the ready
   * messages (and how many consumers are subscribed), so the sample is ready + this
   * process's own unacked, exact with one consumer and short by what the others hold with
   * several; its `note` says so. Each process also exports its own unacked count
   * (`sluice_broker_unacked_records`), which Prometheus can sum across consumers.
   */
  async lag(): Promise<LagSample[]> {
    const queue = this.topology.queue;
    const management = this.management;
    let sample: LagSample;
    let ready: number;
    const own = this.session?.alive ? this.session.unacked : 0;
    if (management) {
      const counts = await managementCounts(management, this.target, queue);
      ready = counts.ready;
      sample = { stream: queue, lag: counts.ready + counts.unacked };
    } else {
      const { channel } = await this.lagChannel();
      const { messageCount, consumerCount } = await channel.checkQueue(queue).catch((error: unknown) => {
        this.lagSession = undefined;
        throw rabbitError(this.target, 'checkQueue', error);
      });
      const others = Math.max(0, consumerCount - (this.session?.consumerTag ? 1 : 0));
      ready = messageCount;
      sample = {
        stream: queue,
        lag: messageCount + own,
        note:
          `ready ${messageCount} + ${own} unacknowledged by this process; messages other consumers hold ` +
          `unacknowledged are not visible over AMQP (${others} other consumer(s) subscribed now, paused ones not counted): ` +
          'add ?managementUrl=http://USER:PASSWORD@HOST:15672 for ready + unacknowledged of all consumers',
      };
    }
    recordLag('rabbitmq', [sample]);
    // Ready once plus every consumer's own unacked is the exact lag of the queue, whatever
    // the mode: that is what dashboards and alert rules add up (deploy/prometheus/rules.yaml).
    recordReady('rabbitmq', queue, ready);
    recordUnacked('rabbitmq', queue, own);
    return [sample];
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
    const lag = await this.lagSession?.catch(() => undefined);
    this.lagSession = undefined;
    await lag?.model.close().catch(() => {});
    this.finish?.();
  }

  private lagChannel(): Promise<{ model: ChannelModel; channel: Channel }> {
    this.lagSession ??= (async () => {
      const model = await connectRabbit(this.target, `sluice-lag-${this.consumerId}`);
      const channel = await model.createChannel();
      channel.on('error', () => {});
      const forget = () => {
        this.lagSession = undefined;
      };
      model.on('close', forget);
      channel.on('close', forget);
      // A queue that does not exist yet has a lag of nothing: declare it, as producers do.
      await declareTopology(channel, this.topology);
      return { model, channel };
    })().catch((error: unknown) => {
      this.lagSession = undefined;
      throw rabbitError(this.target, 'lag', error);
    });
    return this.lagSession;
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
              headers: { 'x-sluice-dead-letter-reason': decoded.reason },
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
    if (records.length === 0) return;
    const batch = new RabbitBatch(records, kept, session, this.target, this.topology.queue);
    runInFlight(batch, this.inFlight, this.handler as (batch: InboundBatch) => Promise<void>, this.log, {
      // The channel is gone: the broker redelivers the batch anyway.
      onHandBackError: () => {},
      onDone: () => {
        if (this.inFlight.size === 0) this.drained?.();
        this.flush();
      },
    });
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

function recordsIn(msg: ConsumeMessage): number {
  const n = Number(msg.properties.headers?.[RECORDS_HEADER] ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

class RabbitBatch implements InboundBatch {
  settled = false;

  constructor(
    readonly records: readonly InboundRecord[],
    private readonly messages: readonly ConsumeMessage[],
    private readonly session: Session,
    private readonly target: BrokerTarget,
    private readonly queue: string,
  ) {}

  async ack(): Promise<void> {
    if (this.settled) return;
    if (!this.session.alive) {
      throw new BrokerError(
        `RabbitMQ connection to ${this.target.brokers[0]} was lost before the acknowledgement; the broker redelivers the batch`,
        {
          retriable: true,
        },
      );
    }
    // One ack per message: `multiple` would also ack earlier deliveries of other batches still in flight.
    for (const msg of this.messages) this.session.channel.ack(msg);
    this.settled = true;
    this.session.unacked -= this.messages.length;
    // basic.ack has no reply. A synchronous method on the same channel is answered only
    // after the broker processed the acks before it, so when this resolves they are done.
    try {
      await this.session.channel.checkQueue(this.queue);
    } catch (error) {
      throw rabbitError(this.target, 'acknowledgement', error);
    }
    brokerCount('acknowledged', 'rabbitmq', this.records.length);
  }

  async retryLater(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    if (!this.session.alive) return; // requeued by the broker when the channel closed
    for (const msg of this.messages) this.session.channel.nack(msg, false, true);
    this.session.unacked -= this.messages.length;
  }
}

/**
 * The management API base from `?managementUrl=`, validated before anything connects.
 * Credentials may sit in the URL (`http://USER:PASSWORD@HOST:15672`); they travel as a
 * Basic authorization header and never appear in errors.
 */
export function managementBase(target: BrokerTarget): URL | undefined {
  const raw = target.options.managementUrl;
  if (raw === undefined || raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `broker option managementUrl must be an http:// or https:// URL, got "${redactText(raw)}"`,
      {
        hint: "for example ?managementUrl=http://USER:PASSWORD@127.0.0.1:15672 (the management plugin's HTTP port)",
      },
    );
  }
  // A base behind a path prefix (a reverse proxy's /rabbitmq/) keeps its prefix.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * messages_ready + messages_unacknowledged of the queue, all consumers, from the management
 * HTTP API. These are the broker's statistics, refreshed every `collect_statistics_interval`
 * (5 s by default), so the number trails the queue by up to that long.
 */
async function managementCounts(
  base: URL,
  target: BrokerTarget,
  queue: string,
): Promise<{ ready: number; unacked: number }> {
  const vhost = encodeURIComponent(target.options.vhost ?? '/');
  const url = new URL(`api/queues/${vhost}/${encodeURIComponent(queue)}`, base);
  // The URL's user, else the AMQP_USERNAME / AMQP_PASSWORD the broker connection uses.
  const user = url.username ? decodeURIComponent(url.username) : process.env.AMQP_USERNAME;
  const password = url.username ? decodeURIComponent(url.password) : (process.env.AMQP_PASSWORD ?? '');
  const auth = user ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined;
  url.username = '';
  url.password = '';
  const res = await fetch(url, auth ? { headers: { authorization: auth } } : {}).catch((error: unknown) => {
    throw rabbitError(target, 'management API request', error);
  });
  if (res.status === 401 || res.status === 403) {
    throw new BrokerError(
      `RabbitMQ management API at ${url.origin} refused the lag request (HTTP ${res.status})`,
      {
        retriable: false,
        hint: 'check the user and password in ?managementUrl=; the user needs the "monitoring" (or "management" with access to the vhost) tag',
      },
    );
  }
  if (res.status === 404) {
    throw new BrokerError(
      `RabbitMQ management API at ${url.origin} knows no queue ${queue} in vhost ${target.options.vhost ?? '/'}`,
      {
        retriable: false,
        hint: 'check ?vhost= and that ?managementUrl= points at the same RabbitMQ as the amqp:// URL',
      },
    );
  }
  if (!res.ok) throw rabbitError(target, 'management API request', `HTTP ${res.status} from ${url.origin}`);
  const body = (await res.json()) as { messages_ready?: number; messages_unacknowledged?: number };
  return { ready: body.messages_ready ?? 0, unacked: body.messages_unacknowledged ?? 0 };
}
