import { ConfigError } from '@sluice/core';
import type { BrokerDescriptor } from '../descriptor.js';
import { encodeKafkaMessage } from './codec.js';

/** What Kafka accepts as a topic name (its `Topic.validate`). */
const KAFKA_TOPIC = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

/** KAFKA_BROKERS is a bootstrap list (`host:port,host:port`), each with or without kafka://. */
function bootstrapList(address: string): string[] {
  return address
    .split(',')
    .map((b) => b.trim().replace(/^[a-z]+:\/\//i, ''))
    .filter(Boolean);
}

/** Kafka through kafkajs: `kafka://HOST:PORT[,HOST:PORT...]/TOPIC`. */
export const kafka: BrokerDescriptor = {
  kind: 'kafka',
  label: 'Kafka',
  url: {
    schemes: [{ scheme: 'kafka:', defaultPort: 9092, example: 'kafka://127.0.0.1:9092/logs' }],
    streamNoun: 'topic',
    form: 'kafka://127.0.0.1:9092/TOPIC (several brokers: kafka://h1:9092,h2:9092/TOPIC)',
    multipleHosts: true,
    secretHint: 'or KAFKA_SASL_PASSWORD',
    validate({ stream, shown }) {
      if (KAFKA_TOPIC.test(stream)) return;
      // Kafka refuses such a name on every CreateTopics and Produce: retrying cannot help.
      throw new ConfigError(
        `broker URL ${shown} names an invalid Kafka topic ${JSON.stringify(stream)}: topic names are 1-249 characters of letters, digits, ".", "_" and "-", and not "." or ".."`,
        { hint: 'for example kafka://127.0.0.1:9092/app-logs' },
      );
    },
    usesTls({ options }) {
      return (
        options.tls === 'true' ||
        options.ca !== undefined ||
        options.tlsCa !== undefined ||
        process.env.KAFKA_TLS_CA_FILE !== undefined
      );
    },
    plainTextHint: 'drop ?tls=true',
  },
  help: {
    usage: 'kafka://HOST:PORT/TOPIC',
    group: 'consumer group',
    lag: 'high watermark minus committed offset',
    fromBeginning: 'start at the earliest retained record, not at new ones',
  },
  codec: {
    summary: 'the raw line as the value, the source as the key, id and coordinates in headers',
    linesPerMessage: 'frames',
    wireBytes(record) {
      const message = encodeKafkaMessage(record);
      let n = Buffer.byteLength(message.value as string) + Buffer.byteLength((message.key as string) ?? '');
      for (const [name, value] of Object.entries(message.headers ?? {}))
        n += name.length + Buffer.byteLength(String(value));
      return n;
    },
  },
  local: {
    service: 'kafka',
    environment: 'KAFKA_BROKERS',
    defaultAddress: '127.0.0.1:9092',
    port: 9092,
    normalizeAddress: (address) => bootstrapList(address).join(','),
    streamUrl: (address, stream) => `kafka://${bootstrapList(address).join(',')}/${stream}`,
    probe: async (address, timeoutMs) =>
      (await import('./probe.js')).probeKafka(bootstrapList(address), timeoutMs),
    start: { native: true },
    startHint: 'pnpm stack up',
    logHint: 'sluice stack status names its log',
    container: {
      // The version `sluice stack` runs (KAFKA_VERSION in packages/cli/src/stack/config.ts; a test there checks).
      image: 'apache/kafka:4.4.0',
      port: 9092,
      samePort: true,
      environment: (host, port) => ({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      }),
      address: (host, port) => `${host}:${port}`,
    },
  },
  load: async () => (await import('./client.js')).client,
};
