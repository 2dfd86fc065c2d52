import { ConfigError } from '@sluice/core';
import type { BrokerDescriptor } from '../descriptor.js';
import { encodeKafkaMessage } from './codec.js';

/** What Kafka accepts as a topic name (its `Topic.validate`). */
const KAFKA_TOPIC = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

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
    // KAFKA_BROKERS is a bootstrap list (host:port,host:port), with or without kafka://.
    streamUrl: (address, stream) => `kafka://${address.replace(/^kafka:\/\//i, '')}/${stream}`,
    async probe(address, timeoutMs) {
      const brokers = address
        .split(',')
        .map((b) => b.trim().replace(/^[a-z]+:\/\//i, ''))
        .filter(Boolean);
      return (await import('./probe.js')).probeKafka(brokers, timeoutMs);
    },
    start: { native: true },
    startHint: 'pnpm stack up',
    logHint: 'sluice stack status names its log',
  },
  load: async () => (await import('./client.js')).client,
};
