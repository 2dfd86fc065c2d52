import { randomBytes } from 'node:crypto';
import { brokerDescriptor } from '@sluice/brokers';
import { inject } from 'vitest';

/**
 * Where integration tests find their services. Chosen once per run by global-setup.ts, in this
 * order: explicit URLs in the environment (KAFKA_BROKERS, ELASTICSEARCH_URL, REDIS_URL,
 * AMQP_URL), else containers when a Docker engine answers, else the native stack
 * (`sluice stack up`). Tests never choose for themselves; they call `testEnv()`.
 */
export type TestEnvSource = 'env' | 'testcontainers' | 'native';

export interface TestEnv {
  readonly kafkaBrokers: string[];
  readonly redisUrl: string;
  readonly amqpUrl: string;
  readonly elasticsearchUrl: string;
  readonly source: TestEnvSource;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sluiceTestEnv: TestEnv;
  }
}

/** Set by global-setup.ts in the main process; forked workers (and CLI children) inherit it. */
export const SOURCE_VARIABLE = 'SLUICE_TEST_ENV_SOURCE';

/**
 * The services of this run. Reads what global-setup provided; outside a vitest worker (a
 * script, a child process) it falls back to the variables global-setup exported, which every
 * child process inherits.
 */
export function testEnv(): TestEnv {
  let provided: TestEnv | undefined;
  try {
    provided = inject('sluiceTestEnv');
  } catch {
    provided = undefined;
  }
  if (provided) return provided;
  const env = process.env;
  const source = env[SOURCE_VARIABLE];
  return {
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    elasticsearchUrl: env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
    source: source === 'env' || source === 'testcontainers' ? source : 'native',
  };
}

/**
 * Where this run's broker of `kind` is, in the form of that backend's environment variable
 * (`REDIS_URL`, `KAFKA_BROKERS`, ...): global-setup exports every address before any worker
 * starts, so a new backend needs no field here.
 */
export function brokerAddress(kind: string): string {
  const { local } = brokerDescriptor(kind);
  return process.env[local.environment] ?? local.defaultAddress;
}

/**
 * A name no other test, worker or earlier run uses, valid everywhere we use names: Kafka
 * topics and groups, Redis keys, RabbitMQ queues, and Elasticsearch indices (lowercase, no
 * `_` or `-` in front, no `\ / * ? " < > | , #` or spaces).
 */
export function uniqueName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[-.]+/, '')
      .slice(0, 60) || 't';
  return `${clean}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
