import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { BrokerError, type SluiceError } from '@sluice/core';
import type { ChainableCommander, RedisOptions } from 'ioredis';
import { booleanOption, credentialsFor, isTlsTrustFailure, numberOption, scrub } from '../options.js';
import type { BrokerTarget } from '../types.js';
import { Redis } from './ioredis.js';

/**
 * ioredis options from a parsed `redis://` or `rediss://` target. TLS: `rediss://`,
 * `?tlsCa=/path/ca.pem` for a private CA, `?tlsInsecure=true` to skip verification (tests
 * only). AUTH: `redis://:PASSWORD@` (default user) or `redis://USER:PASSWORD@` (ACL user), or
 * `REDIS_USERNAME` / `REDIS_PASSWORD` for what the URL leaves out.
 */
export function redisOptions(
  target: BrokerTarget,
  overrides: RedisOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): RedisOptions {
  const [hostPort] = target.brokers;
  const split = (hostPort as string).lastIndexOf(':');
  const host = (hostPort as string).slice(0, split).replace(/^\[|\]$/g, '');
  const port = Number((hostPort as string).slice(split + 1));
  const tls = target.connection.startsWith('rediss:');
  // `ca` as on Kafka URLs, so one spelling works for all three.
  const ca = target.options.tlsCa ?? target.options.ca;
  return {
    host,
    port,
    ...credentialsFor(target.connection, 'REDIS', env),
    db: numberOption(target, 'db', undefined, 0, 0, 15),
    ...(tls
      ? {
          tls: {
            // SNI carries host names only; Node warns (DEP0123) when given an IP address.
            ...(isIP(host) ? {} : { servername: host }),
            rejectUnauthorized: !booleanOption(target, 'tlsInsecure', false),
            ...(ca ? { ca: readFileSync(ca) } : {}),
          },
        }
      : {}),
    lazyConnect: true,
    connectionName: 'sluice',
    // ioredis's ready check runs INFO, which Redis puts in @dangerous: a least-privilege ACL
    // user is refused it, and ioredis then prints a warning to the console on every connect.
    // connectRedis PINGs instead; a server still loading its data answers LOADING, which is
    // retried like any connection failure.
    enableReadyCheck: false,
    // Reconnect forever with a capped backoff; callers decide when to give up.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 8), 5_000),
    ...overrides,
  };
}

export function createRedis(target: BrokerTarget, overrides: RedisOptions = {}): Redis {
  const client = new Redis(redisOptions(target, overrides));
  // Without a listener ioredis prints every connection error to the console, unredacted.
  client.on('error', () => {});
  return client;
}

const AUTH_FAILURE = /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i;

/** A Redis failure as a BrokerError that names host:port, never the password. */
export function redisError(target: BrokerTarget, action: string, error: unknown): SluiceError {
  const message = scrub(
    error instanceof Error ? error.message : String(error),
    target.connection,
    process.env.REDIS_PASSWORD,
  );
  const where = target.brokers[0];
  if (isTlsTrustFailure(error)) {
    return new BrokerError(`Redis ${action} at ${where} failed: ${message}`, {
      retriable: false,
      exitCode: 2,
      hint: "the server's TLS certificate is not trusted: pass its CA with ?tlsCa=/path/ca.pem, and check that the certificate names the host in the URL",
    });
  }
  if (AUTH_FAILURE.test(message)) {
    // Refused credentials are configuration the user must fix: exit code 2, as for bad input.
    return new BrokerError(`Redis at ${where} refused ${action}: ${message}`, {
      retriable: false,
      exitCode: 2,
      hint: 'check the user and password in the URL (redis://:PASSWORD@HOST:PORT/LIST or redis://USER:PASSWORD@...) or in REDIS_USERNAME / REDIS_PASSWORD, and the ACL rules for the list',
    });
  }
  return new BrokerError(`Redis ${action} at ${where} failed: ${message}`, {
    retriable: true,
    hint: 'is Redis running? start it with `redis-server --daemonize yes --port 6379`; or pass a different URL',
  });
}

/** Connects and checks AUTH, mapping the failure; ioredis would otherwise retry silently. */
export async function connectRedis(client: Redis, target: BrokerTarget): Promise<void> {
  let lastError: unknown;
  const onError = (error: unknown) => {
    lastError = error;
  };
  client.on('error', onError);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw redisError(target, 'connection', lastError ?? error);
  } finally {
    client.off('error', onError);
  }
}

/**
 * `connectRedis` for a client several callers share: the first call connects, the others wait
 * for the same attempt, and a failed attempt is forgotten so the next call tries again.
 */
export function connectOnce(client: Redis, target: BrokerTarget): () => Promise<void> {
  let connecting: Promise<void> | undefined;
  return () => {
    connecting ??= connectRedis(client, target).catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };
}

/** Runs a pipeline of writes; any command's error (or an aborted pipeline) fails the whole publish. */
export async function execWrites(
  pipeline: ChainableCommander,
  target: BrokerTarget,
  command: string,
): Promise<void> {
  let results: [Error | null, unknown][] | null;
  try {
    results = await pipeline.exec();
  } catch (error) {
    throw redisError(target, command, error);
  }
  const failed = results?.find(([error]) => error !== null);
  if (!results || failed) throw redisError(target, command, failed?.[0] ?? 'pipeline aborted');
}

/**
 * QUIT when connected, else drop the socket. QUIT on a client that is not ready waits in the
 * offline queue behind whatever was queued (a ready check after a refused AUTH) and, with
 * reconnection stopped, never settles: the process would end with that promise pending.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}
