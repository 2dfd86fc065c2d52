import { ConfigError, type Logger } from '@sluice/core';
import type { ISocketFactory } from 'kafkajs';
import type { BrokerTarget, ConsumerOptions } from '../types.js';
import { intOption } from './config.js';

export interface KafkaConsumerOptions extends ConsumerOptions {
  /** Group session timeout in ms (the broker's bounds apply, 6 s-30 min by default). Default 30 000. URL: `?sessionTimeoutMs=`. */
  readonly sessionTimeoutMs?: number;
  /** Heartbeat interval in ms, also while waiting for room in the window. Default 3 000. URL: `?heartbeatIntervalMs=`. */
  readonly heartbeatIntervalMs?: number;
  /** How long `close()` waits for in-flight batches before leaving anyway. Default 30 000. */
  readonly closeTimeoutMs?: number;
  /** Partitions for a topic the consumer creates because it does not exist yet. Default 3. URL: `?partitions=`. */
  readonly partitions?: number;
  readonly logger?: Logger;
  /** How connections are opened (kafkajs `socketFactory`): proxies, tunnels, fault injection in tests. */
  readonly socketFactory?: ISocketFactory;
}

/** The consumer's settings with defaults applied, validated before anything connects. */
export interface KafkaConsumerSettings {
  readonly topic: string;
  readonly group: string;
  readonly deadLetterTopic: string;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly closeTimeoutMs: number;
  readonly partitions: number;
}

/** Constructor options win over the URL's query options; throws a ConfigError naming the option. */
export function kafkaConsumerSettings(
  target: BrokerTarget,
  options: KafkaConsumerOptions,
): KafkaConsumerSettings {
  if (target.kind !== 'kafka')
    throw new ConfigError(`KafkaConsumer needs a kafka:// target, got ${target.kind}`);
  const o = target.options;
  const topic = target.stream;
  const batchSize = intOption('batchSize', options.batchSize ?? o.batchSize, 500, 1, 100_000);
  const maxInFlight = intOption(
    'maxInFlightBatches',
    options.maxInFlightBatches ?? o.maxInFlightBatches,
    4,
    1,
    1_000,
  );
  const sessionTimeoutMs = intOption(
    'sessionTimeoutMs',
    options.sessionTimeoutMs ?? o.sessionTimeoutMs,
    30_000,
    1_000,
    3_600_000,
  );
  const heartbeatIntervalMs = intOption(
    'heartbeatIntervalMs',
    options.heartbeatIntervalMs ?? o.heartbeatIntervalMs,
    Math.min(3_000, Math.floor(sessionTimeoutMs / 3)),
    100,
    sessionTimeoutMs,
  );
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new ConfigError(
      `Kafka option heartbeatIntervalMs must be at most a third of sessionTimeoutMs (${sessionTimeoutMs}), got ${heartbeatIntervalMs}`,
    );
  }
  return {
    topic,
    group: options.group ?? o.group ?? 'sluice',
    deadLetterTopic: options.deadLetter ?? o.deadLetter ?? `${topic}.dlq`,
    batchSize,
    maxInFlight,
    fromBeginning:
      options.fromBeginning ?? (o.fromBeginning === undefined ? true : o.fromBeginning === 'true'),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    closeTimeoutMs: intOption('closeTimeoutMs', options.closeTimeoutMs, 30_000, 0, 3_600_000),
    partitions: intOption('partitions', options.partitions ?? o.partitions, 3, 1, 10_000),
  };
}
