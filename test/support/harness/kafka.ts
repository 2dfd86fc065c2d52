import { type Socket, connect as tcpConnect } from 'node:net';
import { uniqueStream } from '../brokers.js';
import { type BrokerHarness, isUnreachable, requireFromBrokers, unavailable } from './common.js';

const kafkajs = requireFromBrokers('kafkajs') as typeof import('kafkajs');

/** `kafka-raw`: batches handed over undecoded (`rawPayloads`), as `sluice consume` opens the consumer. */
export const variants = ['raw'] as const;

export const createHarness = (address: string, variant?: string): Promise<BrokerHarness> =>
  kafkaHarness(
    address
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    variant === 'raw',
  );

async function kafkaHarness(brokers: string[], raw = false): Promise<BrokerHarness> {
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
        ...(raw ? { rawPayloads: true } : {}),
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
