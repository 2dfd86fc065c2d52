import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenerOn, markedProcesses, stackDown, stackStatus, stackUp } from '@sluice/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';

// The stack's promises, on a second, isolated Kafka (its own ports and run dir, the shared
// download cache), so the shared stack other tests use is never touched. Kafka only: it proves
// the same process-group code paths as Elasticsearch at a fraction of the start-up cost.
describe('stack lifecycle (isolated Kafka)', async () => {
  const run = await mkdtemp(join(tmpdir(), 'sluice-stack-lifecycle-'));
  const port = await freePort();
  const controllerPort = await freePort();
  const env = {
    ...process.env,
    SLUICE_STACK_DIR: run,
    SLUICE_KAFKA_PORT: String(port),
    SLUICE_KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_BROKERS: '',
  };
  const other = { ...env, SLUICE_STACK_DIR: `${run}-other` };

  afterAll(async () => {
    await stackDown({ env, services: ['kafka'] }).catch(() => undefined);
    await rm(run, { recursive: true, force: true });
    await rm(`${run}-other`, { recursive: true, force: true });
  });

  it('refuses to start beside a process of someone else on one of its ports, naming it', async () => {
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(controllerPort, '127.0.0.1', resolve));
    try {
      const error = await stackUp({ env, services: ['kafka'] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ConfigError', exitCode: 2 });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^port ${controllerPort} is taken by pid ${process.pid} \\(node .*\\), not started by sluice; kafka cannot start$`,
        ),
      );
      expect(await markedProcesses(run)).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('starts, is idempotent, is recognised as foreign by another stack, and stops without strays', {
    timeout: 300_000,
  }, async () => {
    const first = await stackUp({ env, services: ['kafka'] });
    const kafka = first.services[0];
    expect(kafka).toMatchObject({ service: 'kafka', up: true, owner: 'sluice', url: `127.0.0.1:${port}` });
    const pid = kafka?.pid as number;
    expect(Number(await readFile(join(run, 'kafka', 'kafka.pid'), 'utf8'))).toBe(pid);
    expect(await markedProcesses(run)).not.toHaveLength(0);

    const again = await stackUp({ env, services: ['kafka'] });
    expect(again.services[0]).toMatchObject({ up: true, owner: 'sluice', pid });
    expect(again.services[0]?.detail).toContain('already running');

    // A stack with another run dir must not start a second broker on the same port.
    const foreign = await stackUp({ env: other, services: ['kafka'] });
    expect(foreign.services[0]).toMatchObject({ up: true, owner: 'foreign', pid });
    expect(foreign.services[0]?.detail).toContain('not started by sluice');

    const [stopped] = await stackDown({ env, services: ['kafka'] });
    expect(stopped?.detail).toMatch(new RegExp(`^stopped pid ${pid} in`));
    expect(await markedProcesses(run)).toEqual([]);
    expect(await listenerOn(port)).toBeUndefined();
    expect(await listenerOn(controllerPort)).toBeUndefined();
    const [status] = await stackStatus({ env, services: ['kafka'] });
    expect(status).toMatchObject({ up: false, owner: 'sluice' });
  });
});
