import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { type Socket, connect as tcpConnect } from 'node:net';
import { promisify } from 'node:util';
import type { BrokerKind, ConsumerOptions, ProducerOptions } from '@sluice/brokers';
import type { Redis as RedisClient } from 'ioredis';
import { brokerEnv, streamUrl, uniqueStream } from './brokers.js';

const exec = promisify(execFile);
// The broker clients are dependencies of @sluice/brokers, not of the workspace root:
// load them the way that package does.
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Redis } = requireFromBrokers('ioredis') as {
  Redis: new (url: string, options: object) => RedisClient;
};
const amqp = requireFromBrokers('amqplib') as typeof import('amqplib');
const kafkajs = requireFromBrokers('kafkajs') as typeof import('kafkajs');

/** Only "nothing listens there" makes a backend unavailable; any other failure fails the suite. */
function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || /ECONNREFUSED/.test(String(error));
}

/**
 * What the conformance suite needs from a backend beyond the Producer/Consumer contract:
 * writing foreign bytes (poison), counting dead letters, and cutting connections.
 * Options are short (heartbeats, waits) so every test stays well under 30 s.
 */
export interface BrokerHarness {
  readonly kind: BrokerKind;
  /** False when the backend is not running here: its tests are skipped, not failed. */
  readonly ready: boolean;
  readonly producerOptions: ProducerOptions;
  stream(prefix: string): string;
  url(stream: string): string;
  consumerOptions(stream: string): ConsumerOptions & Record<string, unknown>;
  publishRaw(stream: string, payloads: readonly string[]): Promise<void>;
  deadLetterCount(stream: string): Promise<number>;
  /**
   * Whether a dropped connection shows in `sluice_broker_reconnects_total`. Not for Kafka:
   * kafkajs re-dials a reset broker connection inside its next request without telling
   * the client, so the adapter sees no reconnect to count (it counts consumer restarts).
   */
  readonly countsReconnects: boolean;
  /** Cuts the connections of the consumer with this id (created with `consumerOptions(stream)`). */
  dropConnections(stream: string, consumerId: string): Promise<void>;
  close(): Promise<void>;
}

/** Backends as the suite runs them: a kind, or a kind with a variant (`rabbitmq-quorum`). */
export type HarnessName = BrokerKind | 'rabbitmq-quorum';

export async function harnessFor(name: HarnessName): Promise<BrokerHarness> {
  const kind: BrokerKind = name === 'rabbitmq-quorum' ? 'rabbitmq' : name;
  const env = await brokerEnv();
  if (kind === 'redis') return redisHarness(env.redisUrl);
  if (kind === 'redis-stream') return redisStreamHarness(env.redisUrl);
  if (name === 'rabbitmq-quorum') return rabbitHarness(env.amqpUrl, { queueType: 'quorum' });
  if (kind === 'rabbitmq') return rabbitHarness(env.amqpUrl);
  if (kind === 'kafka') return kafkaHarness([...env.kafkaBrokers]);
  return unavailable(kind);
}

function unavailable(kind: BrokerKind): BrokerHarness {
  const no = () => Promise.reject(new Error(`${kind} is not available`));
  return {
    kind,
    ready: false,
    countsReconnects: false,
    producerOptions: {},
    stream: (p) => p,
    url: (s) => s,
    consumerOptions: () => ({}),
    publishRaw: no,
    deadLetterCount: no,
    dropConnections: no,
    close: () => Promise.resolve(),
  };
}

