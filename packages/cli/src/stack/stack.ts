import { mkdir, rm } from 'node:fs/promises';
import { redactUrl, SluiceError } from '@sluice/core';
import { resolveEndpoints, SERVICES, type ServiceName, type StackEndpoints, stackPaths } from './config.js';
import { runningGroup, upMachine, upManaged } from './lifecycle.js';
import { withStackLock } from './lock.js';
import { listenerOn, markedProcesses, removeFile, sleep, stopGroup } from './process.js';
import { isManaged, machine, managed, type ServiceStatus, stackDirectories } from './services.js';

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
