import { readFileSync } from 'node:fs';
import {
  ConfigError,
  createLogger,
  type Logger,
  readBoolean,
  readChoice,
  readInteger,
  redactText,
} from '@sluice/core';
import { type ISocketFactory, type KafkaConfig, type LogEntry, logLevel, type SASLOptions } from 'kafkajs';
import type { BrokerTarget } from '../types.js';

/**
 * Connection settings for kafkajs, read from the broker URL and the environment, validated
 * before anything connects. Secrets come from the URL's user info or from
 * `KAFKA_SASL_USERNAME` / `KAFKA_SASL_PASSWORD`, and never reach a log line: kafkajs's
 * own logger is routed through ours, which redacts.
 *
 * URL query options (all optional):
 * - `tls=true`             connect with TLS (system CAs)
 * - `ca=/path/ca.pem`      TLS with this CA bundle (implies tls); env `KAFKA_TLS_CA_FILE`
 * - `sasl=plain|scram-sha-256|scram-sha-512`  mechanism; env `KAFKA_SASL_MECHANISM`;
 *                          default `plain` when credentials are given
 * - `clientId=NAME`        client id seen by the brokers; default `sluice`
 */
export interface KafkaConnectionSettings {
  readonly brokers: string[];
  readonly clientId: string;
  readonly ssl: boolean | { ca: string[] };
  readonly sasl: SASLOptions | undefined;
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export function connectionSettings(
  target: BrokerTarget,
  env: NodeJS.ProcessEnv = process.env,
): KafkaConnectionSettings {
  const options = target.options;
  // `tlsCa` as on the Redis and RabbitMQ URLs, so one spelling works for all three.
  const caFile = options.ca ?? options.tlsCa ?? env.KAFKA_TLS_CA_FILE;
  let ssl: KafkaConnectionSettings['ssl'] = false;
  if (caFile) {
    try {
      ssl = { ca: [readFileSync(caFile, 'utf8')] };
    } catch (error) {
      throw new ConfigError(
        `Kafka CA file ${caFile} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`,
        {
          hint: 'pass ?ca=/path/to/ca.pem (PEM) or set KAFKA_TLS_CA_FILE to a readable file',
        },
      );
    }
  } else if (options.tls !== undefined) {
    ssl = readBoolean('Kafka URL option tls', options.tls, { quote: true });
  }

  const credentials = userInfo(target.connection);
  const username = credentials?.username ?? env.KAFKA_SASL_USERNAME;
  const password = credentials?.password ?? env.KAFKA_SASL_PASSWORD;
  const mechanismText = (options.sasl ?? env.KAFKA_SASL_MECHANISM)?.toLowerCase();
  const mechanism =
    mechanismText === undefined
      ? undefined
      : readChoice('Kafka SASL mechanism', mechanismText, MECHANISMS, {
          quote: true,
          hint: 'set ?sasl=scram-sha-512 in the URL or KAFKA_SASL_MECHANISM',
        });
  let sasl: SASLOptions | undefined;
  if (username !== undefined || password !== undefined || mechanism !== undefined) {
    if (!username || password === undefined) {
      throw new ConfigError('Kafka SASL needs both a username and a password', {
        hint: 'put them in the URL (kafka://USER:PASSWORD@host:9092/topic) or set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
      });
    }
    sasl = { mechanism: mechanism ?? 'plain', username, password };
  }
  const clientId = options.clientId ?? 'sluice';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(clientId)) {
    throw new ConfigError(
      `Kafka URL option clientId must be 1-100 characters of A-Z a-z 0-9 . _ -, got "${clientId}"`,
    );
  }
  return { brokers: [...target.brokers], clientId, ssl, sasl };
}

/** `kafka://user:pa%40ss@h1,h2` -> { user, pa@ss }; percent-encoding lets passwords hold `@` and `:`. */
function userInfo(connection: string): { username: string; password: string } | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(connection);
  if (!m) return undefined;
  const info = m[1] as string;
  const colon = info.indexOf(':');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ConfigError('Kafka URL credentials are badly percent-encoded', {
        hint: 'encode @ : / % in the password as %40 %3A %2F %25',
      });
    }
  };
  return colon < 0
    ? { username: decode(info), password: '' }
    : { username: decode(info.slice(0, colon)), password: decode(info.slice(colon + 1)) };
}

/**
 * The kafkajs client configuration. Retries are bounded inside kafkajs (about 30 s of
 * backoff); past that the consumer's crash handler restarts it, so a broker that comes
 * back after minutes is still picked up (see KafkaConsumer).
 */
export function kafkaConfig(
  settings: KafkaConnectionSettings,
  logger: Logger,
  socketFactory?: ISocketFactory,
): KafkaConfig {
  return {
    ...(socketFactory ? { socketFactory } : {}),
    brokers: settings.brokers,
    clientId: settings.clientId,
    ssl: settings.ssl,
    ...(settings.sasl ? { sasl: settings.sasl } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  };
}

/**
 * kafkajs logs through this: warnings and errors only (its info lines would flood the
 * CLI), both as our `warn`, because what is an error for the user is decided by the
 * adapter, not the client (a broker restart logs connection errors that we survive).
 * Only a few scalar fields are kept; stacks and request payloads are dropped.
 */
export function kafkaLogCreator(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return (_level: logLevel) =>
    ({ namespace, level, log: entry }: LogEntry): void => {
      if (level > logLevel.WARN) return;
      const fields: Record<string, unknown> = { namespace };
      if (isHarmless(namespace, entry.message)) {
        log.debug(String(entry.message), fields);
        return;
      }
      for (const key of [
        'broker',
        'clientId',
        'groupId',
        'topic',
        'partition',
        'error',
        'retryCount',
        'retryTime',
      ]) {
        const value: unknown = entry[key];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
          fields[key] = typeof value === 'string' ? redactText(value) : value;
        }
      }
      log.warn(redactText(String(entry.message)), fields);
    };
}

/**
 * kafkajs warnings that report nothing wrong, kept out of the user's warnings (they stay
 * at debug). "Response without match" (RequestQueue): a response arrived for a request
 * kafkajs had already given up on. It shows on every consumer `disconnect()`, which
 * abandons the long-poll Fetch still in flight while the broker's answer is on its way;
 * kafkajs drops the response, and nothing is lost or stuck (offsets are committed before
 * leaving). The other way to get it is a request that timed out and was retried (kafkajs
 * issues 309, 1570): the retry is what matters there, and the line stays visible at
 * debug for whoever investigates a stuck consumer. Only this exact message is matched.
 */
function isHarmless(namespace: string, message: unknown): boolean {
  return namespace === 'RequestQueue' && message === 'Response without match';
}

export function defaultLogger(): Logger {
  return createLogger().child({ backend: 'kafka' });
}

/** Reads an integer option with the one range rule of @sluice/core; the message names the option and the range. */
export function intOption(
  name: string,
  value: string | number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  return readInteger(`Kafka option ${name}`, value, { min, max, wording: 'between', quote: true });
}
