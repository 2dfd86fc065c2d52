import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateLines } from '@sluice/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRabbitMq } from '../brokers/private-rabbitmq.js';
import { type CliProcess, startCli } from '../support/cli.js';
import { offsetCounts } from '../support/elasticsearch.js';
import { testEnv, uniqueName } from '../support/env.js';
import { freePort } from '../support/net.js';

// Issue 4's fault test: RabbitMQ restarted in the middle of a run, with a durable queue and
// persistent messages, loses nothing. The node is a private one (own name, ports and data
// directory; see private-rabbitmq.ts) so that stopping it disturbs no other test; it is
// stopped as a process and booted again on the same data directory and node name, which
// quorum queues need to find their data. The shipper and the consumer are the real CLI,
// started once: each must reconnect by itself.
const LINES = 20_000;
const children: ChildProcess[] = [];
const indices: string[] = [];
let node: PrivateRabbitMq | undefined;
let skipped = PrivateRabbitMq.unavailable();

beforeAll(async () => {
  if (skipped) return;
  try {
    node = await PrivateRabbitMq.start();
  } catch (error) {
    skipped = `private RabbitMQ node did not start: ${(error as Error).message.split('\n')[0]}`;
  }
}, 150_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const index of indices) await fetch(`${testEnv().elasticsearchUrl}/${index}`, { method: 'DELETE' });
  await node?.destroy();
}, 150_000);

function start(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): CliProcess {
  const started = startCli(args, stdin);
  children.push(started.child);
  return started;
}

