/**
 * A generator of realistic log lines for tests, benchmarks and demos. Deterministic for
 * a given seed, so a test can regenerate the same file and a benchmark is repeatable.
 */
export type LogFormat = 'combined' | 'common' | 'syslog' | 'json';

const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD'];
const PATHS = [
  '/',
  '/index.html',
  '/api/v1/orders',
  '/api/v1/orders/{id}',
  '/api/v1/users/{id}/profile',
  '/static/js/app.{id}.js',
  '/static/css/site.css',
  '/images/logo.png',
  '/search?q=shoes&page={id}',
  '/login',
  '/checkout',
  '/health',
];
const STATUSES = [
  200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 404, 429, 500, 502, 503,
];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
  'python-requests/2.31.0',
];
const REFERRERS = [
  '-',
  '-',
  'https://www.example.com/',
  'https://shop.example.com/cart',
  'https://www.google.com/',
];
const USERS = ['-', '-', '-', 'alice', 'bob', 'carol'];
const HOSTS = ['web-1', 'web-2', 'api-1'];
const PROGRAMS = ['sshd', 'cron', 'systemd', 'kernel', 'sudo'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** mulberry32: small, fast, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function httpDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function syslogDate(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export interface GenerateOptions {
  readonly format?: LogFormat;
  readonly seed?: number;
  /** Timestamp of the first line (ms); lines advance by ~100 ms each. Default 2026-01-15T10:00:00Z. */
  readonly startMs?: number;
}

/** Yields `count` lines of the chosen format. */
export function* generateLines(count: number, options: GenerateOptions = {}): Generator<string> {
  const rand = prng(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  let now = options.startMs ?? Date.UTC(2026, 0, 15, 10, 0, 0);
  const format = options.format ?? 'combined';
  for (let i = 0; i < count; i++) {
    now += Math.floor(rand() * 200);
    const ip = `${10 + Math.floor(rand() * 200)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
    const method = pick(METHODS);
    const path = pick(PATHS).replace('{id}', String(Math.floor(rand() * 10_000)));
    const status = pick(STATUSES);
    const bytes = status === 204 || status === 304 ? 0 : 200 + Math.floor(rand() * 50_000);
    switch (format) {
      case 'common':
        yield `${ip} - ${pick(USERS)} [${httpDate(now)}] "${method} ${path} HTTP/1.1" ${status} ${bytes}`;
        break;
      case 'combined':
        yield `${ip} - ${pick(USERS)} [${httpDate(now)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${pick(REFERRERS)}" "${pick(AGENTS)}"`;
        break;
      case 'syslog': {
        const program = pick(PROGRAMS);
        const pid = 100 + Math.floor(rand() * 30_000);
        const msg =
          program === 'sshd'
            ? rand() < 0.5
              ? `Failed password for invalid user ${pick(['admin', 'root', 'test', 'oracle'])} from ${ip} port ${1024 + Math.floor(rand() * 60_000)} ssh2`
              : `Accepted publickey for ${pick(['alice', 'bob', 'deploy'])} from ${ip} port ${1024 + Math.floor(rand() * 60_000)} ssh2`
            : `${pick(['session opened for user root', 'Started Daily apt upgrade.', 'pam_unix(cron:session): session closed', 'eth0: link up'])}`;
        yield `${syslogDate(now)} ${pick(HOSTS)} ${program}[${pid}]: ${msg}`;
        break;
      }
      case 'json':
        yield JSON.stringify({
          time: new Date(now).toISOString(),
          level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
          msg: `${method} ${path}`,
          status,
          duration_ms: Math.round(rand() * 2_000) / 10,
          client_ip: ip,
          bytes,
        });
        break;
    }
  }
}
