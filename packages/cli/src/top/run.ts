import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, durationMs, redactText, redactUrl } from '@sluice/core';
import { parseExposition } from './exposition.js';
import { renderView } from './render.js';
import { buildView, type Scrape } from './view.js';

export interface TopOptions {
  /** /metrics URLs (or HOST:PORT). */
  readonly endpoints: readonly string[];
  readonly intervalMs: number;
  /** One view from two scrapes one interval apart, then return. */
  readonly once: boolean;
  readonly write: (text: string) => void;
  /** Redraw in place with ANSI codes (a terminal) or append frames (a pipe). */
  readonly tty: boolean;
  /** Clock for the scrape times rates are divided by; Date.now unless a test fixes it. */
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/** `--interval`: seconds as a number or with a unit (`2`, `2s`, `500ms`, `1m`), at least 100 ms. */
export function parseInterval(value: string): number {
  const seconds = (durationMs(value, 's') ?? Number.NaN) / 1_000;
  if (!(seconds >= 0.1)) {
    throw new ConfigError(
      `--interval must be a duration of at least 100ms, like 2s, 500ms or 1m, got "${value}"`,
    );
  }
  return seconds;
}

/** `HOST:PORT`, `http://HOST:PORT` or a full URL; the path defaults to /metrics. */
export function normalizeEndpoint(value: string): string {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`--metrics must be a URL or HOST:PORT, got "${redactUrl(value)}"`, {
      hint: 'for example: --metrics 127.0.0.1:9464,127.0.0.1:9465',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`--metrics must be an http:// URL or HOST:PORT, got "${redactUrl(value)}"`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/metrics';
  return url.toString();
}

async function scrape(endpoint: string, timeoutMs: number, now: () => number): Promise<Scrape> {
  const at = now();
  try {
    const response = await fetch(endpoint, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'text/plain' },
    });
    const text = await response.text();
    if (!response.ok) return { endpoint, at, samples: null, error: `HTTP ${response.status}` };
    return { endpoint, at, samples: parseExposition(text) };
  } catch (error) {
    const cause =
      error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? 'no answer in time'
        : (cause?.code ?? cause?.message ?? String(error));
    return { endpoint, at, samples: null, error: reason };
  }
}

const scrapeAll = (endpoints: readonly string[], timeoutMs: number, now: () => number) =>
  Promise.all(endpoints.map((e) => scrape(e, timeoutMs, now)));

const HOME = '\x1b[H';
const CLEAR_LINE = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Scrapes every endpoint each interval and shows rates from the difference between the last
 * two scrapes. With `once`, an endpoint that cannot be read is an error (exit 2), because a
 * script asked for numbers; live, it is shown as unreachable and retried.
 */
export async function runTop(options: TopOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const endpoints = options.endpoints.map(normalizeEndpoint);
  const timeoutMs = Math.max(500, Math.min(options.intervalMs, 5_000));
  const every = options.intervalMs >= 1000 ? `${options.intervalMs / 1000}s` : `${options.intervalMs}ms`;
  const title = () =>
    `sluice top · ${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'} · every ${every} · ${new Date(now()).toLocaleTimeString()}`;
  const frame = (before: Scrape[], after: Scrape[]) =>
    redactText(renderView(buildView(before, after), { title: title() }).join('\n'));

  let before = await scrapeAll(endpoints, timeoutMs, now);
  if (options.once) {
    const down = before.find((s) => s.error);
    if (down) throw unreachable(down);
    await sleep(options.intervalMs, undefined, { signal: options.signal });
    const after = await scrapeAll(endpoints, timeoutMs, now);
    const downAfter = after.find((s) => s.error);
    if (downAfter) throw unreachable(downAfter);
    options.write(`${frame(before, after)}\n`);
    return;
  }

  if (options.tty) options.write(HIDE_CURSOR);
  try {
    for (;;) {
      try {
        await sleep(options.intervalMs, undefined, { signal: options.signal });
      } catch {
        return; // aborted: Ctrl-C
      }
      const after = await scrapeAll(endpoints, timeoutMs, now);
      const text = frame(before, after);
      if (options.tty)
        options.write(`${HOME}${text.split('\n').join(`${CLEAR_LINE}\n`)}${CLEAR_LINE}\n${CLEAR_BELOW}`);
      else options.write(`${text}\n\n`);
      before = after;
    }
  } finally {
    if (options.tty) options.write(SHOW_CURSOR);
  }
}

function unreachable(s: Scrape): ConfigError {
  return new ConfigError(`cannot read metrics from ${redactUrl(s.endpoint)}: ${s.error}`, {
    hint: 'is the process running with --metrics HOST:PORT, and is that address reachable from here?',
  });
}
