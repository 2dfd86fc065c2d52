import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@sluice/core';

/**
 * The one place the native stack's versions, ports and directories are decided.
 *
 * Kafka 4.4.0 is the newest release on Maven Central, and kafkajs 2.2.4 passes our
 * compatibility run against it (topics, idempotent acks=-1 producer, a two-member consumer
 * group with eachBatch and manual commits, fetchOffsets, fetchTopicOffsets, a member leaving);
 * see deploy/native/README.md for the table of what was tried.
 */
export const KAFKA_VERSION = '4.4.0';
/** Latest 8.x integ-test-zip on Maven Central; matches the @elastic/elasticsearch 8.19 client. */
export const ELASTICSEARCH_VERSION = '8.19.21';

export const KAFKA_PORT = 9092;
/** KRaft controller listener; loopback only, never advertised to clients. */
export const KAFKA_CONTROLLER_PORT = 9093;
export const ELASTICSEARCH_PORT = 9200;
export const REDIS_PORT = 6379;
export const AMQP_PORT = 5672;

/** Broker heap is modest on purpose: the machine is shared by tests, workers and Elasticsearch. */
export const KAFKA_HEAP = '-Xmx768m';
export const ELASTICSEARCH_HEAP = '-Xms1g -Xmx1g';
/** Elasticsearch refuses to run as root; when we are root it runs as this user (SLUICE_ES_USER). */
export const DEFAULT_ES_USER = 'nobody';

export type ServiceName = 'kafka' | 'elasticsearch' | 'redis' | 'rabbitmq';
export const SERVICES: readonly ServiceName[] = ['kafka', 'elasticsearch', 'redis', 'rabbitmq'];

/** Where each service is reached. Explicit environment variables win over the local defaults. */
export interface StackEndpoints {
  readonly kafkaBrokers: string[];
  readonly elasticsearchUrl: string;
  readonly redisUrl: string;
  readonly amqpUrl: string;
}

export const DEFAULT_ENDPOINTS: StackEndpoints = {
  kafkaBrokers: [`127.0.0.1:${KAFKA_PORT}`],
  elasticsearchUrl: `http://127.0.0.1:${ELASTICSEARCH_PORT}`,
  redisUrl: `redis://127.0.0.1:${REDIS_PORT}`,
  amqpUrl: `amqp://guest:guest@127.0.0.1:${AMQP_PORT}`,
};

export const ENV_VARS: Record<ServiceName, string> = {
  kafka: 'KAFKA_BROKERS',
  elasticsearch: 'ELASTICSEARCH_URL',
  redis: 'REDIS_URL',
  rabbitmq: 'AMQP_URL',
};

export interface ResolvedEndpoints {
  readonly endpoints: StackEndpoints;
  /** Services whose address came from the environment: the stack never starts those. */
  readonly explicit: ReadonlySet<ServiceName>;
}

export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env): ResolvedEndpoints {
  const ports = stackPorts(env);
  const defaults: StackEndpoints = {
    ...DEFAULT_ENDPOINTS,
    kafkaBrokers: [`127.0.0.1:${ports.kafka}`],
    elasticsearchUrl: `http://127.0.0.1:${ports.elasticsearch}`,
  };
  const explicit = new Set<ServiceName>();
  const pick = (service: ServiceName, fallback: string): string => {
    const value = env[ENV_VARS[service]]?.trim();
    if (!value) return fallback;
    explicit.add(service);
    return value;
  };
  const brokers = pick('kafka', defaults.kafkaBrokers.join(','));
  return {
    endpoints: {
      kafkaBrokers: brokers
        .split(',')
        .map((b) => b.trim().replace(/^[a-z]+:\/\//i, ''))
        .filter(Boolean),
      elasticsearchUrl: pick('elasticsearch', defaults.elasticsearchUrl).replace(/\/+$/, ''),
      redisUrl: pick('redis', DEFAULT_ENDPOINTS.redisUrl),
      amqpUrl: pick('rabbitmq', DEFAULT_ENDPOINTS.amqpUrl),
    },
    explicit,
  };
}

export interface StackPorts {
  readonly kafka: number;
  readonly kafkaController: number;
  readonly elasticsearch: number;
}

const PORT_VARIABLES = {
  kafka: ['SLUICE_KAFKA_PORT', KAFKA_PORT],
  kafkaController: ['SLUICE_KAFKA_CONTROLLER_PORT', KAFKA_CONTROLLER_PORT],
  elasticsearch: ['SLUICE_ELASTICSEARCH_PORT', ELASTICSEARCH_PORT],
} as const;

/**
 * Ports of the services this stack starts. The defaults are what every doc and test assumes;
 * the overrides exist to run a second, isolated stack (with its own SLUICE_STACK_DIR) beside
 * the shared one, e.g. to measure a cold start without stopping anyone's broker.
 */
export function stackPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const read = ([variable, fallback]: readonly [string, number]): number => {
    const raw = env[variable]?.trim();
    if (!raw) return fallback;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      throw new ConfigError(`${variable} must be a port between 1024 and 65535, got ${raw}`);
    }
    return port;
  };
  return {
    kafka: read(PORT_VARIABLES.kafka),
    kafkaController: read(PORT_VARIABLES.kafkaController),
    elasticsearch: read(PORT_VARIABLES.elasticsearch),
  };
}

export interface StackPaths {
  /** Downloads and unpacked distributions; safe to delete, rebuilt on the next `stack up`. */
  readonly cache: string;
  /** Pid files, configs, data and logs of the running services. */
  readonly run: string;
  /** deploy/native in the repository: the pom and log config we ship. */
  readonly deploy: string;
  /** Maven's local repository, where the Kafka jars and the Elasticsearch zip are cached. */
  readonly m2: string;
  readonly ports: StackPorts;
}

/**
 * As root, Elasticsearch must run as an unprivileged user that cannot enter /root, so the
 * cache and run dir move to /var/cache/sluice and /var/lib/sluice/stack. Otherwise the XDG
 * locations are used. SLUICE_CACHE_DIR and SLUICE_STACK_DIR override both.
 */
export function stackPaths(env: NodeJS.ProcessEnv = process.env): StackPaths {
  const home = homedir();
  const root = process.getuid?.() === 0;
  const cache =
    env.SLUICE_CACHE_DIR ||
    (root ? '/var/cache/sluice' : join(env.XDG_CACHE_HOME || join(home, '.cache'), 'sluice'));
  const run =
    env.SLUICE_STACK_DIR ||
    (root
      ? '/var/lib/sluice/stack'
      : join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'sluice', 'stack'));
  // src/stack and dist/stack sit at the same depth, so this works from sources (vitest) and builds.
  const deploy = fileURLToPath(new URL('../../../../deploy/native/', import.meta.url));
  return { cache, run, deploy, m2: join(home, '.m2', 'repository'), ports: stackPorts(env) };
}
