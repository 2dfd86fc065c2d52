import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type {
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';
import { ConfigError } from './errors.js';

/** The metric types the helpers return, so a package can name them in its own declarations. */
export type { Counter, Gauge, Histogram };

/*
 * prom-client (with @opentelemetry/api and its other dependencies, about ninety modules) is
 * loaded when the first metric is declared or the registry is first used, not with
 * @sluice/core: `sluice ship` without --metrics never needs it, and loading it was a tenth of
 * the CPU a 200,000-line `ship` spent. It is a CommonJS package, so it loads synchronously.
 */
type PromClient = typeof import('prom-client');
const requireCjs = createRequire(import.meta.url);
let promClient: PromClient | undefined;
let registry: Registry | undefined;

function prom(): PromClient {
  promClient ??= requireCjs('prom-client') as PromClient;
  return promClient;
}

function theRegistry(): Registry {
  registry ??= new (prom().Registry)();
  return registry;
}

/**
 * One registry per process. Metric helpers are idempotent: asking twice for the same
 * name returns the same metric, so every component can declare what it uses without
 * coordinating registration order. Names follow `sluice_<stage>_<noun>_<unit>`.
 * (A stand-in that creates the registry on first use; it behaves as the registry itself.)
 */
export const metricsRegistry: Registry = new Proxy({} as Registry, {
  get(_target, key) {
    const real = theRegistry();
    const value: unknown = Reflect.get(real, key, real);
    return typeof value === 'function' ? value.bind(real) : value;
  },
});
let defaultsCollected = false;
let disabled = false;

/**
 * For a process that serves no metrics (`sluice ship` without --metrics): from now on the
 * helpers below hand out metrics that record nothing, so prom-client is never loaded.
 * Metrics declared before this call stay real. Nothing can read the values such a process
 * would record, so nothing is lost.
 */
export function disableMetrics(): void {
  disabled = true;
}

/** What a disabled process gets in place of a metric: every recording method does nothing. */
const NO_METRIC = {
  inc() {},
  dec() {},
  set() {},
  observe() {},
  reset() {},
  zero() {},
  remove() {},
  labels: () => NO_METRIC,
  startTimer: () => () => 0,
};

export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  prom().collectDefaultMetrics({ register: theRegistry(), prefix: 'sluice_' });
}

export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  if (disabled) return NO_METRIC as unknown as Counter<L>;
  const existing = theRegistry().getSingleMetric(config.name);
  if (existing) return existing as Counter<L>;
  return new (prom().Counter)<L>({ ...config, registers: [theRegistry()] });
}

export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  if (disabled) return NO_METRIC as unknown as Gauge<L>;
  const existing = theRegistry().getSingleMetric(config.name);
  if (existing) return existing as Gauge<L>;
  return new (prom().Gauge)<L>({ ...config, registers: [theRegistry()] });
}

export function histogram<L extends string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  if (disabled) return NO_METRIC as unknown as Histogram<L>;
  const existing = theRegistry().getSingleMetric(config.name);
  if (existing) return existing as Histogram<L>;
  return new (prom().Histogram)<L>({ ...config, registers: [theRegistry()] });
}

export interface HealthProbe {
  /** Alive: the event loop answers. */
  readonly live?: () => boolean;
  /** Ready: connected and not stalled. A string explains why not. */
  readonly ready?: () => true | string;
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Parses `HOST:PORT` or `PORT`; defaults to loopback so metrics are never exposed by accident. */
export function parseListenAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65_535) {
    throw new ConfigError(`metrics address must be HOST:PORT or PORT (0-65535), got "${value}"`, {
      hint: 'for example --metrics 127.0.0.1:9464, or --metrics 0 for any free port',
    });
  }
  return { host: match[1] || '127.0.0.1', port };
}

/** Serves `/metrics`, `/healthz` and `/readyz`. */
export async function startMetricsServer(address: string, probe: HealthProbe = {}): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(address);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      theRegistry()
        .metrics()
        .then(
          (body) => {
            res.writeHead(200, { 'content-type': theRegistry().contentType });
            res.end(body);
          },
          (error: unknown) => {
            res.writeHead(500);
            res.end(String(error));
          },
        );
      return;
    }
    if (path === '/healthz') {
      const ok = probe.live?.() ?? true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'not alive\n');
      return;
    }
    if (path === '/readyz') {
      const ready = probe.ready?.() ?? true;
      res.writeHead(ready === true ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ready === true ? 'ready\n' : `${ready}\n`);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // Which port to serve on is the user's choice: one taken or not allowed is theirs to fix.
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
        reject(
          new ConfigError(`cannot serve metrics on ${host}:${port}: ${error.code}`, {
            cause: error,
            hint:
              error.code === 'EADDRINUSE'
                ? 'another process listens there (ss -ltnp); pick another --metrics port'
                : error.code === 'EACCES'
                  ? 'ports below 1024 need privileges; pick a port above 1024'
                  : 'that address is not on this machine; use 127.0.0.1 or 0.0.0.0',
          }),
        );
      } else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
