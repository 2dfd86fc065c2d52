import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { BrokerError, ConfigError } from '@sluice/core';
import { KafkaConsumer, KafkaProducer } from './kafka/index.js';
import { RabbitMqConsumer, RabbitMqProducer } from './rabbitmq/index.js';
import { RedisConsumer, RedisProducer } from './redis/index.js';
import { RedisStreamConsumer, RedisStreamProducer } from './redis-stream/index.js';
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
  'redis-stream': {
    label: 'Redis',
    start: 'redis-server --daemonize yes --port 6379',
    producer: (target, options) => new RedisStreamProducer(target, options),
    consumer: (target, options) => new RedisStreamConsumer(target, options),
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
 * Opens (and closes) a connection to every host of the target, so the CLI can say
 * "nothing listens there" before it builds a consumer whose client would retry forever.
 * For a TLS URL (rediss://, amqps://, kafka ?tls=true or a CA) it also completes a TLS
 * handshake (certificate not checked here: the adapter does that and says so), so a TLS
 * URL pointed at a plain-text port fails now, with a hint, instead of timing out on every
 * retry. Authentication is checked later, by the adapter's first command.
 *
 * Both failures are for the user to fix: exit code 2. An unreachable service is
 * retriable for a caller that wants to wait (the error says so); a port that does not
 * speak TLS never will be.
 */
export async function checkBrokerReachable(target: BrokerTarget, timeoutMs = 3_000): Promise<void> {
  const backend = BACKENDS[target.kind];
  const tls = usesTls(target);
  const failures: string[] = [];
  const plainText: string[] = [];
  await Promise.all(
    target.brokers.map(async (hostPort) => {
      const reason = await probe(hostPort, timeoutMs, tls);
      if (reason?.startsWith(NO_TLS)) plainText.push(`${hostPort} (${reason.slice(NO_TLS.length)})`);
      else if (reason) failures.push(`${hostPort} (${reason})`);
    }),
  );
  if (plainText.length > 0 && failures.length + plainText.length === target.brokers.length) {
    throw new ConfigError(`${backend.label} at ${plainText.join(', ')} does not complete a TLS handshake`, {
      hint: `the URL asks for TLS but that port seems to speak plain text: use the plain scheme (${target.kind === 'kafka' ? 'drop ?tls=true' : target.kind === 'redis' ? 'redis://' : 'amqp://'}) or the service's TLS port`,
    });
  }
  // Kafka needs one reachable bootstrap broker; lists and queues have a single host.
  if (failures.length === target.brokers.length) {
    throw new BrokerError(`cannot reach ${backend.label} at ${failures.join(', ')}`, {
      retriable: true,
      exitCode: 2,
      hint: failures.every((f) => /ENOTFOUND|EAI_AGAIN/.test(f))
        ? 'the host name does not resolve: check its spelling in the URL (and DNS)'
        : `is ${backend.label} running? start it with \`${backend.start}\`; or pass a different URL`,
    });
  }
}

const NO_TLS = 'no TLS: ';

function usesTls(target: BrokerTarget): boolean {
  if (target.connection.startsWith('rediss:') || target.connection.startsWith('amqps:')) return true;
  if (target.kind !== 'kafka') return false;
  const o = target.options;
  return (
    o.tls === 'true' ||
    o.ca !== undefined ||
    o.tlsCa !== undefined ||
    process.env.KAFKA_TLS_CA_FILE !== undefined
  );
}

function probe(hostPort: string, timeoutMs: number, tls: boolean): Promise<string | undefined> {
  const split = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, split).replace(/^\[|\]$/g, '');
  const port = Number(hostPort.slice(split + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let open: Socket = socket;
    const done = (reason: string | undefined) => {
      open.destroy();
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.once('connect', () => {
      if (!tls) return done(undefined);
      socket.setTimeout(0);
      // Only whether the port speaks TLS at all: the adapter checks the certificate.
      const secure = connectTls({
        socket,
        rejectUnauthorized: false,
        ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      });
      open = secure;
      secure.setTimeout(timeoutMs, () => done(`${NO_TLS}no handshake answer within ${timeoutMs} ms`));
      secure.once('secureConnect', () => done(undefined));
      secure.once('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        // A TLS alert (a client certificate required, no shared cipher) comes from a
        // server that speaks TLS: the adapter's own handshake will say what it wants.
        done(/ALERT/i.test(code) ? undefined : `${NO_TLS}${code}`);
      });
    });
  });
}