async function redisHarness(base: string): Promise<BrokerHarness> {
  const admin = new Redis(base, { lazyConnect: true, maxRetriesPerRequest: 2 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (error) {
    admin.disconnect();
    if (isUnreachable(error)) return unavailable('redis');
    throw error;
  }
  const streams: string[] = [];
  return {
    kind: 'redis',
    ready: true,
    countsReconnects: true,
    producerOptions: {},
    stream: (prefix) => {
      const s = uniqueStream(`conformance-${prefix}`);
      streams.push(s);
      return s;
    },
    url: (stream) => streamUrl(base, stream, { heartbeatMs: 1_000, reclaimIntervalMs: 250, blockMs: 200 }),
    consumerOptions: () => ({}),
    publishRaw: async (stream, payloads) => {
      await admin.rpush(stream, ...payloads);
    },
    deadLetterCount: (stream) => admin.llen(`${stream}.dlq`),
    dropConnections: async (_stream, consumerId) => {
      const clients = (await admin.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((l) => l.includes(`name=sluice-`) && l.includes(consumerId))
        .map((l) => /\bid=(\d+)/.exec(l)?.[1])
        .filter((id): id is string => id !== undefined);
      if (ids.length === 0) throw new Error(`no Redis connection named after ${consumerId}`);
      for (const id of ids) await admin.client('KILL', 'ID', id);
    },
    close: async () => {
      for (const s of streams) {
        const keys = await admin.keys(`${s}*`);
        if (keys.length > 0) await admin.del(...keys);
      }
      await admin.quit();
    },
  };
}

async function redisStreamHarness(base: string): Promise<BrokerHarness> {
  const list = await redisHarness(base);
  if (!list.ready) return unavailable('redis-stream');
  const admin = new Redis(base, { lazyConnect: true, maxRetriesPerRequest: 2 });
  admin.on('error', () => {});
  await admin.connect();
  return {
    ...list,
    kind: 'redis-stream',
    // Short claim idle time: a killed consumer's entries come back within a second.
    url: (stream) => streamUrl(base, stream, { type: 'stream', claimIdleMs: 500, blockMs: 200 }),
    publishRaw: async (stream, payloads) => {
      const tx = admin.pipeline();
      for (const payload of payloads) tx.xadd(stream, '*', 'data', payload);
      await tx.exec();
    },
    deadLetterCount: (stream) => admin.xlen(`${stream}.dlq`),
    close: async () => {
      await list.close();
      await admin.quit();
    },
  };
}

async function rabbitHarness(base: string, query: Record<string, string> = {}): Promise<BrokerHarness> {
  let model: import('amqplib').ChannelModel;
  try {
    model = await amqp.connect(base);
  } catch (error) {
    if (isUnreachable(error)) return unavailable('rabbitmq');
    throw error;
  }
  model.on('error', () => {});
  // checkQueue on a missing queue closes the channel: open a fresh one per call.
  const withChannel = async <T>(use: (ch: import('amqplib').Channel) => Promise<T>): Promise<T> => {
    const ch = await model.createChannel();
    ch.on('error', () => {});
    try {
      return await use(ch);
    } finally {
      await ch.close().catch(() => {});
    }
  };
  const streams: string[] = [];
  return {
    kind: 'rabbitmq',
    ready: true,
    countsReconnects: true,
    producerOptions: {},
    stream: (prefix) => {
      const s = uniqueStream(`conformance-${prefix}`);
      streams.push(s);
      return s;
    },
    url: (stream) => streamUrl(base, stream, { lingerMs: 20, reconnectMs: 100, ...query }),
    consumerOptions: () => ({}),
    publishRaw: (stream, payloads) =>
      withChannel(async (ch) => {
        for (const p of payloads)
          ch.sendToQueue(stream, Buffer.from(p), { persistent: true, contentType: 'application/json' });
      }),
    deadLetterCount: (stream) =>
      withChannel(async (ch) => (await ch.checkQueue(`${stream}.dlq`)).messageCount),
    dropConnections: async (_stream, consumerId) => {
      // rabbitmqctl is the broker's own tool: the drop happens server-side, as in a real outage.
      const { stdout } = await exec('rabbitmqctl', [
        'list_connections',
        'pid',
        'client_properties',
        '--no-table-headers',
        '-q',
      ]);
      const pids = stdout
        .split('\n')
        .filter((l) => l.includes(`sluice-${consumerId}`))
        .map((l) => l.split('\t')[0] as string);
      if (pids.length === 0) throw new Error(`no RabbitMQ connection named after ${consumerId}`);
      for (const pid of pids)
        await exec('rabbitmqctl', ['close_connection', pid, 'conformance test drops the connection', '-q']);
    },
    close: async () => {
      await withChannel(async (ch) => {
        for (const s of streams) {
          await ch.deleteQueue(s).catch(() => {});
          await ch.deleteQueue(`${s}.dlq`).catch(() => {});
          await ch.deleteExchange(`${s}.dlx`).catch(() => {});
        }
      }).catch(() => {});
      await model.close().catch(() => {});
    },
  };
}

async function kafkaHarness(brokers: string[]): Promise<BrokerHarness> {
  const kafka = new kafkajs.Kafka({
    brokers,
    clientId: 'sluice-conformance',
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    if (isUnreachable(error) || /ECONNREFUSED|Connection error/i.test(String(error)))
      return unavailable('kafka');
    throw error;
  }
  const producer = kafka.producer();
  await producer.connect();
  const topics: string[] = [];
  // The consumers' sockets, per stream, so one test can cut its consumer's connections
  // (kafkajs socketFactory) while the shared broker keeps serving everyone else.
  const sockets = new Map<string, Set<Socket>>();
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  return {
    kind: 'kafka',
    ready: true,
    countsReconnects: false,
    producerOptions: {},
    stream: (prefix) => {
      const s = uniqueStream(`conformance-${prefix}`);
      topics.push(s, `${s}.dlq`);
      return s;
    },
    // One partition: the suite's records share a source (one key), so they would share one anyway.
    url: (stream) => `kafka://${brokers.join(',')}/${stream}?partitions=1`,
    consumerOptions: (stream) => {
      const open = sockets.get(stream) ?? new Set<Socket>();
      sockets.set(stream, open);
      const socketFactory: import('kafkajs').ISocketFactory = ({ host, port, onConnect }) => {
        const socket = tcpConnect({ host, port }, onConnect);
        open.add(socket);
        socket.once('close', () => open.delete(socket));
        return socket;
      };
      // Short session so the member a crash leaves behind is evicted within seconds.
      return {
        group: `${stream}-group`,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        closeTimeoutMs: 5_000,
        socketFactory,
        ...(process.env.CONFORMANCE_DEBUG ? {} : { logger: quiet }),
      };
    },
    publishRaw: async (stream, payloads) => {
      await producer.send({ topic: stream, messages: payloads.map((value) => ({ value })) });
    },
    deadLetterCount: async (stream) => {
      const existing = await admin.listTopics();
      if (!existing.includes(`${stream}.dlq`)) return 0;
      const offsets = await admin.fetchTopicOffsets(`${stream}.dlq`);
      return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    },
    dropConnections: async (stream) => {
      const open = sockets.get(stream);
      if (!open || open.size === 0) throw new Error(`no Kafka connections of a consumer on ${stream}`);
      // As a TCP reset shows itself: an error, then close (a bare destroy() emits no error,
      // and kafkajs would wait out its request timeout before noticing).
      for (const socket of open)
        socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    },
    close: async () => {
      const existing = new Set(await admin.listTopics());
      const ours = topics.filter((t) => existing.has(t));
      if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => {});
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}
