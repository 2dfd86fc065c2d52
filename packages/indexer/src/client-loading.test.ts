import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The patches of @elastic/elasticsearch and @elastic/transport (patches/) that keep the
 * client's loading cheap for every consumer (~200 ms CPU per process): undici's index,
 * @opentelemetry/core and (until an OpenTelemetry SDK registers itself) @opentelemetry/api
 * are not loaded, nor the API namespaces nobody asked for, and what the client uses of
 * them still works. Run in a child process, whose require cache holds
 * only what this script loaded.
 */
const SCRIPT = `
const { createRequire } = require('node:module');
const req = createRequire(${JSON.stringify(new URL('../package.json', import.meta.url).pathname)});
const { Client } = req('@elastic/elasticsearch');
const client = new Client({ node: 'http://127.0.0.1:1', maxRetries: 0, requestTimeout: 2000 });
const loaded = () => Object.keys(require.cache);
const before = loaded();
const indices = client.indices;
const after = loaded();
client.info().then(
  () => ({ error: 'none' }),
  (error) => ({ error: error.name }),
).then(({ error }) => {
  process.stdout.write(JSON.stringify({
    undiciIndex: before.some((f) => /\\/undici\\/index\\.js$/.test(f)),
    otelCore: before.some((f) => f.includes('/@opentelemetry/core/')),
    mlNamespace: before.some((f) => f.endsWith('/lib/api/api/ml.js')),
    indicesBefore: before.some((f) => f.endsWith('/lib/api/api/indices.js')),
    indicesAfter: after.some((f) => f.endsWith('/lib/api/api/indices.js')),
    indicesCreate: typeof indices.create,
    // Loaded by the first traced request only, and nothing is traced without an SDK.
    otelApi: loaded().some((f) => f.includes('/@opentelemetry/api/')),
    error,
  }));
});
`;

describe('the Elasticsearch client as patched for start-up', () => {
  it('loads neither undici nor @opentelemetry/core whole, nor unused API namespaces, and still sends requests', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['-e', SCRIPT], { encoding: 'utf8' }));
    expect(out).toEqual({
      undiciIndex: false,
      otelCore: false,
      mlNamespace: false,
      indicesBefore: false,
      indicesAfter: true,
      indicesCreate: 'function',
      otelApi: false,
      // A refused connection, not "this.pool.request is not a function": undici's
      // request API is on the pool although its index was not loaded.
      error: 'ConnectionError',
    });
  });

  it('still traces each request once an OpenTelemetry SDK has registered a tracer provider', () => {
    const script = `
const { createRequire } = require('node:module');
const req = createRequire(${JSON.stringify(new URL('../package.json', import.meta.url).pathname)});
const transport = createRequire(req.resolve('@elastic/elasticsearch')).resolve('@elastic/transport');
const api = createRequire(transport)('@opentelemetry/api');
const spans = [];
const span = (name) => ({
  setAttribute() { return this; }, setAttributes() { return this; }, recordException() {},
  setStatus(status) { spans.push(name + ':status ' + status.code); return this; }, end() { spans.push(name + ':end'); },
});
api.trace.setGlobalTracerProvider({
  getTracer: () => ({
    startSpan: (name) => span(name),
    startActiveSpan: (name, options, context, fn) => { spans.push(name + ':' + options.kind); return fn(span(name)); },
  }),
});
const { Client } = req('@elastic/elasticsearch');
const client = new Client({ node: 'http://127.0.0.1:1', maxRetries: 0, requestTimeout: 2000 });
client.info().catch(() => {}).then(() => process.stdout.write(JSON.stringify(spans)));
`;
    const spans = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    // SpanKind.CLIENT is 2, SpanStatusCode.ERROR 2: the refused connection is recorded.
    expect(spans).toEqual(['info:2', 'info:status 2', 'info:end']);
  });
});
