import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `predicate` until it holds; throws `timed out waiting for WHAT` after `timeoutMs`, so a
 * failing test names the condition it was waiting for rather than hitting the test timeout.
 */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
