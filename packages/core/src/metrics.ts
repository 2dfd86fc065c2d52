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

type PromClient = typeof import('prom-client');
let promClientModule: PromClient | undefined;
let registry: Registry | undefined;

/**
 * prom-client, loaded on first use. Every parser worker thread imports this package and
 * never makes a metric; prom-client (it loads @opentelemetry/api too) cost each of them
 * about 150 ms of CPU at start-up, which a consumer pays per thread on every start.
 */
function promClient(): PromClient {
  promClientModule ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return promClientModule;
}

function processRegistry(): Registry {
  registry ??= new (promClient().Registry)();
  return registry;
}

/**
 * One registry per process. Metric helpers are idempotent: asking twice for the same
 * name returns the same metric, so every component can declare what it uses without
 * coordinating registration order. Names follow `sluice_<stage>_<noun>_<unit>`.
 * (A stand-in that creates the registry, and loads prom-client, when first used.)
 */
export const metricsRegistry: Registry = new Proxy({} as Registry, {
  get(_target, key) {
    const real = processRegistry();
    const value: unknown = Reflect.get(real, key, real);
    return typeof value === 'function' ? value.bind(real) : value;
  },
});
let defaultsCollected = false;

export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  promClient().collectDefaultMetrics({ register: processRegistry(), prefix: 'sluice_' });
}

export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  const registry = processRegistry();
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Counter<L>;
  return new (promClient().Counter)<L>({ ...config, registers: [registry] });
}

export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  const registry = processRegistry();
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Gauge<L>;
  return new (promClient().Gauge)<L>({ ...config, registers: [registry] });
}

export function histogram<L extends string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  const registry = processRegistry();
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Histogram<L>;
  return new (promClient().Histogram)<L>({ ...config, registers: [registry] });
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
      metricsRegistry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metricsRegistry.contentType });
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
