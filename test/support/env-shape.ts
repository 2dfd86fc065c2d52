import { brokerDescriptor } from '@sluice/brokers';

// The shape of the test environment, apart from env.ts because global-setup (vitest's main
// process) builds it and must not import vitest's worker API that env.ts uses.

/**
 * Where integration tests find their services. Chosen once per run by global-setup.ts, in this
 * order: explicit URLs in the environment (ELASTICSEARCH_URL and each broker's variable:
 * KAFKA_BROKERS, REDIS_URL, AMQP_URL, ...), else containers when a Docker engine answers, else
 * the native stack (`sluice stack up`). Tests never choose for themselves; they call `testEnv()`.
 */
export type TestEnvSource = 'env' | 'testcontainers' | 'native';

export interface TestEnv {
  readonly elasticsearchUrl: string;
  /** Every broker service's address, as its environment variable gives it (`brokerAddress`). */
  readonly brokers: Readonly<Record<string, string>>;
  /** Shorthands for the tests of one backend (test/brokers); derived from `brokers`. */
  readonly kafkaBrokers: string[];
  readonly redisUrl: string;
  readonly amqpUrl: string;
  readonly source: TestEnvSource;
}

/** A TestEnv from the addresses of the run's services. */
export function testEnvOf(
  elasticsearchUrl: string,
  brokers: Readonly<Record<string, string>>,
  source: TestEnvSource,
): TestEnv {
  const address = (kind: string) =>
    brokers[brokerDescriptor(kind).local.service] ?? brokerDescriptor(kind).local.defaultAddress;
  return {
    elasticsearchUrl,
    brokers,
    kafkaBrokers: address('kafka')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    redisUrl: address('redis'),
    amqpUrl: address('rabbitmq'),
    source,
  };
}
