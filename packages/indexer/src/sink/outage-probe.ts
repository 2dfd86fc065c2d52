import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import { errorMessage, type Logger } from '@sluice/core';
import { statusOf } from './client-errors.js';

/** How often an unreachable Elasticsearch is probed while bulk requests wait for it. */
const PROBE_INTERVAL_MS = 2_000;

/**
 * Knows whether Elasticsearch is answering bulk requests, and shortens the wait of
 * requests that back off because it could not be reached at all: after a long outage the
 * backoff has grown to its cap (30 s by default), and without the probe the consumer
 * would sit idle that long after Elasticsearch is back.
 */
export class OutageProbe {
  /** Since when bulk requests fail as a whole (no answer, 5xx, 429) with no answer read since; for readiness. */
  private failingSince: number | undefined;
  private lastFailure = '';
  /** Requests backing off after Elasticsearch could not be reached; woken when it can be again. */
  private readonly wakers = new Set<AbortController>();
  private probing = false;

  constructor(
    private readonly client: Client,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
    private readonly where: string,
  ) {}

  /** A bulk request failed as a whole and will be retried. */
  failed(status: number | undefined, error: unknown): void {
    this.failingSince ??= Date.now();
    this.lastFailure = `${status ?? 'no answer'}: ${errorMessage(error)}`;
  }

  /** Elasticsearch answered a request: it is reachable, so requests waiting for that may go now. */
  answered(): void {
    this.failingSince = undefined;
    for (const wake of this.wakers) wake.abort();
    this.wakers.clear();
  }

  /** Why bulk requests are not getting through, or undefined when the last one was answered. */
  failing(): string | undefined {
    if (this.failingSince === undefined) return undefined;
    const seconds = Math.round((Date.now() - this.failingSince) / 1_000);
    return `Elasticsearch at ${this.where}: bulk requests failing for ${seconds}s, retrying (last: ${this.lastFailure})`;
  }

  /**
   * Waits out a retry delay; false when the sink was aborted meanwhile. A request that
   * failed because Elasticsearch could not be reached at all (`unreachable`) may be woken
   * early, once the probe sees it answer again.
   */
  async backoff(delay: number, unreachable: boolean): Promise<boolean> {
    if (!unreachable) {
      try {
        await sleep(delay, undefined, { signal: this.signal });
        return true;
      } catch {
        return false;
      }
    }
    const wake = new AbortController();
    this.wakers.add(wake);
    this.probeUntilReachable();
    try {
      await sleep(delay, undefined, { signal: AbortSignal.any([this.signal, wake.signal]) });
    } catch {
      // Woken (go on) or aborted (stop).
    } finally {
      this.wakers.delete(wake);
    }
    return !this.signal.aborted;
  }

  /**
   * While requests wait because Elasticsearch was unreachable, asks `HEAD /` every
   * PROBE_INTERVAL_MS (a few bytes, unlike re-sending megabytes of bulk body). Wakes the
   * waiting requests only after it saw Elasticsearch unreachable and then answering (any
   * HTTP status: the integ-test distribution answers 405, a locked-down one 401/403). If
   * the first probe is answered, the failures were not an outage (a proxy dropping big
   * bodies, say) and the requests keep their backoff: nothing is hammered.
   */
  private probeUntilReachable(): void {
    if (this.probing) return;
    this.probing = true;
    void (async () => {
      let sawDown = false;
      try {
        while (this.wakers.size > 0 && !this.signal.aborted) {
          await sleep(PROBE_INTERVAL_MS, undefined, { signal: this.signal });
          let reachable: boolean;
          try {
            await this.client.transport.request(
              { method: 'HEAD', path: '/' },
              { signal: this.signal, requestTimeout: PROBE_INTERVAL_MS, maxRetries: 0 },
            );
            reachable = true;
          } catch (error) {
            reachable = statusOf(error) !== undefined;
          }
          if (!reachable) sawDown = true;
          else if (sawDown) {
            this.log.info('Elasticsearch answers again; resuming bulk requests', { where: this.where });
            this.answered();
          } else return;
        }
      } catch {
        // Aborted.
      } finally {
        this.probing = false;
      }
    })();
  }
}
