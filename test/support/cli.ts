import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { brokerDescriptor } from '@sluice/brokers';
import { brokerAddress } from './env.js';

/** The built CLI; end-to-end tests run exactly what users run. */
export const cliPath = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;

/** Runs `sluice ARGS` to completion, killing it after `timeoutMs`. */
export function runCli(
  args: string[],
  timeoutMs = 120_000,
  as?: { readonly uid: number; readonly gid: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(as === undefined ? {} : { uid: as.uid, gid: as.gid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** A loopback port nobody listens on right now (for `--metrics`). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The CLI URL of a topic, list or queue on the test environment's broker of this kind, as
 * the backend's descriptor builds it; an unregistered kind throws.
 */
export function brokerUrl(kind: string, stream: string): string {
  return brokerDescriptor(kind).local.streamUrl(brokerAddress(kind), stream);
}

/** A CLI process running in the background (a shipper or consumer under test). */
export interface CliProcess {
  readonly child: ChildProcess;
  /** The exit code; 137 for a kill by signal. */
  readonly exited: Promise<number>;
  /** The last 8,000 characters of its stderr, for assertion messages. */
  readonly stderr: () => string;
}

/** Starts the built CLI without waiting for it; the caller stops it (and kills it in afterAll). */
export function startCli(args: readonly string[], stdin: 'pipe' | 'ignore' = 'ignore'): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: [stdin, 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-8_000)));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 137 : 1))),
  );
  return { child, exited, stderr: () => stderr };
}
