import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, redactUrl, SluiceError } from '@sluice/core';
import {
  brokerOfService,
  ELASTICSEARCH_VERSION,
  ENV_VARS,
  KAFKA_VERSION,
  resolveEndpoints,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  type StackPaths,
  stackPaths,
} from './config.js';
import { elasticsearchLayout, launchElasticsearch } from './elasticsearch.js';
import { kafkaLayout, launchKafka } from './kafka.js';
import { withStackLock } from './lock.js';
import { type MachineService, startMachineService } from './machine.js';
import { type ProbeResult, probeElasticsearch } from './probe.js';
import {
  groupAlive,
  listenerOn,
  markedProcesses,
  processGroupOf,
  readPidFile,
  removeFile,
  sleep,
  stopGroup,
  tail,
  writePidFile,
} from './process.js';

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

export interface StackOptions {
  /** Default: all four. */
  readonly services?: readonly ServiceName[];
  /** Where KAFKA_BROKERS, ELASTICSEARCH_URL, REDIS_URL, AMQP_URL are read from. */
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines (downloads, starts); the final status is returned, not printed. */
  readonly note?: (line: string) => void;
}

export interface StackUpResult {
  readonly services: ServiceStatus[];
  readonly endpoints: StackEndpoints;
  readonly ms: number;
}

