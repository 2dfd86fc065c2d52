import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboundRecord } from '@sluice/core';
import { ConfigError } from '@sluice/core';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { brokerCount } from '../metrics.js';
import { choiceOption, numberOption } from '../options.js';
import type { BrokerTarget, Producer, ProducerOptions } from '../types.js';
import { encodeAmqp, encodeAmqpBatch } from './codec.js';
import {
  connectRabbit,
  declareTopology,
  type RabbitTopology,
  rabbitError,
  rabbitTopology,
} from './connection.js';

/**
 * Publishes one persistent message per record on a confirm channel; `publish` resolves
 * when the broker confirmed every message (for a durable queue: written to disk, or to a
 * quorum of nodes). A dropped connection fails the publish; the next one reconnects
 * (counted in `sluice_broker_reconnects_total`), and the caller re-publishes the batch.
 */
export class RabbitMqProducer implements Producer {
  /** The AMQP `connection_name`, unique per producer: what `rabbitmqctl list_connections` shows. */
  readonly connectionName = `sluice-producer-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly topology: RabbitTopology;
  private readonly format: 'sluice' | 'beats';
  private readonly linesPerMessage: number;
  private session: Promise<{ model: ChannelModel; channel: ConfirmChannel }> | undefined;
  private closed = false;
  /** The broker closed our session: the next one opened is a reconnect. */
  private lost = false;

  constructor(
    private readonly target: BrokerTarget,
    options: ProducerOptions = {},
  ) {
    this.topology = rabbitTopology(target);
    this.format = choiceOption(target, 'format', options.format, 'sluice', ['sluice', 'beats'] as const);
    // RabbitMQ's cost is per message (routing, confirm, ack): batching records into one
    // message is many times faster (README, "One line per message?"), at the price of
    // one-event messages that Logstash's rabbitmq input reads.
    this.linesPerMessage = numberOption(target, 'linesPerMessage', undefined, 1, 1, 10_000);
    if (this.linesPerMessage > 1 && this.format === 'beats') {
      throw new ConfigError(
        'broker option linesPerMessage must be 1 with format=beats (Logstash reads one event per message)',
      );
    }
  }

  private open(): Promise<{ model: ChannelModel; channel: ConfirmChannel }> {
    if (this.session) return this.session;
    const opening = (async () => {
      const model = await connectRabbit(this.target, this.connectionName);
      try {
        const channel = await model.createConfirmChannel();
        channel.on('error', () => {});
        await declareTopology(channel, this.topology);
        // Only this session's own close may forget it: the old connection's 'close' can
        // arrive after a new session replaced it.
        const forget = () => {
          if (this.session !== opening) return;
          this.session = undefined;
          if (!this.closed) this.lost = true;
        };
        model.on('close', forget);
        channel.on('close', forget);
        if (this.lost) {
          this.lost = false;
          brokerCount('reconnects', 'rabbitmq');
        }
        return { model, channel };
      } catch (error) {
        await model.close().catch(() => {});
        throw rabbitError(this.target, 'declare', error);
      }
    })().catch((error: unknown) => {
      if (this.session === opening) this.session = undefined;
      throw error;
    });
    this.session = opening;
    return opening;
  }

  async publish(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.closed) throw rabbitError(this.target, 'publish', 'producer is closed');
    const { channel } = await this.open();
    const { exchange, routingKey, queue } = this.topology;
    try {
      const per = this.linesPerMessage;
      for (let i = 0; i < records.length; i += per) {
        const m =
          per === 1
            ? encodeAmqp(records[i] as OutboundRecord, this.format)
            : encodeAmqpBatch(records.slice(i, i + per));
        const options = {
          persistent: true,
          messageId: m.messageId,
          timestamp: m.timestamp,
          contentType: m.contentType,
          headers: m.headers,
        };
        // false = the channel's write buffer is full: wait for it to drain (bounded memory).
        const flushed =
          exchange === ''
            ? channel.sendToQueue(queue, m.body, options)
            : channel.publish(exchange, routingKey, m.body, options);
        if (!flushed) {
          await new Promise((resolve) => {
            channel.once('drain', resolve);
            channel.once('close', resolve);
          });
        }
      }
      await channel.waitForConfirms();
    } catch (error) {
      throw rabbitError(this.target, 'publish', error);
    }
    brokerCount('published', 'rabbitmq', records.length);
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = await this.session?.catch(() => undefined);
    this.session = undefined;
    if (!session) return;
    await session.channel.waitForConfirms().catch(() => {});
    await session.model.close().catch(() => {});
  }
}
