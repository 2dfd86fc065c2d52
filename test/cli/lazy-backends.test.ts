import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis as RedisClient } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerUrl, cliPath } from '../support/cli.js';
import { brokerAddress, uniqueName } from '../support/env.js';

const recorder = new URL('./fixtures/record-loads.mjs', import.meta.url).pathname;
const brokersEntry = new URL('../../packages/brokers/dist/index.js', import.meta.url).pathname;

/** The packages (node_modules/<name>) whose modules a node process loaded, through the ESM loader. */
function loadedPackages(
  args: readonly string[],
  input = '',
): Promise<{ code: number; packages: Set<string>; stderr: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-loads-')), 'loads');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', recorder, ...args], {
      env: { ...process.env, SLUICE_RECORD_LOADS: file },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('error', reject);
    child.stdin.end(input);
    child.once('exit', (code) => {
      let urls: string[] = [];
      try {
        urls = readFileSync(file, 'utf8').split('\n');
      } catch {
        // nothing loaded through the hooks
      }
      const packages = new Set<string>();
      for (const url of urls) {
        // The last node_modules segment names the package (pnpm nests them under .pnpm/).
        const m = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
        if (m?.[1]) packages.add(m[1]);
      }
      resolve({ code: code ?? 1, packages, stderr });
    });
  });
}

async function removeList(list: string): Promise<void> {
  // ioredis is a dependency of @sluice/brokers, not of the workspace root.
  const require = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
  const { Redis } = require('ioredis') as { Redis: new (url: string) => RedisClient };
  const client = new Redis(brokerAddress('redis'));
  await client.del(list);
  await client.quit();
}

// The client libraries of the backends, and the parser's worker pool: what a process that
// talks to one broker and parses nothing should not load.
const HEAVY = ['kafkajs', 'ioredis', 'amqplib', 'lz4js', '@bokuweb/zstd-wasm', 'piscina'];

describe('broker client libraries load lazily', () => {
  it('importing @sluice/brokers (the registry, URL parsing, help) loads no client library', async () => {
    const { code, packages, stderr } = await loadedPackages([brokersEntry]);
    expect(code, stderr).toBe(0);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  });

  it('sluice ship --to redis://… loads ioredis and none of the other clients nor piscina', async () => {
    const list = uniqueName('lazy-load');
    const { code, packages, stderr } = await loadedPackages(
      [cliPath, 'ship', '--stdin', '--to', brokerUrl('redis', list)],
      'one line\n',
    );
    await removeList(list);
    expect(code, stderr).toBe(0);
    // Without this the test would pass on a recorder that records nothing.
    expect(packages.has('ioredis')).toBe(true);
    expect(HEAVY.filter((name) => name !== 'ioredis' && packages.has(name))).toEqual([]);
  });
});