/** One sample of a Prometheus text exposition: the first line of `name` with all `labels`. */
async function metric(port: number, name: string, labels: readonly string[] = []): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const line = text
    .split('\n')
    .find(
      (l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.every((x) => l.includes(x)),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function esCount(index: string): Promise<number> {
  const es = testEnv().elasticsearchUrl;
  await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
  const res = await fetch(`${es}/${index}/_count`);
  return res.ok ? ((await res.json()) as { count: number }).count : 0;
}

/**
 * Writes the lines to the shipper's stdin at a steady pace (so shipping is still going on
 * when the broker goes down), honouring backpressure: while the broker is down the
 * shipper stops reading and `write` waits for 'drain'.
 */
async function feed(child: ChildProcess, lines: readonly string[], perTick: number, tickMs: number) {
  const stdin = child.stdin as NodeJS.WritableStream;
  // A shipper that died makes writes fail with EPIPE; the test reports its exit instead.
  stdin.on('error', () => {});
  for (let i = 0; i < lines.length; i += perTick) {
    const chunk = `${lines.slice(i, i + perTick).join('\n')}\n`;
    if (!stdin.write(chunk)) await new Promise((resolve) => stdin.once('drain', resolve));
    await sleep(tickMs);
  }
}

describe.each(['classic', 'quorum'] as const)('RabbitMQ restarted mid-run (%s queue)', (queueType) => {
  it(`keeps each of ${LINES} lines, once, while shipper and consumer reconnect by themselves`, async (ctx) => {
    if (skipped || !node) {
      console.warn(`RabbitMQ restart test skipped: ${skipped}`);
      ctx.skip();
      return;
    }
    const rabbit = node;
    const queue = uniqueName(`restart-${queueType}`);
    const index = uniqueName(`restart-${queueType}`);
    indices.push(index);
    const url = rabbit.url(queue, `queueType=${queueType}`);
    const es = testEnv().elasticsearchUrl;

    const consumerPort = await freePort();
    // Small batches and budget: many batches are between delivery and ack when the node stops.
    // No --exit-when-idle: the broker's outage is idle time too; the test stops it itself.
    const consumer = start([
      'consume',
      ...['--from', url, '--es', es, '--index', index, '--module', 'apache.access'],
      ...['--group', queue, '--threads', '1', '--metrics', `127.0.0.1:${consumerPort}`],
      ...['--batch-size', '200', '--max-inflight-events', '1000'],
    ]);
    const shipperPort = await freePort();
    const shipper = start(
      ['ship', '--stdin', '--to', url, '--metrics', `127.0.0.1:${shipperPort}`, '--batch-size', '200'],
      'pipe',
    );

    // A steady stream (1,000 lines/s) for the first 70%: the node is stopped while it still
    // flows, once the consumer is well under way. Then more while the node is gone (the
    // shipper holds those until it reconnects: none can be published on the old connection),
    // and the rest once it is back. Pacing, not the machine's speed, keeps the stop mid-run:
    // a consumer on a quiet machine drains whatever was fed in one burst before the stop.
    const lines = [...generateLines(LINES, { seed: 7 })];
    const part = (from: number, to: number) => lines.slice((LINES * from) / 10, (LINES * to) / 10);
    const whileStopping = feed(shipper.child, part(0, 7), 100, 100);

    // Restart once the consumer has acknowledged a fair share but far from all.
    let acked = 0;
    for (let i = 0; i < 240 && acked < LINES / 10; i++) {
      await sleep(250);
      acked = await metric(consumerPort, 'sluice_consumer_records_total', ['outcome="acked"']);
    }
    expect(acked, consumer.stderr()).toBeGreaterThanOrEqual(LINES / 10);
    expect(acked).toBeLessThan(LINES / 2);
    const shippedAtStop = await metric(shipperPort, 'sluice_shipper_lines_total');
    expect(shippedAtStop).toBeLessThan(LINES);

    const stoppedAt = Date.now();
    await rabbit.stop();
    // Not awaited before the boot: with the node gone the shipper stops reading stdin, so a
    // feed still under way only ends once the node is back. Lines written while it is fully
    // down make the shipper's reconnect certain (the node may serve on for seconds while stopping).
    const whileDown = feed(shipper.child, part(7, 8), 100, 100);
    // Neither Sluice process gives up while the broker is away.
    await sleep(3_000);
    expect(consumer.child.exitCode, consumer.stderr()).toBeNull();
    expect(shipper.child.exitCode, shipper.stderr()).toBeNull();
    await rabbit.boot();
    const outageMs = Date.now() - stoppedAt;
    await whileStopping;
    await whileDown;
    await feed(shipper.child, part(8, 10), 200, 100);

    // Still the same shipper process: it counted the failed publishes and its own reconnect.
    let shipperReconnects = 0;
    for (let i = 0; i < 240 && shipperReconnects < 1; i++) {
      shipperReconnects = await metric(shipperPort, 'sluice_broker_reconnects_total', ['backend="rabbitmq"']);
      if (shipperReconnects < 1) await sleep(250);
    }
    expect(shipperReconnects, `the shipper reconnected\n${shipper.stderr()}`).toBeGreaterThanOrEqual(1);
    expect(
      await metric(shipperPort, 'sluice_shipper_publish_errors_total'),
      'publishes failed while the broker was down',
    ).toBeGreaterThan(0);
    (shipper.child.stdin as NodeJS.WritableStream).end();
    // The shipper exits 0 only once the broker confirmed every line.
    expect(await shipper.exited, shipper.stderr()).toBe(0);

    // Everything shipped reaches Elasticsearch through the same consumer process.
    let count = 0;
    for (let i = 0; i < 240 && count < LINES; i++) {
      await sleep(500);
      count = await esCount(index);
    }
    expect(count, consumer.stderr()).toBe(LINES);
    expect(consumer.child.exitCode, consumer.stderr()).toBeNull();
    expect(
      await metric(consumerPort, 'sluice_broker_reconnects_total', ['backend="rabbitmq"']),
      'the consumer reconnected',
    ).toBeGreaterThanOrEqual(1);

    // The queue is empty once the consumer's last acks land: nothing left behind, nothing held.
    let left = { ready: -1, unacked: -1 };
    for (let i = 0; i < 60; i++) {
      left = await rabbit.queueMessages(queue);
      if (left.ready === 0 && left.unacked === 0) break;
      await sleep(500);
    }
    expect(left).toEqual({ ready: 0, unacked: 0 });
    const redelivered = await metric(consumerPort, 'sluice_broker_redelivered_records_total', [
      'backend="rabbitmq"',
    ]);
    consumer.child.kill('SIGTERM');
    expect(await consumer.exited, consumer.stderr()).toBe(0);

    // Exactly once: the count, and each stdin byte offset (the line's identity) held by one document.
    expect(await esCount(index)).toBe(LINES);
    const offsets = await offsetCounts(testEnv().elasticsearchUrl, index);
    expect(offsets.distinct).toBe(LINES);
    expect(offsets.notOnce).toEqual([]);
    console.info(
      `${queueType}: broker stopped after ${acked} acked / ${shippedAtStop} confirmed lines, away ${outageMs} ms; ` +
        `${redelivered} records redelivered to the consumer, ${LINES} documents, each once`,
    );
  }, 300_000);
});
