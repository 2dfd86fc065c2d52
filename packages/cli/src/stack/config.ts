import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROKERS, type BrokerDescriptor } from '@sluice/brokers';
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

/** Broker heap is modest on purpose: the machine is shared by tests, workers and Elasticsearch. */
export const KAFKA_HEAP = '-Xmx768m';
export const ELASTICSEARCH_HEAP = '-Xms1g -Xmx1g';
/** Elasticsearch refuses to run as root; when we are root it runs as this user (SLUICE_ES_USER). */
export const DEFAULT_ES_USER = 'nobody';

/**
 * A service of the stack: `elasticsearch`, or a broker's `local.service` from the brokers
 * registry (descriptors that share a server share its service).
 */
export type ServiceName = string;

/** The broker services, once each, in registry order; those the stack launches natively first. */
const BROKER_SERVICES: readonly string[] = [
  ...new Set(
    [...BROKERS]
      .sort((a, b) => Number(b.local.start.native) - Number(a.local.start.native))
      .map((d) => d.local.service),
  ),
];
const NATIVE_BROKERS = BROKER_SERVICES.filter((s) =>
  BROKERS.some((d) => d.local.service === s && d.local.start.native),
);

/** Natively launched brokers, Elasticsearch, then the machine's brokers: the order `status` prints. */
export const SERVICES: readonly ServiceName[] = [
  ...NATIVE_BROKERS,
  'elasticsearch',
  ...BROKER_SERVICES.filter((s) => !NATIVE_BROKERS.includes(s)),
];

/** The broker descriptor that owns a stack service (the first registered, when several share it). */
export function brokerOfService(service: ServiceName): BrokerDescriptor | undefined {
  return BROKERS.find((d) => d.local.service === service);
}

/** For people: "Kafka", "Elasticsearch". */
export function serviceLabel(service: ServiceName): string {
  return brokerOfService(service)?.label ?? (service === 'elasticsearch' ? 'Elasticsearch' : service);
}

/** Services that belong to the machine (started if down, never stopped by `stack down`). */
export function isMachineService(service: ServiceName): boolean {
  return brokerOfService(service)?.local.start.native === false;
}

/** Where each service is reached. Explicit environment variables win over the local defaults. */
export interface StackEndpoints {
  readonly elasticsearchUrl: string;
  /**
   * Each broker service's address, in the form of its environment variable (`REDIS_URL`: a
   * URL; `KAFKA_BROKERS`: a host:port list), keyed by service name.
   */
  readonly brokers: Readonly<Record<ServiceName, string>>;
}

/** The variable that gives each service's address. */
export const ENV_VARS: Readonly<Record<ServiceName, string>> = {
  elasticsearch: 'ELASTICSEARCH_URL',
  ...Object.fromEntries(BROKERS.map((d) => [d.local.service, d.local.environment])),
};

export interface ResolvedEndpoints {
  readonly endpoints: StackEndpoints;
  /** Services whose address came from the environment: the stack never starts those. */
  readonly explicit: ReadonlySet<ServiceName>;
}

export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env): ResolvedEndpoints {
  const ports = stackPorts(env);
  const explicit = new Set<ServiceName>();
  const pick = (service: ServiceName, fallback: string): string => {
    const value = env[ENV_VARS[service] as string]?.trim();
    if (!value) return fallback;
    explicit.add(service);
    return value;
  };
  const brokers: Record<ServiceName, string> = {};
  for (const service of BROKER_SERVICES) {
    const local = (brokerOfService(service) as (typeof BROKERS)[number]).local;
    // A natively launched broker listens where the stack's ports say (SLUICE_<SERVICE>_PORT).
    const fallback = local.start.native
      ? local.defaultAddress.replace(`:${local.port}`, `:${nativePort(ports, service, local.port)}`)
      : local.defaultAddress;
    const address = pick(service, fallback);
    brokers[service] = local.normalizeAddress?.(address) ?? address;
  }
  return {
    endpoints: {
      elasticsearchUrl: pick('elasticsearch', `http://127.0.0.1:${ports.elasticsearch}`).replace(/\/+$/, ''),
      brokers,
    },
    explicit,
  };
}

/** A native service's clients' port is `StackPorts[service]` (`SLUICE_KAFKA_PORT`), when it has one. */
function nativePort(ports: StackPorts, service: ServiceName, fallback: number): number {
  return service in ports ? ports[service as keyof StackPorts] : fallback;
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
