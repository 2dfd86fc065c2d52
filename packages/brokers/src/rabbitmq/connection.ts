import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { BrokerError, type SluiceError } from '@sluice/core';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import {
  booleanOption,
  choiceOption,
  credentialsFor,
  credentialsOf,
  isTlsTrustFailure,
  numberOption,
  scrub,
} from '../options.js';
import type { BrokerTarget } from '../types.js';

/**
 * Topology and connection settings read from an `amqp://` / `amqps://` target, validated
 * before anything connects. Query options (all optional):
 * `vhost` (default `/`), `exchange` (durable direct exchange, default `sluice`; empty = the
 * default exchange), `queueType` (`classic` | `quorum`, default classic), `heartbeat`
 * (seconds, default 30), `tlsCa`, `tlsInsecure`, `managementUrl` (HTTP API for exact lag).
 */
export interface RabbitTopology {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly queueType: 'classic' | 'quorum';
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
}

export function rabbitTopology(target: BrokerTarget, deadLetter?: string): RabbitTopology {
  const queueType = choiceOption(target, 'queueType', undefined, 'classic', ['classic', 'quorum'] as const);
  return {
    queue: target.stream,
    exchange: target.options.exchange ?? 'sluice',
    routingKey: target.stream,
    queueType,
    deadLetterExchange: `${target.stream}.dlx`,
    deadLetterQueue: deadLetter ?? `${target.stream}.dlq`,
  };
}

/**
 * Declares (idempotently) the durable exchange, the durable queue with its dead-letter
 * exchange, and the dead-letter queue. Producer and consumer both call it, so either may
 * start first without a message being published to an exchange with no queue bound.
 */
export async function declareTopology(channel: Channel, topology: RabbitTopology): Promise<void> {
  const { queue, exchange, routingKey, queueType, deadLetterExchange, deadLetterQueue } = topology;
  await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
  await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { 'x-queue-type': queueType } });
  await channel.bindQueue(deadLetterQueue, deadLetterExchange, routingKey);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': queueType,
      'x-dead-letter-exchange': deadLetterExchange,
      'x-dead-letter-routing-key': routingKey,
    },
  });
  if (exchange !== '') {
    await channel.assertExchange(exchange, 'direct', { durable: true });
    await channel.bindQueue(queue, exchange, routingKey);
  }
}

/**
 * The URL amqplib connects with: the target's, with `AMQP_USERNAME` / `AMQP_PASSWORD` filled
 * in for what its user info leaves out (amqplib would otherwise log in as guest).
 */
export function rabbitConnectUrl(target: BrokerTarget, env: NodeJS.ProcessEnv = process.env): string {
  const fromUrl = credentialsOf(target.connection);
  const { username, password } = credentialsFor(target.connection, 'AMQP', env);
  let url = target.connection;
  if (username !== fromUrl.username || password !== fromUrl.password) {
    const userInfo = `${encodeURIComponent(username ?? 'guest')}:${encodeURIComponent(password ?? '')}@`;
    url = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/]*@)?/i, `$1${userInfo}`);
  }
  return url;
}

/**
 * SNI carries host names only, and Node prints a DEP0123 warning to stderr when a TLS client
 * sets an IP address as server name. amqplib always sets one (it falls back to the URL's
 * host, whatever we pass), so for an IP host the warning is dropped while amqplib opens the
 * socket: tls.connect runs synchronously inside `connect`, and only that one code is
 * filtered; every other warning passes. Certificate checks are unchanged (Node still
 * verifies the IP against the certificate's IP SANs).
 */
function withoutIpServernameWarning<T>(active: boolean, open: () => T): T {
  if (!active) return open();
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' ? (rest[0] as { code?: string } | null)?.code : rest[1];
    if (code === 'DEP0123') return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return open();
  } finally {
    process.emitWarning = emit;
  }
}

export async function connectRabbit(target: BrokerTarget, name: string): Promise<ChannelModel> {
  const heartbeat = numberOption(target, 'heartbeat', undefined, 30, 0, 600);
  const tls = target.connection.startsWith('amqps:');
  // `ca` as on Kafka URLs, so one spelling works for all three.
  const ca = target.options.tlsCa ?? target.options.ca;
  const host = (target.brokers[0] as string).replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const base = rabbitConnectUrl(target);
  const url = `${base}${base.includes('?') ? '&' : '?'}heartbeat=${heartbeat}`;
  try {
    const opening = withoutIpServernameWarning(tls && isIP(host) !== 0, () =>
      connect(url, {
        clientProperties: { connection_name: name },
        ...(tls
          ? {
              servername: host,
              rejectUnauthorized: !booleanOption(target, 'tlsInsecure', false),
              ...(ca ? { ca: [readFileSync(ca)] } : {}),
            }
          : {}),
      }),
    );
    const model = await opening;
    // Errors also arrive as 'close'; without a listener an 'error' event would crash the process.
    model.on('error', () => {});
    return model;
  } catch (error) {
    throw rabbitError(target, 'connection', error);
  }
}

const AUTH_FAILURE = /ACCESS[-_]REFUSED|403|authentication|NOT_ALLOWED|530/i;

/** A RabbitMQ failure as a BrokerError that names host:port and never the password. */
export function rabbitError(target: BrokerTarget, action: string, error: unknown): SluiceError {
  if (error instanceof BrokerError) return error;
  const message = scrub(
    error instanceof Error ? error.message : String(error),
    target.connection,
    process.env.AMQP_PASSWORD,
  );
  const where = target.brokers[0];
  if (/PRECONDITION_FAILED|406/.test(message) && /inequivalent arg/.test(message)) {
    return new BrokerError(`RabbitMQ ${action} at ${where} failed: ${message}`, {
      retriable: false,
      hint: 'the queue exists with other arguments (type or dead-letter exchange): pass the matching ?queueType= or delete the queue',
    });
  }
  if (isTlsTrustFailure(error)) {
    return new BrokerError(`RabbitMQ ${action} at ${where} failed: ${message}`, {
      retriable: false,
      exitCode: 2,
      hint: "the broker's TLS certificate is not trusted: pass its CA with ?tlsCa=/path/ca.pem, and check that the certificate names the host in the URL",
    });
  }
  if (AUTH_FAILURE.test(message)) {
    // Refused credentials are configuration the user must fix: exit code 2, as for bad input.
    return new BrokerError(`RabbitMQ at ${where} refused ${action}: ${message}`, {
      retriable: false,
      exitCode: 2,
      hint: 'check the user, password and vhost in the URL (amqp://USER:PASSWORD@HOST:PORT/QUEUE?vhost=VHOST) or in AMQP_USERNAME / AMQP_PASSWORD, and the permissions of that user',
    });
  }
  return new BrokerError(`RabbitMQ ${action} at ${where} failed: ${message}`, {
    retriable: true,
    hint: 'is RabbitMQ running? start it with `rabbitmq-server -detached`; or pass a different URL',
  });
}
