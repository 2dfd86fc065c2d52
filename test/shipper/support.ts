import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BROKERS, type BrokerKind, createConsumer, createProducer, parseBrokerUrl } from '@sluice/brokers';
import { createLogger, type InboundRecord } from '@sluice/core';
import { FileInput, type FileInputOptions, Shipper } from '@sluice/shipper';
import type { BrokerHarness } from '../support/broker-harness.js';
import { spawnCli } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

/** Every registered backend. */
export const BACKENDS: readonly BrokerKind[] = BROKERS.map((d) => d.kind);
export const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const quiet = createLogger({ level: 'silent' });

/** The shipper in this process, tailing files into the real broker behind `url`. */
export async function shipInProcess(url: string, input: Omit<FileInputOptions, 'shipperId'>) {
  const producer = await createProducer(parseBrokerUrl(url));
  const shipper = new Shipper({
    producer,
    inputs: [
      new FileInput({ shipperId: 'it', scanIntervalMs: 50, pollIntervalMs: 20, ...input }, undefined, quiet),
    ],
    shipperId: 'it',
    logger: quiet,
  });
  const stop = new AbortController();
  const done = shipper.run(stop.signal);
  return {
    shipper,
    async stop() {
      stop.abort();
      await done;
      await producer.close();
    },
    done: done.then(async (stats) => {
      await producer.close();
      return stats;
    }),
  };
}

/**
 * Reads everything on the stream through the real Consumer contract until `expected` records
 * arrived, then keeps reading for `settleMs` more, so duplicates would show up too.
 */
export async function collect(
  h: BrokerHarness,
  stream: string,
  expected: number,
  settleMs = 1_000,
  timeoutMs = 60_000,
): Promise<InboundRecord[]> {
  const consumer = await createConsumer(parseBrokerUrl(h.url(stream)), {
    ...h.consumerOptions(stream),
    batchSize: 500,
  });
  const records: InboundRecord[] = [];
  const running = consumer.run(async (batch) => {
    records.push(...batch.records);
    await batch.ack();
  });
  try {
    await waitFor(
      `${expected} records on ${stream} (got ${records.length})`,
      () => records.length >= expected,
      timeoutMs,
    );
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await consumer.close();
    await running;
  }
  return records;
}

/**
 * `sluice ARGS` in the background, logging warnings and errors only, so that `output` (stderr
 * after stdout) is what went wrong; the test may kill `child` before `exit` resolves.
 */
export function shipCli(args: string[]) {
  const { child, exit } = spawnCli(args, { env: { SLUICE_LOG_LEVEL: 'warn' } });
  return {
    child,
    exit: exit.then(({ code, stdout, stderr }) => ({
      code,
      signal: child.signalCode,
      output: stdout + stderr,
    })),
  };
}

/** Confirmed offset the registry holds for any file, or 0. */
export async function registryOffset(path: string): Promise<number> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { files: Array<{ offset: number }> };
    return doc.files.reduce((max, f) => Math.max(max, f.offset), 0);
  } catch {
    return 0;
  }
}

export function linesOf(records: readonly InboundRecord[]): string[] {
  return records.map((r) => r.line);
}
