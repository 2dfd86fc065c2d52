import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  groupAlive,
  listenerOn,
  markedProcesses,
  processGroupOf,
  run,
  STACK_ENV,
  spawnDetached,
  stackMarker,
  stopGroup,
} from './process.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-stack-test-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('process groups', () => {
  it('stops a detached group including the children it forked, and nothing marked survives', async () => {
    const dir = await scratch();
    const marker = stackMarker(dir);
    // A shell that forks two children which carry the marker, like the ES launcher forking its server JVM.
    const idle = `'${process.execPath}' -e 'setInterval(() => {}, 1000)' -- ${marker}`;
    const pid = await spawnDetached('sh', ['-c', `${idle} & ${idle} & wait`], {
      cwd: dir,
      env: process.env,
      logFile: join(dir, 'out.log'),
    });
    cleanup.push(async () => {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    });
    expect(await processGroupOf(pid)).toBe(pid);
    let marked: number[] = [];
    for (let i = 0; i < 40 && marked.length < 2; i++) {
      marked = await markedProcesses(dir);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(marked).toHaveLength(2);
    for (const child of marked) expect(await processGroupOf(child)).toBe(pid);

    const result = await stopGroup(pid, 5_000);
    expect(result.forced).toBe(false);
    expect(groupAlive(pid)).toBe(false);
    expect(await markedProcesses(dir)).toEqual([]);
  });

  it('recognises a process by the stack variable alone (the ES launcher JVM has no -D marker)', async () => {
    const dir = await scratch();
    const pid = await spawnDetached('sleep', ['60'], {
      cwd: dir,
      env: { ...process.env, [STACK_ENV]: dir },
      logFile: join(dir, 'out.log'),
    });
    cleanup.push(async () => {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    });
    expect(await markedProcesses(dir)).toEqual([pid]);
    expect(await markedProcesses(`${dir}-other`)).toEqual([]);
    await stopGroup(pid, 5_000);
    expect(await markedProcesses(dir)).toEqual([]);
  });

  it('kills a group that ignores SIGTERM once the grace period is over', async () => {
    const dir = await scratch();
    const pid = await spawnDetached('sh', ['-c', `trap '' TERM; echo ready; while :; do sleep 1; done`], {
      cwd: dir,
      env: process.env,
      logFile: join(dir, 'out.log'),
    });
    cleanup.push(async () => {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    });
    for (let i = 0; i < 50 && !(await readFile(join(dir, 'out.log'), 'utf8')).includes('ready'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await stopGroup(pid, 300);
    expect(result.forced).toBe(true);
    expect(groupAlive(pid)).toBe(false);
  });

  it('reports a failed spawn as an error naming the command', async () => {
    const dir = await scratch();
    await expect(
      spawnDetached(join(dir, 'no-such-binary'), [], {
        cwd: dir,
        env: process.env,
        logFile: join(dir, 'out.log'),
      }),
    ).rejects.toThrow(/could not start .*no-such-binary/);
  });

  it('reports a missing working directory as such, never as a missing program', async () => {
    const dir = await scratch();
    const gone = join(dir, 'not-created-yet');
    // `node` exists: before the fix this said "node not found — install node".
    const ran = run(process.execPath, ['-e', ''], { cwd: gone, hint: 'install node' });
    await expect(ran).rejects.toThrow(
      `cannot run ${process.execPath}: its working directory ${gone} does not exist`,
    );
    await expect(ran).rejects.not.toThrow(/not found/);
    await expect(
      spawnDetached(process.execPath, ['-e', ''], {
        cwd: gone,
        env: process.env,
        logFile: join(dir, 'out.log'),
      }),
    ).rejects.toThrow(`its working directory ${gone} does not exist`);
    // A missing program in an existing directory is still "not found", with its hint.
    await expect(
      run(join(dir, 'no-such-binary'), [], { cwd: dir, hint: 'install it' }),
    ).rejects.toMatchObject({
      message: `${join(dir, 'no-such-binary')} not found`,
      hint: 'install it',
    });
  });

  it('names the owner of a listening port, and nothing for a free one', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const listener = await listenerOn(port);
    expect(listener?.pid).toBe(process.pid);
    expect(listener?.command).toMatch(/node/);
    server.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await listenerOn(port)).toBeUndefined();
  });
});
