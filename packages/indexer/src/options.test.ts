import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { authFromEnv, createClient, describeNode, validateSinkOptions } from './options.js';

describe('validateSinkOptions', () => {
  const node = 'http://127.0.0.1:9200';
  it.each([
    [{ node, flushBytes: 0 }, 'indexer.flushBytes must be an integer between 65536 and 52428800, got 0'],
    [{ node, flushCount: 0 }, 'indexer.flushCount must be an integer between 1 and 100000, got 0'],
    [{ node, concurrency: 65 }, 'indexer.concurrency must be an integer between 1 and 64, got 65'],
    [{ node, flushIntervalMs: -1 }, 'indexer.flushIntervalMs must be an integer between 0 and 60000, got -1'],
    [{ node: 'ftp://x' }, 'indexer.node must be an http(s) URL, got "ftp:" in "x"'],
    [{ node: 'nope' }, 'indexer.node must be an http(s) URL, got "nope"'],
    [{}, 'indexer.node is required (or cloudId)'],
    [
      { node, policy: { maxAttempts: 0 } },
      'indexer.policy.maxAttempts must be at least 1 (or Infinity), got 0',
    ],
    [
      { node, policy: { items: { '409': 'ignore' } } },
      'indexer.policy.items.409 must be one of indexed, duplicate, retry, dead-letter, fatal, got "ignore"',
    ],
    [
      { node, tls: { caFile: '/nonexistent/ca.pem' } },
      'indexer.tls.caFile cannot be read: "/nonexistent/ca.pem"',
    ],
  ] as const)('%j', (options, message) => {
    expect(() => validateSinkOptions(options as never)).toThrow(message);
  });

  it('accepts the defaults and a cloud id without node', () => {
    expect(() => validateSinkOptions({ node })).not.toThrow();
    expect(() => validateSinkOptions({ cloudId: 'name:abc' })).not.toThrow();
  });
});

describe('secrets', () => {
  it('reads credentials from the environment, API key first', () => {
    expect(authFromEnv({ ELASTICSEARCH_API_KEY: 'k', ELASTICSEARCH_USERNAME: 'u' })).toEqual({ apiKey: 'k' });
    expect(authFromEnv({ ELASTICSEARCH_USERNAME: 'u', ELASTICSEARCH_PASSWORD: 'p' })).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(authFromEnv({})).toBeUndefined();
  });

  it('never puts credentials into the node description', () => {
    expect(describeNode({ node: 'https://elastic:changeme@es.example:9243/' })).toBe(
      'https://es.example:9243',
    );
  });
});

describe('createClient', () => {
  it('a failed bulk request keeps its body by reference and drops the credentials from the error', async () => {
    // A port nobody listens on: the request fails with no HTTP answer, as when Elasticsearch is down.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const client = createClient({
      node: `http://127.0.0.1:${port}`,
      auth: { username: 'u', password: 'secret' },
    });
    const body = Buffer.alloc(256 * 1024, 'x');
    const error = await client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body }).then(
      () => undefined,
      (e: unknown) => e as { meta: { meta: { request: { params: Record<string, unknown> } } } },
    );
    await client.close();
    expect(error).toBeDefined();
    // Not a key-by-key copy of the buffer (one property per byte, tens of MiB per retry).
    expect(error?.meta.meta.request.params.body).toBe(body);
    expect(JSON.stringify(error?.meta.meta.request.params.headers ?? {})).not.toContain('Basic');
  });
});
