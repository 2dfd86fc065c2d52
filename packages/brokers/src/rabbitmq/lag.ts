import { BrokerError, ConfigError, redactText } from '@sluice/core';
import type { Channel, ChannelModel } from 'amqplib';
import { recordLag, recordReady, recordUnacked } from '../metrics.js';
import type { BrokerTarget, LagSample } from '../types.js';
import { connectRabbit, declareTopology, type RabbitTopology, rabbitError } from './connection.js';

/**
 * How far a RabbitMQ consumer is behind: ready + unacknowledged. With `?managementUrl=` both
 * come from the management HTTP API, for all consumers. Without it, AMQP's passive
 * queue.declare reports only the ready messages (and how many consumers are subscribed), so
 * the sample is ready + this process's own unacked, exact with one consumer and short by
 * what the others hold with several; its `note` says so. Each process also exports its own
 * unacked count (`sluice_broker_unacked_records`), which Prometheus can sum across consumers.
 *
 * The AMQP way asks on a connection of its own, opened on first use, so a lag probe never
 * waits behind deliveries and acks.
 */
export class RabbitLag {
  private readonly management: URL | undefined;
  private session: Promise<{ model: ChannelModel; channel: Channel }> | undefined;

  /** Validates `?managementUrl=` (throws a ConfigError); connects nothing. */
  constructor(
    private readonly target: BrokerTarget,
    private readonly topology: RabbitTopology,
    private readonly consumerId: string,
  ) {
    this.management = managementBase(target);
  }

  /**
   * One sample for the queue, also recorded as metrics. `own` is what this process holds
   * unacknowledged; `subscribed` says whether it counts among the queue's consumers now.
   */
  async sample(own: number, subscribed: () => boolean): Promise<LagSample[]> {
    const queue = this.topology.queue;
    const management = this.management;
    let sample: LagSample;
    let ready: number;
    if (management) {
      const counts = await managementCounts(management, this.target, queue);
      ready = counts.ready;
      sample = { stream: queue, lag: counts.ready + counts.unacked };
    } else {
      const { channel } = await this.channel();
      const { messageCount, consumerCount } = await channel.checkQueue(queue).catch((error: unknown) => {
        this.session = undefined;
        throw rabbitError(this.target, 'checkQueue', error);
      });
      const others = Math.max(0, consumerCount - (subscribed() ? 1 : 0));
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
    const lag = await this.session?.catch(() => undefined);
    this.session = undefined;
    await lag?.model.close().catch(() => {});
  }

  private channel(): Promise<{ model: ChannelModel; channel: Channel }> {
    this.session ??= (async () => {
      const model = await connectRabbit(this.target, `sluice-lag-${this.consumerId}`);
      const channel = await model.createChannel();
      channel.on('error', () => {});
      const forget = () => {
        this.session = undefined;
      };
      model.on('close', forget);
      channel.on('close', forget);
      // A queue that does not exist yet has a lag of nothing: declare it, as producers do.
      await declareTopology(channel, this.topology);
      return { model, channel };
    })().catch((error: unknown) => {
      this.session = undefined;
      throw rabbitError(this.target, 'lag', error);
    });
    return this.session;
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
