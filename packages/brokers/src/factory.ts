import { connect } from 'node:net';
import { BrokerError } from '@sluice/core';
import { KafkaConsumer, KafkaProducer } from './kafka/index.js';
import { RabbitMqConsumer, RabbitMqProducer } from './rabbitmq/index.js';
import { RedisConsumer, RedisProducer } from './redis/index.js';
import type {
  BrokerKind,
  BrokerTarget,
  Consumer,
  ConsumerOptions,
  Producer,
  ProducerOptions,
} from './types.js';

/**
 * One registry line per backend: adding a broker is one folder plus one line here.
 * Adapters validate their own options (from `ProducerOptions`/`ConsumerOptions` and the
 * URL's query string) in their constructors, before anything connects.
 */
interface Backend {
  readonly label: string;
  readonly start: string;
  producer(target: BrokerTarget, options: ProducerOptions): Producer;
  consumer(target: BrokerTarget, options: ConsumerOptions): Consumer;
}

const BACKENDS: Readonly<Record<BrokerKind, Backend>> = {
  kafka: {
    label: 'Kafka',
    start: 'pnpm stack up',
    producer: (target, options) => new KafkaProducer(target, options),
    consumer: (target, options) => new KafkaConsumer(target, options),
  },
  redis: {
    label: 'Redis',
    start: 'redis-server --daemonize yes --port 6379',
    producer: (target, options) => new RedisProducer(target, options),
    consumer: (target, options) => new RedisConsumer(target, options),
  },
  rabbitmq: {
    label: 'RabbitMQ',
    start: 'rabbitmq-server -detached',
    producer: (target, options) => new RabbitMqProducer(target, options),
    consumer: (target, options) => new RabbitMqConsumer(target, options),
  },
};

export function createProducer(target: BrokerTarget, options: ProducerOptions = {}): Producer {
  return BACKENDS[target.kind].producer(target, options);
}

export function createConsumer(target: BrokerTarget, options: ConsumerOptions = {}): Consumer {
  return BACKENDS[target.kind].consumer(target, options);
}

/**
 * Opens (and closes) a TCP connection to every host of the target, so the CLI can say
 * "nothing listens there" before it builds a consumer whose client would retry forever.
 * Authentication is checked later, by the adapter's first command.
 */
export async function checkBrokerReachable(target: BrokerTarget, timeoutMs = 3_000): Promise<void> {
  const backend = BACKENDS[target.kind];
  const failures: string[] = [];
  await Promise.all(
    target.brokers.map(async (hostPort) => {
      const reason = await probe(hostPort, timeoutMs);
      if (reason) failures.push(`${hostPort} (${reason})`);
    }),
  );
  // Kafka needs one reachable bootstrap broker; lists and queues have a single host.
  if (failures.length === target.brokers.length) {
    throw new BrokerError(`cannot reach ${backend.label} at ${failures.join(', ')}`, {
      retriable: true,
      hint: `is ${backend.label} running? start it with \`${backend.start}\`; or pass a different URL`,
    });
  }
}

function probe(hostPort: string, timeoutMs: number): Promise<string | undefined> {
  const split = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, split).replace(/^\[|\]$/g, '');
  const port = Number(hostPort.slice(split + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}
