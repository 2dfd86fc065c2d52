import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, SluiceError } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { formatError } from '../run-command.js';
import { importSavedObjects } from './import.js';
import { buildSavedObjects, toNdjson } from './saved-objects.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A loopback stand-in for Kibana's import endpoint that records the request it gets. */
async function fakeKibana(status: number, reply: unknown): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

/** Parses the multipart body the way a server would (undici's FormData parser). */
async function uploadedFile(seen: Seen): Promise<{ name: string; text: string }> {
  const form = await new Request('http://x/', {
    method: 'POST',
    headers: { 'content-type': String(seen.headers['content-type']) },
    body: seen.body,
  }).formData();
  const file = form.get('file');
  if (!(file instanceof File)) throw new Error('no file part in the upload');
  return { name: file.name, text: await file.text() };
}

describe('importSavedObjects', () => {
  const ndjson = toNdjson(buildSavedObjects());

  it('POSTs the ndjson as a multipart file to _import with overwrite=true and kbn-xsrf', async () => {
    const kibana = await fakeKibana(200, { success: true, successCount: 2, successResults: [] });
    const result = await importSavedObjects(ndjson, { kibana: kibana.url });
    expect(result).toEqual({ successCount: 2 });
    expect(kibana.seen).toHaveLength(1);
    const [req] = kibana.seen;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(req.headers['kbn-xsrf']).toBeDefined();
    expect(String(req.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const file = await uploadedFile(req);
    expect(file.name).toBe('sluice.ndjson');
    expect(file.text).toBe(ndjson);
  });

  it('moves URL credentials into Basic auth, keeps a base path and targets a space', async () => {
    const kibana = await fakeKibana(200, { success: true, successCount: 2 });
    await importSavedObjects(ndjson, {
      kibana: kibana.url.replace('http://', 'http://elastic:s3cret@') + '/kibana',
      space: 'ops',
    });
    const [req] = kibana.seen;
    expect(req.url).toBe('/kibana/s/ops/api/saved_objects/_import?overwrite=true');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('elastic:s3cret').toString('base64')}`);
  });

  it('fails with exit 2, one line and a hint when Kibana is unreachable', async () => {
    // Bind and release a port so nothing listens on it.
    const kibana = await fakeKibana(200, {});
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const error = await importSavedObjects(ndjson, {
      kibana: kibana.url.replace('http://', 'http://u:topsecret@'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    const text = formatError(error);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toMatch(/^sluice: cannot reach Kibana at http:\/\/u:\*+@127\.0\.0\.1:\d+: ECONNREFUSED$/m);
    expect(text).toMatch(/^ {2}hint: start Kibana/m);
    expect(text).not.toContain('topsecret');
  });

  it('reports objects Kibana refused, by type and id', async () => {
    const kibana = await fakeKibana(200, {
      success: false,
      successCount: 1,
      errors: [
        {
          id: 'sluice-web-traffic',
          type: 'dashboard',
          error: { type: 'unknown', message: 'bad panelsJSON' },
        },
      ],
    });
    const error = await importSavedObjects(ndjson, { kibana: kibana.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      'Kibana imported 1 objects and refused 1: dashboard sluice-web-traffic: unknown bad panelsJSON',
    );
  });

  it('turns 401 into a hint about credentials', async () => {
    const kibana = await fakeKibana(401, {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'missing authentication',
    });
    await expect(importSavedObjects(ndjson, { kibana: kibana.url })).rejects.toThrow(
      /refused the import \(401\)/,
    );
  });

  it('rejects a --kibana that is not an http URL before any request', async () => {
    await expect(importSavedObjects(ndjson, { kibana: 'kibana:5601' })).rejects.toThrow(
      '--kibana must be an http:// or https:// URL, got "kibana:5601"',
    );
  });
});
