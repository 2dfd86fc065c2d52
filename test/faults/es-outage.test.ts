import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { generateLines } from '@sluice/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl, type CliProcess, cliPath, startCli } from '../support/cli.js';
import { offsetCounts } from '../support/elasticsearch.js';
import { testEnv, uniqueName } from '../support/env.js';
import { freePort } from '../support/net.js';

/**
 * Issue 5's fault test: Elasticsearch SIGKILLed in the middle of a 50,000-line run and kept
 * down for 60 s, while the shipper goes on publishing. The consumer must not exit, must not
 * acknowledge anything Elasticsearch did not take, must hold no more than its in-flight
 * budget (the backlog waits in the broker, not in the consumer's heap), and once
 * Elasticsearch is back on the same data directory every line must be there exactly once.
 *
 * The shared Elasticsearch on :9200 serves every other test, so this one starts a private
 * node (`sluice stack up elasticsearch` with its own SLUICE_STACK_DIR and port) and kills
 * only that. SIGKILL rather than SIGTERM: what Elasticsearch acknowledged before dying must
 * survive without a clean shutdown (the translog is fsynced per request by default), or the
 * count at the end comes up short.
 */
const exec = promisify(execFile);
const FIRST = 10_000;
const SECOND = 40_000;
/** Acknowledged lines before Elasticsearch is killed: part of the data is in. */
const BEFORE_KILL = 2_500;
const LINES = FIRST + SECOND;
const OUTAGE_MS = 60_000;
/** Small enough that the budget, not the backlog, decides the consumer's memory. */
const BUDGET_EVENTS = 1_500;
const BATCH = 500;
/**
 * RSS may grow this much over its level just before the outage. Measured here (2 cores,
 * busy): +0.5 and +1 MiB over a 60 s outage (peak 163 MiB over 163 MiB), the budget's
 * 1,500 events being what the consumer held before too, while the lines published during
 * the outage wait in Redis. Before the Elasticsearch client stopped deep-copying failed
 * bulk bodies (packages/indexer/src/options.ts), the same run grew by 257 and 299 MiB,
 * ~60 MiB per failed retry: the bound sits well between the two.
 */
const RSS_GROWTH_BOUND_MIB = 64;

// Not mkdtemp: a 0700 directory owned by root is closed to `nobody`, whom Elasticsearch runs as.
const stackDir = join(tmpdir(), `sluice-es-outage-${process.pid}-${Date.now().toString(36)}`);
const ES_PORT = await freePort();
const es = `http://127.0.0.1:${ES_PORT}`;
// Without ELASTICSEARCH_URL: an explicit address tells `stack up` not to start one.
const { ELASTICSEARCH_URL: _shared, ...inherited } = process.env;
const stackEnv = { ...inherited, SLUICE_STACK_DIR: stackDir, SLUICE_ELASTICSEARCH_PORT: String(ES_PORT) };
const stack = (...args: string[]) =>
  exec(process.execPath, [cliPath, 'stack', ...args], { env: stackEnv, timeout: 300_000 });
const pidFile = join(stackDir, 'elasticsearch', 'elasticsearch.pid');

const children: ChildProcess[] = [];
let started = false;
let redis: Redis | undefined;
let list = '';

