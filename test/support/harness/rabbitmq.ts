import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { streamUrl, uniqueStream } from '../brokers.js';
import { type BrokerHarness, isUnreachable, requireFromBrokers, unavailable } from './common.js';

const exec = promisify(execFile);
const amqp = requireFromBrokers('amqplib') as typeof import('amqplib');

/**
 * `rabbitmq-quorum`: the same suite on quorum queues. `rabbitmq-raw`: batches handed over
 * undecoded (`rawPayloads`), as `sluice consume` opens the consumer.
 */
export const variants = ['quorum', 'raw'] as const;

export const createHarness = (address: string, variant?: string): Promise<BrokerHarness> =>
  rabbitHarness(address, variant === 'quorum' ? { queueType: 'quorum' } : {}, variant === 'raw');

async function rabbitHarness(
  base: string,
  query: Record<string, string> = {},
  raw = false,
): Promise<BrokerHarness> {
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
    consumerOptions: () => (raw ? { rawPayloads: true } : {}),
    // Confirmed before it resolves, as the producer's own publishes are: a quorum queue
    // enqueues an unconfirmed message whenever its Raft log gets to it, so it could land after
    // the records a test publishes next (and a drain that stops at the good records closed
    // before the poison arrived: seen once under load).
    publishRaw: async (stream, payloads) => {
      const ch = await model.createConfirmChannel();
      ch.on('error', () => {});
      try {
        for (const p of payloads)
          ch.sendToQueue(stream, Buffer.from(p), { persistent: true, contentType: 'application/json' });
        await ch.waitForConfirms();
      } finally {
        await ch.close().catch(() => {});
      }
    },
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
