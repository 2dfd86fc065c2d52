import { type ChildProcess, spawn } from 'node:child_process';
import { brokerDescriptor } from '@sluice/brokers';
import { brokerAddress } from './env.js';

/** The built CLI; end-to-end tests run exactly what users run (`pnpm test` builds first). */
export const cliPath = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;

/** How a command ended and everything it printed (tests compare it whole with `toEqual`). */
export interface CliResult {
  /** The exit code; 137 when a signal ended it (`child.signalCode` of `spawnCli` says which). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin, which is then closed; without it the command gets no stdin. */
  readonly stdin?: string | Buffer;
  /** Variables set on top of this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Inherited variables removed first, so the command sees only what the test gives it. */
  readonly unset?: readonly string[];
  readonly cwd?: string;
  /** The command is killed (SIGKILL) after this long, so a hang fails the test instead of stalling the run. */
  readonly timeoutMs?: number;
  /** Runs as this user (as root, to make a file unreadable to the CLI). */
  readonly as?: { readonly uid: number; readonly gid: number };
}

/** A command started in the background; the test may signal `child` before `exit` resolves. */
export interface RunningCommand {
  readonly child: ChildProcess;
  readonly exit: Promise<CliResult>;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Starts `FILE ARGS`, collecting all it prints. */
export function spawnCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): RunningCommand {
  const env = { ...process.env };
  for (const name of options.unset ?? []) delete env[name];
  const child = spawn(file, args, {
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...env, ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.as === undefined ? {} : { uid: options.as.uid, gid: options.as.gid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d));
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  const exit = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': by then stdout and stderr are read to the end.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr });
    });
  });
  if (options.stdin !== undefined) {
    // A command may exit (a bad flag, exit 2) before reading all of its input: that EPIPE is
    // the command's business, and the exit code tells the test.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.stdin);
  }
  return { child, exit };
}

/** Runs `FILE ARGS` to completion. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  return spawnCommand(file, args, options).exit;
}

/** Starts `sluice ARGS` (the built CLI) in the background, collecting all it prints. */
export function spawnCli(args: readonly string[], options: RunOptions = {}): RunningCommand {
  return spawnCommand(process.execPath, [cliPath, ...args], options);
}

/** Runs `sluice ARGS` (the built CLI) to completion. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).exit;
}

/**
 * The CLI URL of a topic, list or queue on the test environment's broker of this kind, as
 * the backend's descriptor builds it; an unregistered kind throws.
 */
export function brokerUrl(kind: string, stream: string): string {
  return brokerDescriptor(kind).local.streamUrl(brokerAddress(kind), stream);
}

/** A long-running CLI process (a shipper or consumer under test) whose output is not kept whole. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** The exit code; 137 for a kill by signal. */
  readonly exited: Promise<number>;
  /** The last 8,000 characters of its stderr, for assertion messages. */
  readonly stderr: () => string;
}

/**
 * Starts the built CLI without waiting for it and keeps only the tail of its stderr, so a
 * process that logs for minutes holds no growing buffer; the caller stops it (and kills it in
 * afterAll). For a run whose whole output matters, use `spawnCli`.
 */
export function startCli(args: readonly string[], stdin: 'pipe' | 'ignore' = 'ignore'): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: [stdin, 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-8_000)));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 137 : 1))),
  );
  return { child, exited, stderr: () => stderr };
}
