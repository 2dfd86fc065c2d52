import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import {
  brokerOfService,
  ELASTICSEARCH_VERSION,
  KAFKA_VERSION,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  type StackPaths,
} from './config.js';
import { elasticsearchLayout, launchElasticsearch } from './elasticsearch.js';
import { kafkaLayout, launchKafka } from './kafka.js';
import type { MachineService } from './machine.js';
import { type ProbeResult, probeElasticsearch } from './probe.js';

/*
 * The services of the stack and who runs each: the ones launched here (MANAGED) and the
 * machine's (MACHINES), with how to reach, probe and start them. What `up`, `down` and
 * `status` do with them is in stack.ts; bringing one of them up is lifecycle.ts.
 */

/**
 * Who runs a service: `sluice` (this stack, stopped by `down`), `machine` (a system service
 * such as the Debian redis-server; never stopped by us), `env` (an address given in the
 * environment; never started or stopped by us), `foreign` (something else on our port).
 */
export type Owner = 'sluice' | 'machine' | 'env' | 'foreign';

export interface ServiceStatus {
  readonly service: ServiceName;
  readonly up: boolean;
  /** Where clients connect; credentials are redacted. */
  readonly url: string;
  readonly owner: Owner;
  readonly pid?: number;
  /** One line for people: version, cluster state, what happened. */
  readonly detail: string;
}

export interface ManagedService {
  readonly name: ServiceName;
  readonly label: string;
  /** Ports the service binds; all must be free (or ours) before it starts. The first is the clients' port. */
  ports(paths: StackPaths): readonly number[];
  readonly startTimeoutMs: number;
  readonly stopGraceMs: number;
  pidFile(paths: StackPaths): string;
  logFile(paths: StackPaths): string;
  dir(paths: StackPaths): string;
  /** Directories it reads or writes, cache and run dir alike; created before any service starts. */
  directories(paths: StackPaths): readonly string[];
  url(endpoints: StackEndpoints): string;
  probe(endpoints: StackEndpoints): Promise<ProbeResult>;
  launch(paths: StackPaths, note: (line: string) => void): Promise<number>;
}

/**
 * What this stack launches itself, by service name: Elasticsearch, and the brokers whose
 * descriptor says `local.start.native` (their launcher is here, beside Elasticsearch's).
 * Everything else is the machine's (see MACHINES).
 *
 * Start timeouts are generous on purpose: on a 2-core machine shared with builds and tests
 * (load average 20), a cold Elasticsearch took over 3 minutes to answer; an idle one takes ~25 s.
 */
const MANAGED: Readonly<Record<ServiceName, ManagedService>> = {
  kafka: {
    name: 'kafka',
    label: `Kafka ${KAFKA_VERSION}`,
    ports: (p) => [p.ports.kafka, p.ports.kafkaController],
    startTimeoutMs: 180_000,
    stopGraceMs: 30_000,
    pidFile: (p) => kafkaLayout(p).pidFile,
    logFile: (p) => kafkaLayout(p).logFile,
    dir: (p) => kafkaLayout(p).dir,
    directories: (p) => [
      join(p.cache, 'kafka', KAFKA_VERSION),
      kafkaLayout(p).dataDir,
      kafkaLayout(p).logsDir,
    ],
    url: (e) => brokerAddress(e, 'kafka'),
    probe: (e) => brokerProbe(e, 'kafka'),
    launch: launchKafka,
  },
  elasticsearch: {
    name: 'elasticsearch',
    label: `Elasticsearch ${ELASTICSEARCH_VERSION}`,
    ports: (p) => [p.ports.elasticsearch],
    startTimeoutMs: 300_000,
    stopGraceMs: 30_000,
    pidFile: (p) => elasticsearchLayout(p).pidFile,
    logFile: (p) => elasticsearchLayout(p).logFile,
    dir: (p) => elasticsearchLayout(p).dir,
    directories: (p) => [
      join(p.cache, 'elasticsearch'),
      elasticsearchLayout(p).dataDir,
      elasticsearchLayout(p).logsDir,
    ],
    url: (e) => e.elasticsearchUrl,
    probe: (e) => probeElasticsearch(e.elasticsearchUrl),
    launch: launchElasticsearch,
  },
};

export interface Machine {
  readonly name: ServiceName;
  readonly port: number;
  readonly command: MachineService;
  readonly startTimeoutMs: number;
  readonly logHint: string;
  url(endpoints: StackEndpoints): string;
  probe(endpoints: StackEndpoints): Promise<ProbeResult>;
}

/** The machine's services (Debian packages): the brokers the registry does not mark native. */
const MACHINES: Readonly<Record<ServiceName, Machine>> = Object.fromEntries(
  SERVICES.flatMap((name) => {
    const local = brokerOfService(name)?.local;
    if (local === undefined || local.start.native) return [];
    const machine: Machine = {
      name,
      port: local.port,
      command: local.start.command,
      startTimeoutMs: local.start.timeoutMs,
      logHint: local.logHint,
      url: (e) => brokerAddress(e, name),
      probe: (e) => brokerProbe(e, name),
    };
    return [[name, machine]];
  }),
);

function brokerAddress(endpoints: StackEndpoints, service: ServiceName): string {
  return endpoints.brokers[service] ?? '';
}

function brokerProbe(endpoints: StackEndpoints, service: ServiceName): Promise<ProbeResult> {
  const descriptor = brokerOfService(service);
  if (descriptor === undefined)
    return Promise.resolve({ ok: false, detail: `no broker backend for ${service}` });
  return descriptor.local.probe(brokerAddress(endpoints, service));
}

export const isManaged = (name: ServiceName): boolean => name in MANAGED;

/** The launcher of a service `isManaged` said is ours; a native broker without one is a registry mistake. */
export function managed(name: ServiceName): ManagedService {
  const service = MANAGED[name];
  if (!service)
    throw new Error(`no native launcher for ${name} in packages/cli/src/stack (its descriptor says native)`);
  return service;
}

export function machine(name: ServiceName): Machine {
  const service = MACHINES[name];
  if (!service) {
    throw new ConfigError(`${name} is neither launched by the stack nor a machine service`, {
      hint: `valid services: ${SERVICES.join(', ')}`,
    });
  }
  return service;
}

/**
 * Every directory the stack uses. Kafka and Elasticsearch start side by side, and on a fresh
 * machine nothing exists yet: each service must find its directories (and the shared cache,
 * run dir and Maven repository) made before either runs a program in them, whatever order
 * the two starts interleave in.
 */
export function stackDirectories(paths: StackPaths, services: readonly ServiceName[]): string[] {
  const dirs = services.filter(isManaged).flatMap((name) => managed(name).directories(paths));
  return dirs.length === 0 ? [] : [paths.cache, paths.run, paths.m2, ...dirs];
}
