import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parseBrokerUrl } from '@sluice/brokers';
import { KafkaConsumer, KafkaProducer } from '@sluice/brokers/kafka';
import { createLogger, type OutboundRecord, recordId } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/cli.js';
import { freePort } from '../support/net.js';

/**
 * A real broker restart: a second, private Kafka (its own directory and ports, started by
 * `sluice stack up kafka` with SLUICE_STACK_DIR and port overrides) is SIGKILLed mid-run and
 * started again on the same data, while the shared broker keeps serving everyone else.
 * Needs the built CLI and a Kafka classpath the shared stack already resolved.
 */
const exec = promisify(execFile);
const dir = join(tmpdir(), `sluice-kafka-restart-${process.pid}`);

// Ports the OS says are free now (fixed ports could meet another isolated stack's listener).
const PORT = await freePort();
const CONTROLLER_PORT = await freePort();
// Without KAFKA_BROKERS (the test environment sets it to the shared broker): an explicit
// address tells `stack up` that Kafka runs elsewhere and must not be started.
const { KAFKA_BROKERS: _shared, ...inherited } = process.env;
const env = {
  ...inherited,
  SLUICE_STACK_DIR: dir,
  SLUICE_KAFKA_PORT: String(PORT),
  SLUICE_KAFKA_CONTROLLER_PORT: String(CONTROLLER_PORT),
};
const stack = (...args: string[]) =>
  exec(process.execPath, [cliPath, 'stack', ...args], { env, timeout: 120_000 });

let started = false;
beforeAll(async () => {
  if (!existsSync(cliPath)) return;
  try {
    await stack('up', 'kafka');
    started = true;
  } catch (error) {
    console.warn(
      `private Kafka did not start, restart test skipped: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}, 130_000);

afterAll(async () => {
  if (started) await stack('down', 'kafka').catch(() => {});
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function records(from: number, count: number): OutboundRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: recordId('restart', from + i),
    line: `line ${from + i}`,
    source: `src-${(from + i) % 4}`,
    offset: from + i,
    shippedAt: Date.now(),
  }));
}

describe('Kafka broker restart', () => {
  it('the broker is SIGKILLed and started again: publishing and consumption resume by themselves', async (ctx) => {
    if (!started) ctx.skip();
    const target = parseBrokerUrl(`kafka://127.0.0.1:${PORT}/restart?partitions=2`);
    const logger = createLogger({ level: 'silent' });
    const producer = new KafkaProducer(target, { logger });
    const consumer = new KafkaConsumer(target, {
      logger,
      group: 'restart',
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
    });
    const got = new Set<string>();
    const running = consumer.run(async (batch) => {
      for (const r of batch.records) got.add(r.id);
      await batch.ack();
    });
    try {
      await producer.publish(records(0, 100));
      for (let t = Date.now(); got.size < 100 && Date.now() - t < 20_000; ) await sleep(50);
      expect(got.size).toBe(100);

      const pid = Number((await readFile(join(dir, 'kafka', 'kafka.pid'), 'utf8')).trim());
      process.kill(pid, 'SIGKILL');
      for (let t = Date.now(); Date.now() - t < 10_000; ) {
        try {
          process.kill(pid, 0);
          await sleep(100);
        } catch {
          break; // gone
        }
      }
      // Published while the broker is down: resolves once it is back and has the records.
      const during = producer.publish(records(100, 100));
      await sleep(2_000);
      await stack('up', 'kafka');
      await during;
      for (let t = Date.now(); got.size < 200 && Date.now() - t < 40_000; ) await sleep(100);
      expect(got.size).toBe(200);
      let lag = -1;
      for (let t = Date.now(); lag !== 0 && Date.now() - t < 15_000; await sleep(200)) {
        lag = (await consumer.lag()).reduce((n, s) => n + s.lag, 0);
      }
      expect(lag).toBe(0);
    } finally {
      await consumer.close();
      await running.catch(() => {});
      await producer.close();
    }
  }, 120_000);
});
