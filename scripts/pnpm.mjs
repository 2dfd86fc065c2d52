// Shared by the top-level scripts: run pnpm (the pinned version from package.json) and
// other commands, streaming their output, so a fresh machine needs nothing but Node.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const pinned = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).packageManager;

// Inside `pnpm run`, npm_execpath is the running pnpm; otherwise fetch the pinned one through npx.
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  return ['npx', ['--yes', pinned]];
}

/** Runs a command with inherited stdio; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export async function pnpm(args, options) {
  const [cmd, pre] = pnpmCommand();
  return run(cmd, [...pre, ...args], options);
}

/** Installs node modules when they are missing or older than the lockfile. */
export async function ensureInstalled() {
  const marker = `${root}node_modules/.modules.yaml`;
  const lock = `${root}pnpm-lock.yaml`;
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  const code = await pnpm(['install', ...frozen]);
  if (code !== 0) throw new Error(`pnpm install failed (exit ${code})`);
}

export async function build() {
  const code = await run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b']);
  if (code !== 0) throw new Error(`TypeScript build failed (exit ${code})`);
}

/** Runs the built CLI. */
export function sluice(args, options) {
  return run(process.execPath, [`${root}packages/cli/dist/main.js`, ...args], options);
}

export function sluiceOutput(args) {
  const r = spawnSync(process.execPath, [`${root}packages/cli/dist/main.js`, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
