import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The patches of @elastic/elasticsearch and @elastic/transport (patches/) that keep the
 * client's loading cheap for every consumer (~150 ms CPU per process): undici's index and
 * @opentelemetry/core are not loaded, nor the API namespaces nobody asked for, and what
 * the client uses of them still works. Run in a child process, whose require cache holds
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
      // A refused connection, not "this.pool.request is not a function": undici's
      // request API is on the pool although its index was not loaded.
      error: 'ConnectionError',
    });
  });
});
