import { BrokerError, type InboundRecord } from '@sluice/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { brokerCount } from '../metrics.js';
import type { BrokerTarget, InboundBatch } from '../types.js';
import { RECORDS_HEADER } from './codec.js';
import { rabbitError } from './connection.js';

/** One connection + channel; replaced as a whole after a drop. Messages belong to their session. */
export interface Session {
  readonly id: number;
  readonly model: ChannelModel;
  readonly channel: Channel;
  consumerTag: string | undefined;
  alive: boolean;
  /** Delivered on this channel and not yet acked or nacked: our share of "unacknowledged". */
  unacked: number;
}

/** Records one message carries: 1, or the count a batched (`?linesPerMessage=N`) message declares. */
export function recordsIn(msg: ConsumeMessage): number {
  const n = Number(msg.properties.headers?.[RECORDS_HEADER] ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/**
 * A batch of whole messages of one session. Acknowledging it acks exactly its messages, and
 * resolves once the broker has processed the acks; handing it back requeues them. Either
 * happens once; after the session is lost the broker has requeued them already.
 */
export class RabbitBatch implements InboundBatch {
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
