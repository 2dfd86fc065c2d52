import { randomBytes } from 'node:crypto';
import { BROKERS, brokerDescriptor } from '@sluice/brokers';
import { inject } from 'vitest';
import { type TestEnv, testEnvOf } from './env-shape.js';

export { type TestEnv, type TestEnvSource, testEnvOf } from './env-shape.js';

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
  const brokers = Object.fromEntries(
    BROKERS.map((d) => [d.local.service, env[d.local.environment] ?? d.local.defaultAddress]),
  );
  return testEnvOf(
    env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
    brokers,
    source === 'env' || source === 'testcontainers' ? source : 'native',
  );
}

/**
 * Where this run's broker of `kind` is, in the form of that backend's environment variable
 * (`REDIS_URL`, `KAFKA_BROKERS`, ...): global-setup exports every address before any worker
 * starts, so a new backend needs no field here.
 */
export function brokerAddress(kind: string): string {
  const { local } = brokerDescriptor(kind);
  return testEnv().brokers[local.service] ?? process.env[local.environment] ?? local.defaultAddress;
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
