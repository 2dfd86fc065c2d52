import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authFromEnv, createClient, describeNode, sentCredentials, validateSinkOptions } from './options.js';

/** An Elastic Cloud id as the console shows it: name, then base64 of `host$es-id$kibana-id`. */
const CLOUD_ID = `demo:${Buffer.from('es.example.com$abc123$def456').toString('base64')}`;

describe('validateSinkOptions', () => {
  const node = 'http://127.0.0.1:9200';
  it.each([
    [{ node, flushBytes: 0 }, 'indexer.flushBytes must be an integer between 65536 and 52428800, got 0'],
    [{ node, flushCount: 0 }, 'indexer.flushCount must be an integer between 1 and 100000, got 0'],
    [{ node, concurrency: 65 }, 'indexer.concurrency must be an integer between 1 and 64, got 65'],
    [{ node, flushIntervalMs: -1 }, 'indexer.flushIntervalMs must be an integer between 0 and 60000, got -1'],
    [
      { node: 'ftp://x' },
      'Elasticsearch URL ftp://x uses the scheme "ftp"; Elasticsearch speaks http or https',
    ],
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
    [{ node, auth: { username: 'u', password: '' } }, 'indexer.auth needs both username and password'],
    [
      { cloudId: 'name:abc' },
      'indexer.cloudId must look like "NAME:BASE64" (copied from Elastic Cloud), got "name:abc"',
    ],
    [{ cloudId: 'no-colon' }, 'indexer.cloudId must look like "NAME:BASE64"'],
  ] as const)('%j', (options, message) => {
    expect(() => validateSinkOptions(options as never)).toThrow(message);
  });

  it('accepts the defaults and a cloud id without node', () => {
    expect(() => validateSinkOptions({ node })).not.toThrow();
    expect(() => validateSinkOptions({ cloudId: CLOUD_ID })).not.toThrow();
  });

  it('a CA file must be PEM, and goes with https (over plain http it would be ignored)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const derFile = join(dir, 'ca.der');
    writeFileSync(derFile, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    try {
      expect(() => validateSinkOptions({ node: 'https://127.0.0.1:9200', tls: { caFile: derFile } })).toThrow(
        `indexer.tls.caFile is not a PEM certificate: "${derFile}"`,
      );
      expect(() => validateSinkOptions({ node: 'https://127.0.0.1:9200', tls: { caFile } })).not.toThrow();
      expect(() => validateSinkOptions({ node, tls: { caFile } })).toThrow(
        'indexer.tls.caFile is set but indexer.node is a plain http:// URL',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks credentials from the environment too', () => {
    const saved = { ...process.env };
    try {
      delete process.env.ELASTICSEARCH_API_KEY;
      process.env.ELASTICSEARCH_USERNAME = 'writer';
      delete process.env.ELASTICSEARCH_PASSWORD;
      expect(() => validateSinkOptions({ node })).toThrow(
        'ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is empty',
      );
    } finally {
      process.env = saved;
    }
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

  it('knows which credentials a request carries, without reading the URL ones', () => {
    const saved = { ...process.env };
    try {
      delete process.env.ELASTICSEARCH_API_KEY;
      delete process.env.ELASTICSEARCH_USERNAME;
      expect(sentCredentials({ node: 'https://es:9200' })).toBeNull();
      expect(sentCredentials({ node: 'https://u:p@es:9200' })).toBeUndefined();
      expect(sentCredentials({ node: 'https://es:9200', auth: { apiKey: 'k' } })).toEqual({ apiKey: 'k' });
      process.env.ELASTICSEARCH_USERNAME = 'w';
      process.env.ELASTICSEARCH_PASSWORD = 'p';
      expect(sentCredentials({ node: 'https://es:9200' })).toEqual({ username: 'w', password: 'p' });
    } finally {
      process.env = saved;
    }
  });

  it('never puts credentials into the node description', () => {
    expect(describeNode({ node: 'https://elastic:changeme@es.example:9243/' })).toBe(
      'https://es.example:9243',
    );
  });
});

describe('createClient', () => {
  it('a cloud id becomes an https node of that deployment', async () => {
    const client = createClient({ cloudId: CLOUD_ID });
    const urls = client.connectionPool.connections.map((c) => c.url.href);
    await client.close();
    expect(urls).toEqual(['https://abc123.es.example.com/']);
  });

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
