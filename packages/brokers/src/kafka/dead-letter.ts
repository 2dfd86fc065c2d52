import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type Logger } from '@sluice/core';
import { type Kafka, type Producer as KafkaJsProducer, type KafkaMessage, Partitioners } from 'kafkajs';
import { brokerCount } from '../metrics.js';
import { asBrokerError, ensureTopic } from './admin.js';
import { KAFKA_HEADER } from './codec.js';

/** A fetched message the codec refused, and why. */
export interface PoisonMessage {
  readonly message: KafkaMessage;
  readonly reason: string;
}

/**
 * The consumer's dead-letter topic: malformed payloads are copied there (key, value and
 * headers as fetched, plus the reason and where they came from) and then count as done.
 * The topic and its idempotent producer are created on the first poison message only.
 */
export class KafkaDeadLetters {
  private producer: KafkaJsProducer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    readonly deadLetterTopic: string,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves once the broker has every message (acks=-1), so their offsets may be
   * committed. Retries five times with backoff, heartbeating between attempts so the
   * group session survives a slow dead-letter topic; then throws a BrokerError.
   */
  async send(
    partition: number,
    poison: readonly PoisonMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!this.producer) {
          await ensureTopic(this.kafka, this.deadLetterTopic, 1, -1, this.log);
          const producer = this.kafka.producer({
            idempotent: true,
            maxInFlightRequests: 1,
            allowAutoTopicCreation: false,
            createPartitioner: Partitioners.DefaultPartitioner,
          });
          await producer.connect();
          this.producer = producer;
        }
        await this.producer.send({
          topic: this.deadLetterTopic,
          acks: -1,
          messages: poison.map(({ message, reason }) => ({
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              [KAFKA_HEADER.deadLetterReason]: reason,
              [KAFKA_HEADER.deadLetterOrigin]: `${this.topic}/${partition}@${message.offset}`,
            },
          })),
        });
        brokerCount('deadLettered', 'kafka', poison.length);
        this.log.warn('malformed Kafka messages sent to the dead-letter topic', {
          deadLetter: this.deadLetterTopic,
          count: poison.length,
          reason: poison[0]?.reason,
        });
        return;
      } catch (error) {
        if (attempt >= 5)
          throw asBrokerError(error, `cannot write to dead-letter topic ${this.deadLetterTopic}`);
        await sleep(backoffDelay(attempt));
        await heartbeat();
      }
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => {});
  }
}