beforeAll(async () => {
  if (!existsSync(cliPath)) return;
  try {
    await stack('up', 'elasticsearch');
    started = true;
  } catch (error) {
    // Where the native stack serves this run, it can start a second node too: not starting
    // is a failure. Elsewhere (containers, explicit URLs) there may be no Java or distribution.
    const why = `${(error as Error).message}\n${(error as { stderr?: string }).stderr ?? ''}`;
    if (testEnv().source === 'native') throw new Error(`private Elasticsearch did not start: ${why}`);
    console.warn(`private Elasticsearch did not start, outage test skipped: ${why.split('\n')[0]}`);
  }
}, 310_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (redis) {
    const keys = await redis.keys(`${list}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  if (started) await stack('down', 'elasticsearch').catch(() => {});
  rmSync(stackDir, { recursive: true, force: true });
}, 90_000);

function start(args: string[]): CliProcess {
  const started = startCli(args);
  children.push(started.child);
  return started;
}

async function metrics(port: number): Promise<Map<string, number>> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

const acked = (m: Map<string, number>) => m.get('sluice_consumer_records_total{outcome="acked"}') ?? 0;
const lag = (m: Map<string, number>) => {
  let sum = 0;
  for (const [key, value] of m) if (key.startsWith('sluice_consumer_lag_records')) sum += value;
  return sum;
};

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function readyz(port: number): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: r.status, body: (await r.text()).trim() };
}

async function ship(file: string, registry: string, url: string): Promise<void> {
  const shipper = start(['ship', '--file', file, '--to', url, '--registry', registry]);
  expect(await shipper.exited, shipper.stderr()).toBe(0);
}

describe('Elasticsearch down for 60 s in the middle of a run', () => {
  it(`indexes each of ${LINES} lines exactly once, with the consumer alive and its memory flat`, async (ctx) => {
    if (!started) ctx.skip();
    list = uniqueName('es-outage');
    redis = new Redis(testEnv().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    const index = uniqueName('es-outage');
    const url = brokerUrl('redis', list);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-es-outage-data-'));
    const file = join(dir, 'access.log');
    const registry = join(dir, 'registry.json');
    const t0 = Date.now();
    const lines = [...generateLines(LINES, { seed: 5 })];
    writeFileSync(file, `${lines.slice(0, FIRST).join('\n')}\n`);
    await ship(file, registry, url);

    const port = await freePort();
    const consumer = start([
      'consume',
      '--from',
      url,
      '--es',
      es,
      '--index',
      index,
      '--module',
      'apache.access',
      '--group',
      list,
      '--threads',
      '1',
      '--metrics',
      `127.0.0.1:${port}`,
      '--batch-size',
      String(BATCH),
      '--max-inflight-events',
      String(BUDGET_EVENTS),
    ]);
    const pid = consumer.child.pid as number;
    let exitedEarly = false;
    void consumer.exited.then(() => {
      exitedEarly = true;
    });

    // Part of the data is in; RSS before the outage is the level the budget allows while
    // Elasticsearch keeps up.
    let m = await metrics(port);
    for (let t = Date.now(); acked(m) < BEFORE_KILL && Date.now() - t < 120_000; m = await metrics(port)) {
      await sleep(100);
    }
    expect(acked(m), consumer.stderr()).toBeGreaterThanOrEqual(BEFORE_KILL);
    const phases = [`part indexed after ${((Date.now() - t0) / 1_000).toFixed(0)} s`];
    const before: number[] = [];
    for (let i = 0; i < 5; i++) {
      before.push(rssMiB(pid));
      await sleep(100);
    }
    const baseline = Math.max(...before);

    const esGroup = Number((await readFile(pidFile, 'utf8')).trim());
    process.kill(-esGroup, 'SIGKILL');
    const killedAt = Date.now();
    // Requests already sent may still be answered; nothing is acknowledged after that.
    await sleep(2_000);
    const ackedAtOutage = acked(await metrics(port));
    expect(ackedAtOutage).toBeLessThan(FIRST);

    // The shipper does not know Elasticsearch is down: the rest of the lines arrive now.
    await appendFile(file, `${lines.slice(FIRST).join('\n')}\n`);
    await ship(file, registry, url);

    const rss: number[] = [];
    const inflight: number[] = [];
    const listLength: number[] = [];
    const ready: Array<{ status: number; body: string }> = [];
    while (Date.now() - killedAt < OUTAGE_MS) {
      const sample = await metrics(port);
      rss.push(rssMiB(pid));
      inflight.push(sample.get('sluice_consumer_inflight_events') ?? 0);
      listLength.push(await redis.llen(list));
      ready.push(await readyz(port));
      expect(acked(sample)).toBe(ackedAtOutage);
      await sleep(1_000);
    }
    expect(exitedEarly, consumer.stderr()).toBe(false);
    const peak = Math.max(...rss);
    console.info(
      `es-outage: RSS before ${baseline.toFixed(1)} MiB, peak during outage ${peak.toFixed(1)} MiB ` +
        `(last ${rss.at(-1)?.toFixed(1)}), in-flight peak ${Math.max(...inflight)}, ` +
        `list length at end of outage ${listLength.at(-1)}, acked at outage ${ackedAtOutage}`,
    );
    expect(peak - baseline).toBeLessThan(RSS_GROWTH_BOUND_MIB);
    // Flat: the second half of the outage holds no more than the first half did, plus noise.
    const half = Math.floor(rss.length / 2);
    expect(Math.max(...rss.slice(half))).toBeLessThan(Math.max(...rss.slice(0, half)) + 16);
    // The budget, not the backlog: a paused broker keeps the new lines (a batch already
    // fetched when the pause came may be admitted over the limit, hence one window of batches).
    expect(Math.max(...inflight)).toBeLessThanOrEqual(BUDGET_EVENTS + 4 * BATCH);
    expect(listLength.at(-1)).toBeGreaterThanOrEqual(LINES - ackedAtOutage - BUDGET_EVENTS - 4 * BATCH);
    // Stalled on Elasticsearch: not ready (by the end of the outage the sink has failed for a minute).
    expect(ready.at(-1)?.status, JSON.stringify(ready.at(-1))).toBe(503);
    expect(ready.at(-1)?.body).toMatch(/elasticsearch/i);

    // Back on the same data directory; the consumer finds it by itself.
    const restartAt = Date.now();
    await stack('up', 'elasticsearch');
    phases.push(
      `Elasticsearch healthy ${((Date.now() - restartAt) / 1_000).toFixed(0)} s after the restart began`,
    );
    let after = await metrics(port);
    for (
      let t = Date.now();
      (acked(after) < LINES || lag(after) > 0) && Date.now() - t < 150_000;
      after = await metrics(port)
    ) {
      await sleep(500);
    }
    phases.push(`backlog drained ${((Date.now() - restartAt) / 1_000).toFixed(0)} s after it began`);
    console.info(`es-outage: ${phases.join('; ')}`);
    expect(exitedEarly, consumer.stderr()).toBe(false);
    expect(acked(after), consumer.stderr()).toBe(LINES);
    expect(lag(after)).toBe(0);
    expect(await redis.llen(list)).toBe(0);
    expect((await readyz(port)).status).toBe(200);

    consumer.child.kill('SIGTERM');
    expect(await consumer.exited, consumer.stderr()).toBe(0);

    await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
    const count = (await (await fetch(`${es}/${index}/_count`)).json()) as { count: number };
    expect(count.count).toBe(LINES);
    // Exactly once, exactly: every shipped offset is there, each in one document (a composite
    // aggregation pages through all of them; cardinality would only estimate above 40,000).
    expect(await offsetCounts(es, index)).toEqual({ distinct: LINES, notOnce: [] });
    rmSync(dir, { recursive: true, force: true });
  }, 420_000);
});
