import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ConfigError, SluiceError } from '@sluice/core';

const execFileAsync = promisify(execFile);
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Java processes we start carry this system property. `stack down` uses it to prove that
 * nothing of ours survived, and `stack up` to recognise its own listeners.
 */
export function stackMarker(runDir: string): string {
  return `-Dsluice.stack=${runDir}`;
}

export interface SpawnDetachedOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here; the child never writes to our terminal. */
  readonly logFile: string;
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * Starts a process as the leader of a new process group (detached = setsid), so that one
 * signal to the group reaches every JVM it forks (Elasticsearch runs a launcher JVM and a
 * server JVM). Resolves with the pid, which is also the group id, once the process exists.
 */
export async function spawnDetached(
  command: string,
  args: readonly string[],
  options: SpawnDetachedOptions,
): Promise<number> {
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', out, out],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    return pid;
  } catch (error) {
    await throwIfCwdMissing(command, options.cwd, error);
    throw new SluiceError(`could not start ${command}: ${(error as Error).message}`, { cause: error });
  } finally {
    closeSync(out);
  }
}

/** True while any process of the group exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export interface StopResult {
  readonly forced: boolean;
  readonly ms: number;
}

/**
 * SIGTERM to the whole group (Kafka and Elasticsearch both shut down cleanly on it), then
 * SIGKILL if it is still there after `graceMs`. Resolves only when the group is empty.
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<StopResult> {
  const started = Date.now();
  signalGroup(pgid, 'SIGTERM');
  while (groupAlive(pgid) && Date.now() - started < graceMs) await sleep(200);
  let forced = false;
  if (groupAlive(pgid)) {
    forced = true;
    signalGroup(pgid, 'SIGKILL');
    const killedAt = Date.now();
    while (groupAlive(pgid)) {
      if (Date.now() - killedAt > 10_000) throw new SluiceError(`process group ${pgid} survived SIGKILL`);
      await sleep(100);
    }
  }
  return { forced, ms: Date.now() - started };
}

/**
 * Every process we start also carries this variable, and so does everything it forks. The
 * Elasticsearch launcher JVM has no -D marker, so without it a freshly started group would
 * look foreign until the server JVM appears.
 */
export const STACK_ENV = 'SLUICE_STACK_RUN';

/** Pids that belong to the stack of `runDir`: the -D marker on the command line or STACK_ENV. */
export async function markedProcesses(runDir: string): Promise<number[]> {
  const marker = stackMarker(runDir);
  const envEntry = `${STACK_ENV}=${runDir}`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.split('\0').includes(marker)) {
        found.push(Number(entry));
        continue;
      }
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').includes(envEntry)) found.push(Number(entry));
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return found;
}

/** Process group of a pid, from /proc/<pid>/stat (fields after the command name). */
export async function processGroupOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/**
 * A short description of a process for messages: the program and its last arguments (for a
 * JVM that is the main class and its config file, not a page of -X flags).
 */
export async function commandLine(pid: number): Promise<string> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    const program = argv[0]?.split('/').pop() ?? '?';
    const rest = argv.slice(1);
    const shown = rest.length > 2 ? ['...', ...rest.slice(-2)] : rest;
    const text = [program, ...shown].join(' ');
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return '';
  }
}

export interface Listener {
  /** Undefined when the port is taken but the owner is not visible to us. */
  readonly pid: number | undefined;
  readonly command: string;
}

/**
 * Who listens on a loopback TCP port, if anyone. Uses `ss` (iproute2) for the owner; without
 * it, still reports that the port is taken.
 */
export async function listenerOn(port: number): Promise<Listener | undefined> {
  try {
    const { stdout } = await execFileAsync('ss', ['-ltnpH', `sport = :${port}`], { timeout: 5000 });
    const lines = stdout.split('\n').filter((l) => l.trim());
    if (lines.length === 0) return undefined;
    const pid = /pid=(\d+)/.exec(lines.join(' '))?.[1];
    if (pid === undefined) return { pid: undefined, command: '' };
    return { pid: Number(pid), command: await commandLine(Number(pid)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const { portOpen } = await import('./probe.js');
    return (await portOpen('127.0.0.1', port, 500)) ? { pid: undefined, command: '' } : undefined;
  }
}

export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function writePidFile(file: string, pid: number): Promise<void> {
  await writeFile(file, `${pid}\n`);
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/**
 * Node reports a missing working directory as ENOENT of the spawn, exactly like a missing
 * program. Telling them apart matters: "mvn not found" sends the user to install Maven when
 * the real fault is a directory we did not create.
 */
async function throwIfCwdMissing(command: string, cwd: string | undefined, error: unknown): Promise<void> {
  if (cwd === undefined || (error as NodeJS.ErrnoException).code !== 'ENOENT') return;
  const present = await stat(cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (present) return;
  throw new SluiceError(`cannot run ${command}: its working directory ${cwd} does not exist`, {
    hint: 'this is a bug in sluice (it must create the directory first); please report it',
    cause: error,
  });
}

/**
 * Runs a command to completion, capturing output; a missing binary becomes a hinted error,
 * a missing working directory a different one.
 */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; hint?: string } = {},
): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    await throwIfCwdMissing(command, options.cwd, error);
    if (e.code === 'ENOENT') {
      throw new ConfigError(`${command} not found`, { hint: options.hint ?? `install ${command}` });
    }
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SluiceError(`${command} ${args.slice(0, 3).join(' ')} failed: ${output || e.message}`, {
      cause: error,
    });
  }
}

/** The last lines of a log file, for errors about a service that died while starting. */
export async function tail(file: string, lines = 12): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
