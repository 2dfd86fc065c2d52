import { ConfigError, redactUrl, SluiceError } from '@sluice/core';
import { ENV_VARS, type ServiceName, type StackEndpoints, type StackPaths } from './config.js';
import { startMachineService } from './machine.js';
import type { ProbeResult } from './probe.js';
import {
  groupAlive,
  type Listener,
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
import type { Machine, ManagedService, ServiceStatus } from './services.js';

/*
 * Bringing one service up, and knowing whether a launched one is still ours: adopt what we
 * started before, use or refuse what someone else runs on our port, launch, wait until it
 * answers. Process groups and pid files are how "ours" is proven (pids get reused).
 */

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
export async function runningGroup(service: ManagedService, paths: StackPaths): Promise<number | undefined> {
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

/** Who holds a port, for a message: its pid and command when we may see them. */
function holderOf(listener: Listener): string {
  return listener.pid === undefined ? 'a process we cannot see' : `pid ${listener.pid} (${listener.command})`;
}

function explicitFailure(service: ServiceName, url: string, detail: string): SluiceError {
  const variable = ENV_VARS[service];
  return new SluiceError(`${variable}=${redactUrl(url)} does not answer: ${detail}`, {
    hint: `start that ${service}, or unset ${variable} so \`sluice stack up\` uses a local one`,
    exitCode: 2,
  });
}

export async function upManaged(
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
      const who = holderOf(listener);
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

export async function upMachine(
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
    const who = holderOf(listener);
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