interface ManagedService {
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

interface Machine {
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

const isManaged = (name: ServiceName): boolean => name in MANAGED;

/** The launcher of a service `isManaged` said is ours; a native broker without one is a registry mistake. */
function managed(name: ServiceName): ManagedService {
  const service = MANAGED[name];
  if (!service)
    throw new Error(`no native launcher for ${name} in packages/cli/src/stack (its descriptor says native)`);
  return service;
}

function machine(name: ServiceName): Machine {
  const service = MACHINES[name];
  if (!service) {
    throw new ConfigError(`${name} is neither launched by the stack nor a machine service`, {
      hint: `valid services: ${SERVICES.join(', ')}`,
    });
  }
  return service;
}

/** The group of our marked processes that holds `pid`, if `pid` is one of ours. */
async function ourGroups(paths: StackPaths): Promise<Set<number>> {
  const groups = new Set<number>();
  for (const pid of await markedProcesses(paths.run)) {
    const group = await processGroupOf(pid);
    if (group !== undefined) groups.add(group);
  }
  return groups;
}

/** The recorded process group, if it is alive and really ours (pids get reused). */
async function runningGroup(service: ManagedService, paths: StackPaths): Promise<number | undefined> {
  const pid = await readPidFile(service.pidFile(paths));
  if (pid === undefined) return undefined;
  if (groupAlive(pid) && (await ourGroups(paths)).has(pid)) return pid;
  await removeFile(service.pidFile(paths));
  return undefined;
}

async function waitHealthy(
  what: string,
  probe: () => Promise<ProbeResult>,
  timeoutMs: number,
  stillRunning: () => boolean,
): Promise<ProbeResult> {
  const started = Date.now();
  let last: ProbeResult = { ok: false, detail: 'not probed yet' };
  while (Date.now() - started < timeoutMs) {
    last = await probe();
    if (last.ok) return last;
    if (!stillRunning()) return { ok: false, detail: `${what} exited` };
    await sleep(500);
  }
  return {
    ok: false,
    detail: `not healthy after ${Math.round(timeoutMs / 1000)}s (last answer: ${last.detail})`,
  };
}

function explicitFailure(service: ServiceName, url: string, detail: string): SluiceError {
  const variable = ENV_VARS[service];
  return new SluiceError(`${variable}=${redactUrl(url)} does not answer: ${detail}`, {
    hint: `start that ${service}, or unset ${variable} so \`sluice stack up\` uses a local one`,
    exitCode: 2,
  });
}

async function upManaged(
  service: ManagedService,
  paths: StackPaths,
  endpoints: StackEndpoints,
  explicit: boolean,
  note: (line: string) => void,
): Promise<ServiceStatus> {
  const url = redactUrl(service.url(endpoints));
  if (explicit) {
    const probe = await service.probe(endpoints);
    if (!probe.ok) throw explicitFailure(service.name, service.url(endpoints), probe.detail);
    return {
      service: service.name,
      up: true,
      url,
      owner: 'env',
      detail: `from ${ENV_VARS[service.name]}: ${probe.detail}`,
    };
  }

  let pid = await runningGroup(service, paths);
  let detail = 'already running';
  if (pid === undefined) {
    const ours = await ourGroups(paths);
    const ports = service.ports(paths);
    for (const port of ports) {
      const listener = await listenerOn(port);
      if (!listener) continue;
      const group = listener.pid === undefined ? undefined : await processGroupOf(listener.pid);
      if (group !== undefined && ours.has(group)) {
        // Ours, but the pid file was lost (e.g. the run dir was cleaned while it ran): adopt it.
        pid = group;
        await writePidFile(service.pidFile(paths), group);
        break;
      }
      const who =
        listener.pid === undefined ? 'a process we cannot see' : `pid ${listener.pid} (${listener.command})`;
      if (port === ports[0]) {
        const probe = await service.probe(endpoints);
        if (probe.ok) {
          return {
            service: service.name,
            up: true,
            url,
            owner: 'foreign',
            ...(listener.pid === undefined ? {} : { pid: listener.pid }),
            detail: `port ${port} is served by ${who}, not started by sluice; using it (${probe.detail})`,
          };
        }
      }
      throw new ConfigError(
        `port ${port} is taken by ${who}, not started by sluice; ${service.name} cannot start`,
        {
          hint: `stop that process, or set ${ENV_VARS[service.name]} to a ${service.name} that is already running`,
        },
      );
    }
  }

  const startedAt = Date.now();
  if (pid === undefined) {
    note(`${service.name}: starting ${service.label}`);
    pid = await service.launch(paths, note);
    await writePidFile(service.pidFile(paths), pid);
    detail = 'started';
  }

  const group = pid;
  const health = await waitHealthy(
    service.name,
    () => service.probe(endpoints),
    service.startTimeoutMs,
    () => groupAlive(group),
  );
  if (!health.ok) {
    const log = service.logFile(paths);
    const lines = await tail(log);
    // A half-started JVM must not outlive the failed command.
    if (groupAlive(group)) await stopGroup(group, 5_000);
    await removeFile(service.pidFile(paths));
    throw new SluiceError(
      `${service.label} did not become healthy: ${health.detail}\n--- last lines of ${log}\n${lines}`,
      {
        hint: `read ${log}; \`sluice stack down --purge\` starts over with empty data`,
      },
    );
  }
  if (detail === 'started')
    detail = `started, healthy after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
  return {
    service: service.name,
    up: true,
    url,
    owner: 'sluice',
    pid: group,
    detail: `${service.label}, ${detail}, ${health.detail}`,
  };
}

async function upMachine(
  machine: Machine,
  endpoints: StackEndpoints,
  explicit: boolean,
  note: (line: string) => void,
): Promise<ServiceStatus> {
  const url = redactUrl(machine.url(endpoints));
  const first = await machine.probe(endpoints);
  if (explicit) {
    if (!first.ok) throw explicitFailure(machine.name, machine.url(endpoints), first.detail);
    return {
      service: machine.name,
      up: true,
      url,
      owner: 'env',
      detail: `from ${ENV_VARS[machine.name]}: ${first.detail}`,
    };
  }
  if (first.ok) return { service: machine.name, up: true, url, owner: 'machine', detail: first.detail };
  const listener = await listenerOn(machine.port);
  if (listener) {
    const who =
      listener.pid === undefined ? 'a process we cannot see' : `pid ${listener.pid} (${listener.command})`;
    throw new ConfigError(
      `port ${machine.port} is taken by ${who} but ${machine.name} does not answer there: ${first.detail}`,
      {
        hint: `check that process, or set ${ENV_VARS[machine.name]}`,
      },
    );
  }
  note(`${machine.name}: not running, starting ${machine.command.binary}`);
  await startMachineService(machine.command);
  const health = await waitHealthy(
    machine.name,
    () => machine.probe(endpoints),
    machine.startTimeoutMs,
    () => true,
  );
  if (!health.ok) {
    throw new SluiceError(`${machine.name} was started but does not answer: ${health.detail}`, {
      hint: `look at its log (${machine.logHint})`,
    });
  }
  return { service: machine.name, up: true, url, owner: 'machine', detail: `started: ${health.detail}` };
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

/**
 * Brings every requested service to "answers requests" and returns where each is. Idempotent:
 * running services are left as they are, addresses from the environment are only checked,
 * and nothing is started on a port that something else holds.
 */
export async function stackUp(options: StackOptions = {}): Promise<StackUpResult> {
  const started = Date.now();
  const note = options.note ?? (() => undefined);
  const paths = stackPaths(options.env);
  const { endpoints, explicit } = resolveEndpoints(options.env);
  const wanted = options.services ?? SERVICES;
  const services = await withStackLock(paths.run, async () => {
    const toStart = wanted.filter((name) => !explicit.has(name));
    for (const dir of stackDirectories(paths, toStart)) await mkdir(dir, { recursive: true });
    // allSettled, not all: the lock must be held until every start has finished, or a second
    // `up` could start a service that is still starting here.
    const outcomes = await Promise.allSettled(
      wanted.map((name) =>
        isManaged(name)
          ? upManaged(managed(name), paths, endpoints, explicit.has(name), note)
          : upMachine(machine(name), endpoints, explicit.has(name), note),
      ),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) {
      for (const o of outcomes) {
        if (o.status === 'fulfilled') note(`${o.value.service}: up (${o.value.detail})`);
      }
      throw failure.reason;
    }
    return outcomes.map((o) => (o as PromiseFulfilledResult<ServiceStatus>).value);
  });
  return { services, endpoints, ms: Date.now() - started };
}

export interface StopReport {
  readonly service: ServiceName | 'stack';
  readonly detail: string;
}

/**
 * Stops what this stack started (Kafka, Elasticsearch) and proves it: the process group is
 * gone and no process carrying our marker survives. Redis and RabbitMQ are the machine's and
 * keep running. `purge` also deletes their data, logs and configs.
 */
export async function stackDown(
  options: StackOptions & { readonly purge?: boolean } = {},
): Promise<StopReport[]> {
  const paths = stackPaths(options.env);
  const wanted = options.services ?? SERVICES;
  return withStackLock(paths.run, async () => {
    const reports = await Promise.all(
      wanted.map(async (name): Promise<StopReport> => {
        if (!isManaged(name))
          return { service: name, detail: 'left running (machine service, not ours to stop)' };
        const service = managed(name);
        const pid = await runningGroup(service, paths);
        let detail = 'was not running';
        if (pid !== undefined) {
          const stop = await stopGroup(pid, service.stopGraceMs);
          detail = `stopped pid ${pid} in ${(stop.ms / 1000).toFixed(1)}s${stop.forced ? ' (killed after the grace period)' : ''}`;
        }
        await removeFile(service.pidFile(paths));
        if (options.purge) {
          await rm(service.dir(paths), { recursive: true, force: true });
          detail += ', data purged';
        }
        return { service: name, detail };
      }),
    );
    // Whatever escaped its group (or was started by an older run without a pid file) goes too.
    const strays = await markedProcesses(paths.run);
    for (const pid of strays) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (strays.length > 0) {
      await sleep(500);
      const left = await markedProcesses(paths.run);
      if (left.length > 0)
        throw new SluiceError(`processes of the stack survived SIGKILL: ${left.join(', ')}`);
      reports.push({ service: 'stack', detail: `killed stray stack process(es) ${strays.join(', ')}` });
    }
    return reports;
  });
}

/** What answers where, without starting or stopping anything. */
export async function stackStatus(options: StackOptions = {}): Promise<ServiceStatus[]> {
  const paths = stackPaths(options.env);
  const { endpoints, explicit } = resolveEndpoints(options.env);
  const wanted = options.services ?? SERVICES;
  return Promise.all(
    wanted.map(async (name): Promise<ServiceStatus> => {
      const target = isManaged(name) ? managed(name) : machine(name);
      const url = redactUrl(target.url(endpoints));
      const probe = await target.probe(endpoints);
      if (explicit.has(name)) return { service: name, up: probe.ok, url, owner: 'env', detail: probe.detail };
      if (!isManaged(name))
        return { service: name, up: probe.ok, url, owner: 'machine', detail: probe.detail };
      const service = managed(name);
      const pid = await runningGroup(service, paths);
      if (pid !== undefined) {
        return {
          service: name,
          up: probe.ok,
          url,
          owner: 'sluice',
          pid,
          detail: probe.ok ? `${service.label}, ${probe.detail}` : `starting or unhealthy: ${probe.detail}`,
        };
      }
      const listener = await listenerOn(service.ports(paths)[0] as number);
      if (listener) {
        return {
          service: name,
          up: probe.ok,
          url,
          owner: 'foreign',
          ...(listener.pid === undefined ? {} : { pid: listener.pid }),
          detail: `not started by sluice: ${listener.command || 'unknown process'}`,
        };
      }
      return {
        service: name,
        up: false,
        url,
        owner: 'sluice',
        detail: 'not running (`sluice stack up` starts it)',
      };
    }),
  );
}
