import { BrokerError, type InboundRecord, type Logger, type RawPayloads } from '@sluice/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { brokerCount } from '../metrics.js';
import { PayloadBatch } from '../payload-batch.js';
import type { BrokerTarget } from '../types.js';
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

/** Where a raw batch's poison goes, and who hears about it. */
export interface RabbitDeadLetters {
  readonly exchange: string;
  readonly routingKey: string;
  /** The dead-letter queue, for the log. */
  readonly queue: string;
  readonly log: Logger;
}

/**
 * A batch of whole messages of one session, raw (the parser's workers decode it, see
 * raw.ts) or decoded here. Acknowledging it acks exactly its messages, and resolves once
 * the broker has processed the acks; handing it back requeues them. Either happens once;
 * after the session is lost the broker has requeued them already.
 *
 * A raw batch holds its poison messages too: at the acknowledgement a poison message is
 * rejected without requeue (to the dead-letter queue), a poison line of an NDJSON message is
 * published to the dead-letter exchange alone and the message acked. Handed back, they go
 * back to the queue with the others and are found again.
 */
export class RabbitBatch extends PayloadBatch {
  /** The acks (or nacks) went out: deciding again must not send them twice. */
  private sent = false;

  constructor(
    from: RawPayloads | readonly InboundRecord[],
    private readonly messages: readonly ConsumeMessage[],
    private readonly session: Session,
    private readonly target: BrokerTarget,
    private readonly queue: string,
    private readonly deadLetters: RabbitDeadLetters,
  ) {
    super(from);
  }

  protected async settleWith(how: 'ack' | 'giveBack'): Promise<void> {
    if (this.sent) return;
    if (how === 'giveBack') {
      this.sent = true;
      if (!this.session.alive) return; // requeued by the broker when the channel closed
      for (const msg of this.messages) this.session.channel.nack(msg, false, true);
      this.session.unacked -= this.messages.length;
      return;
    }
    if (!this.session.alive) {
      throw new BrokerError(
        `RabbitMQ connection to ${this.target.brokers[0]} was lost before the acknowledgement; the broker redelivers the batch`,
        {
          retriable: true,
        },
      );
    }
    const records = this.recordCount;
    const rejected = this.deadLetter();
    // One ack per message: `multiple` would also ack earlier deliveries of other batches still in flight.
    for (let i = 0; i < this.messages.length; i++) {
      const msg = this.messages[i] as ConsumeMessage;
      // requeue=false sends it through the queue's dead-letter exchange to <queue>.dlq.
      if (rejected?.has(i)) this.session.channel.nack(msg, false, false);
      else this.session.channel.ack(msg);
    }
    this.sent = true;
    this.session.unacked -= this.messages.length;
    // basic.ack has no reply. A synchronous method on the same channel is answered only
    // after the broker processed the acks before it, so when this resolves they are done.
    try {
      await this.session.channel.checkQueue(this.queue);
    } catch (error) {
      throw rabbitError(this.target, 'acknowledgement', error);
    }
    brokerCount('acknowledged', 'rabbitmq', records);
  }

  /**
   * Dead-letters the poison the workers found: publishes poison lines of NDJSON messages to
   * the dead-letter exchange, and returns the messages that are poison as a whole (their
   * positions), to reject instead of ack.
   */
  private deadLetter(): Set<number> | undefined {
    if (this.poison.length === 0) return undefined;
    const rejected = new Set<number>();
    const { exchange, routingKey, queue, log } = this.deadLetters;
    for (const p of this.poison) {
      if (p.line === undefined) {
        rejected.add(p.payload);
        log.warn('malformed message rejected to the dead-letter queue', {
          reason: p.reason,
          deadLetter: queue,
        });
      } else {
        // One bad line must not hold back the others: it goes to the dead-letter exchange
        // on its own, and the message is acked with its batch.
        this.session.channel.publish(exchange, routingKey, Buffer.from(p.line), {
          persistent: true,
          headers: { [DEAD_LETTER_REASON]: p.reason },
        });
        log.warn('malformed line of a batched message sent to the dead-letter queue', {
          reason: p.reason,
          deadLetter: queue,
        });
      }
      brokerCount('deadLettered', 'rabbitmq');
    }
    return rejected;
  }
}

/** Header naming why a line was dead-lettered. */
export const DEAD_LETTER_REASON = 'x-sluice-dead-letter-reason';
