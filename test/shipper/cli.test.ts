import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { freePort } from '../support/net.js';
import { waitFor } from '../support/wait.js';
import { collect, registryOffset, shipCli } from './support.js';

let h: BrokerHarness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('sluice ship (CLI)', () => {
  it('a missing file: exit 2, "file not found" and a hint', async () => {
    const r = await shipCli(['ship', '--file', '/nonexistent/app.log', '--to', 'redis://127.0.0.1:6379/x'])
      .exit;
    expect(r.code).toBe(2);
    expect(r.output).toContain('sluice: file not found: /nonexistent/app.log');
    expect(r.output).toContain('hint: ');
  });

  it('an unreachable broker: exit 2 with host:port and how to fix it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    await writeFile(join(dir, 'a.log'), 'x\n');
    const port = await freePort();
    const r = await shipCli(['ship', '--file', join(dir, 'a.log'), '--to', `redis://127.0.0.1:${port}/x`])
      .exit;
    expect(r.code).toBe(2);
    expect(r.output).toContain(`cannot reach Redis at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.output).toContain('hint: is Redis running?');
  });

  it('a bad config value: exit 2 naming the file, key and value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    const config = join(dir, 'shipper.yaml');
    await writeFile(
      config,
      'output: { url: redis://127.0.0.1:6379/x }\ninputs: [{ type: file, paths: a.log, startAt: middle }]\n',
    );
    const r = await shipCli(['ship', '--config', config]).exit;
    expect(r.code).toBe(2);
    expect(r.output).toContain(`${config}: inputs[0].startAt must be one of beginning, end, got "middle"`);
  });

  it.each([
    [['--batch-size', '0'], '--batch-size must be a whole number from 1 to 100000, got "0"'],
    [
      ['--shutdown-timeout', 'soon'],
      '--shutdown-timeout must be a duration like 5, 30s, 500ms or 2m, got "soon"',
    ],
    [['--module', 'jav'], '--module must be one of '],
  ])('a bad flag %j: exit 2 naming the flag and the value', async (flag, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    await writeFile(join(dir, 'a.log'), 'x\n');
    const r = await shipCli([
      'ship',
      '--file',
      join(dir, 'a.log'),
      '--to',
      'redis://127.0.0.1:6379/x',
      ...flag,
    ]).exit;
    expect(r.code).toBe(2);
    expect(r.output).toContain(`sluice: ${message}`);
  });

  it('--follow with --metrics: serves shipper metrics, and SIGTERM drains and exits 0', async () => {
    h = await harnessFor('redis');
    if (!h.ready) return expect.unreachable('redis is not running');
    const stream = h.stream('ship-cli');
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    const file = join(dir, 'a.log');
    const registry = join(dir, 'registry.json');
    await writeFile(file, 'first\n');
    const port = await freePort();
    const run = shipCli([
      'ship',
      '--file',
      file,
      '--to',
      h.url(stream),
      '--follow',
      '--registry',
      registry,
      '--metrics',
      `127.0.0.1:${port}`,
    ]);
    await waitFor('first line confirmed', async () => (await registryOffset(registry)) === 6, 30_000);
    await appendFile(file, 'second\n');
    await waitFor('second line confirmed', async () => (await registryOffset(registry)) === 13, 30_000);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/sluice_shipper_lines_total\{input="file"\} 2/);
    expect(metrics).toContain('sluice_shipper_publish_duration_seconds_bucket');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    const r = await run.exit;
    expect(r.code, r.output).toBe(0);
    const records = await collect(h, stream, 2, 300);
    expect(records.map((x) => x.line)).toEqual(['first', 'second']);
  }, 120_000);
});
