import type { ProbeResult } from '../descriptor.js';
import { Redis } from './ioredis.js';

/** PING answered with PONG. */
export async function probeRedis(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() only says "Connection is closed"; the reason (ECONNREFUSED, auth) comes as an event.
  let reason: unknown;
  client.on('error', (error) => {
    reason ??= error;
  });
  try {
    await client.connect();
    const pong = await client.ping();
    return { ok: pong === 'PONG', detail: pong };
  } catch (error) {
    const cause = reason ?? error;
    return { ok: false, detail: cause instanceof Error ? cause.message : String(cause) };
  } finally {
    client.disconnect();
  }
}
