import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../support/cli.js';
import { readDeploy } from './support.js';

// The built CLI, as users and the compose `kibana-setup` service run it: proves the commands
// are registered and that exit codes and messages survive the trip through runCommand.
const sluice = (...args: string[]) => runCli(args, { timeoutMs: 30_000 });

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(() => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`pnpm build\` first`);
});

describe('sluice kibana (built CLI)', () => {
  it('export prints exactly deploy/kibana/sluice.ndjson', async () => {
    const r = await sluice('kibana', 'export');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readDeploy('kibana/sluice.ndjson'));
  });

  it('setup uploads to _import with overwrite and reports what was imported', async () => {
    let url = '';
    const port = await listen((req, res) => {
      url = req.url ?? '';
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: true, successCount: 2 }));
      });
    });
    const r = await sluice('kibana', 'setup', '--kibana', `http://127.0.0.1:${port}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(r.stdout).toBe('imported 2 objects: data view "logs-*" and dashboard "Sluice: web traffic"\n');
  });

  it('setup against an unreachable Kibana exits 2 with one line and a hint', async () => {
    const port = await listen(() => {});
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const r = await sluice('kibana', 'setup', '--kibana', `http://127.0.0.1:${port}`);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `sluice: cannot reach Kibana at http://127.0.0.1:${port}: ECONNREFUSED`,
      '  hint: start Kibana (docker compose -f deploy/compose.yaml up -d kibana) or pass --kibana http://HOST:5601',
    ]);
  });
});

describe('sluice top (built CLI)', () => {
  it('--once prints rates from two scrapes', async () => {
    let n = 0;
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        `sluice_broker_consumed_records_total{backend="redis"} ${n++ * 1000}\nsluice_consumer_lag_records{backend="redis",stream="logs",partition=""} 42\n`,
      );
    });
    const r = await sluice('top', '--metrics', `127.0.0.1:${port}`, '--interval', '200ms', '--once');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(n).toBe(2);
    // 1,000 records between scrapes at least 200 ms apart: at most 5,000/s (wall-clock time,
    // so a loaded machine gets less; the exact arithmetic is in packages/cli/src/top/top.test.ts).
    const rate = Number(/^consumed\/s +([\d,.]+)$/m.exec(r.stdout)?.[1]?.replaceAll(',', ''));
    expect(rate).toBeGreaterThan(250);
    expect(rate).toBeLessThanOrEqual(5_000);
    expect(r.stdout).toMatch(/^lag \(records\) +42$/m);
  });

  it('--interval with a bad value is a usage error (exit 2)', async () => {
    const r = await sluice('top', '--interval', 'soon', '--once');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interval must be a duration of at least 100ms');
  });
});
