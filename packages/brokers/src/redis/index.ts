import { ConfigError } from '@sluice/core';
import type { BrokerDescriptor } from '../descriptor.js';
import { encodeEnvelope } from '../wire.js';

/** Redis lists through ioredis: `redis://[USER:PASSWORD@]HOST:PORT/LIST[?db=N]`, TLS with `rediss://`. */
export const redis: BrokerDescriptor = {
  kind: 'redis',
  label: 'Redis',
  url: {
    schemes: [
      { scheme: 'redis:', defaultPort: 6379, example: 'redis://127.0.0.1:6379/logs' },
      { scheme: 'rediss:', defaultPort: 6379, example: 'rediss://:PASSWORD@redis.example:6380/logs' },
    ],
    streamNoun: 'list',
    form: 'redis://[:PASSWORD@|USER:PASSWORD@]127.0.0.1:6379/LIST[?db=N] (TLS: rediss://)',
    multipleHosts: false,
    secretHint: 'redis://:PASSWORD@host:6379/list',
    validate({ options, shown }) {
      if (options.db !== undefined && !/^\d{1,2}$/.test(options.db)) {
        throw new ConfigError(
          `broker URL option db must be a database number 0-15, got "${options.db}" in ${shown}`,
        );
      }
    },
    usesTls: ({ connection }) => connection.startsWith('rediss:'),
    plainTextHint: 'redis://',
  },
  help: {
    usage: 'redis://HOST:PORT/LIST',
    group: 'consumer name prefix',
    lag: 'list + processing',
  },
  codec: {
    summary: 'one JSON envelope (a Filebeat-shaped event) per list element',
    linesPerMessage: 'frames',
    wireBytes: (record) => Buffer.byteLength(encodeEnvelope(record)),
  },
  local: {
    service: 'redis',
    environment: 'REDIS_URL',
    defaultAddress: 'redis://127.0.0.1:6379',
    port: 6379,
    // The path of REDIS_URL is a database number; the stream takes its place (?db= keeps it).
    streamUrl: (address, stream) => `${address.replace(/\/\d*$/, '')}/${stream}`,
    probe: async (address, timeoutMs) => (await import('./probe.js')).probeRedis(address, timeoutMs),
    start: {
      native: false,
      // How long `sluice stack up` waits for it to answer after starting it.
      timeoutMs: 20_000,
      command: {
        binary: 'redis-server',
        args: [
          '--daemonize',
          'yes',
          '--bind',
          '127.0.0.1',
          '-::1',
          '--port',
          '6379',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          '/var/lib/redis',
          '--logfile',
          '/var/log/redis/ci.log',
        ],
        aptPackage: 'redis-server',
      },
    },
    startHint: 'redis-server --daemonize yes --port 6379',
    logHint: '/var/log/redis/ci.log',
    container: {
      image: 'redis:7-alpine',
      port: 6379,
      address: (host, port) => `redis://${host}:${port}`,
    },
  },
  load: async () => (await import('./client.js')).client,
};
