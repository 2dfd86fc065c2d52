import type { BrokerDescriptor } from '../descriptor.js';
import { encodeAmqp } from './codec.js';

/** RabbitMQ queues through amqplib: `amqp://USER:PASSWORD@HOST:PORT/QUEUE[?vhost=/]`, TLS with `amqps://`. */
export const rabbitmq: BrokerDescriptor = {
  kind: 'rabbitmq',
  label: 'RabbitMQ',
  url: {
    schemes: [
      { scheme: 'amqp:', defaultPort: 5672, example: 'amqp://guest:guest@127.0.0.1:5672/logs' },
      { scheme: 'amqps:', defaultPort: 5671, example: 'amqps://user:PASSWORD@rabbit.example:5671/logs' },
    ],
    streamNoun: 'queue',
    form: 'amqp://guest:guest@127.0.0.1:5672/QUEUE[?vhost=/] (TLS: amqps://)',
    multipleHosts: false,
    secretHint: 'amqp://user:PASSWORD@host:5672/queue',
    // amqplib reads the vhost from the URL path; "/" (the default vhost) is sent as %2F.
    connection: (base, { options }) =>
      options.vhost === undefined ? base : `${base}/${encodeURIComponent(options.vhost)}`,
    usesTls: ({ connection }) => connection.startsWith('amqps:'),
    plainTextHint: 'amqp://',
  },
  help: {
    usage: 'amqp://USER:PASS@HOST:PORT/QUEUE',
    group: 'consumer name prefix',
    lag: 'ready + unacked',
  },
  codec: {
    summary: 'the raw line as the body, id and coordinates in properties and headers',
    linesPerMessage: 'ndjson',
    wireBytes(record) {
      const message = encodeAmqp(record);
      let n = message.body.length + message.messageId.length + message.contentType.length;
      for (const [name, value] of Object.entries(message.headers))
        n += name.length + Buffer.byteLength(String(value));
      return n;
    },
  },
  local: {
    service: 'rabbitmq',
    environment: 'AMQP_URL',
    defaultAddress: 'amqp://guest:guest@127.0.0.1:5672',
    port: 5672,
    streamUrl: (address, stream) => `${address.replace(/\/$/, '')}/${stream}`,
    probe: async (address, timeoutMs) => (await import('./probe.js')).probeAmqp(address, timeoutMs),
    start: {
      native: false,
      // How long `sluice stack up` waits for it to answer after starting it.
      timeoutMs: 180_000,
      command: { binary: 'rabbitmq-server', args: ['-detached'], aptPackage: 'rabbitmq-server' },
    },
    startHint: 'rabbitmq-server -detached',
    logHint: '/var/log/rabbitmq/',
    container: {
      image: 'rabbitmq:3.13-alpine',
      port: 5672,
      readyLog: /Server startup complete/,
      address: (host, port) => `amqp://guest:guest@${host}:${port}`,
    },
  },
  load: async () => (await import('./client.js')).client,
};
