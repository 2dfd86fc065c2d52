import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type Logger, type SluiceError } from '@sluice/core';
import type { Redis } from 'ioredis';
import type { WakeUp } from '../in-flight.js';
import type { BrokerTarget } from '../types.js';
import { closeRedis, connectRedis, redisError } from './connection.js';

/**
 * What one Redis consumer (a list or a stream) brings to the fetch loop they share. The loop
 * owns the order of things: connect both connections, set up, fetch and dispatch while there
 * is room, back off on retriable errors, stop on the others; and on the way out, drain every
 * batch in flight before the clean-up, so nothing is left unsettled.
 */
export interface RedisFetcher<T> {
  readonly target: BrokerTarget;
  readonly log: Logger;
  /** Commands and scripts. */
  readonly client: Redis;
  /** The blocking reads (BLMOVE, XREADGROUP); disconnecting it interrupts one. */
  readonly blocking: Redis;
  /** Connections whose every 'ready' after the first connection is a reconnect. */
  readonly watched: readonly Redis[];
  readonly wakeUp: WakeUp;
  /** Connects `client`, once for all its callers. */
  connect(): Promise<void>;
  onReconnect(): void;
  closing(): boolean;
  /** Paused, or the in-flight window is full: the loop waits for a wake-up. */
  waiting(): boolean;
  inFlight(): number;
  /** Runs once connected (register, recover, create the group); returns the timers to clear on the way out. */
  start(): Promise<NodeJS.Timeout[]>;
  fetch(): Promise<T>;
  /** Hands what `fetch` brought to the pipeline; a failure here backs off like a failed fetch. */
  dispatch(fetched: T): Promise<void>;
  /** An error this consumer repairs itself (true: fetch again at once). */
  repaired?(error: unknown): Promise<boolean>;
  /** After the drain, with `blocking` disconnected and `client` still open: leave cleanly. */
  finish(): Promise<void>;
}

/** Resolves when the consumer closed; rejects with the first error retrying cannot cure. */
export async function runRedisFetchLoop<T>(f: RedisFetcher<T>): Promise<void> {
  await f.connect();
  await connectRedis(f.blocking, f.target).catch((error: unknown) => {
    f.client.disconnect();
    throw error;
  });
  const onReady = () => f.onReconnect();
  // Registered after the first connection: every later 'ready' is a reconnect.
  for (const connection of f.watched) connection.on('ready', onReady);
  let fatal: SluiceError | undefined;
  let timers: NodeJS.Timeout[] = [];
  try {
    timers = await f.start();
    let failures = 0;
    while (!f.closing()) {
      if (f.waiting()) {
        await f.wakeUp.wait();
        continue;
      }
      try {
        const fetched = await f.fetch();
        failures = 0;
        await f.dispatch(fetched);
      } catch (error) {
        if (f.closing()) break;
        if (f.repaired && (await f.repaired(error))) continue;
        const mapped = redisError(f.target, 'fetch', error);
        if (!mapped.retriable) {
          fatal = mapped;
          break;
        }
        failures++;
        f.log.warn('fetch failed; retrying', { error: mapped.message });
        await sleep(backoffDelay(failures, { initialMs: 100, maxMs: 5_000 }));
      }
    }
  } finally {
    // Drain: every in-flight batch is acknowledged or handed back before we leave.
    while (f.inFlight() > 0) await f.wakeUp.wait();
    for (const timer of timers) clearInterval(timer);
    for (const connection of f.watched) connection.off('ready', onReady);
    f.blocking.disconnect();
    await f.finish();
    await closeRedis(f.client);
  }
  if (fatal) throw fatal;
}
