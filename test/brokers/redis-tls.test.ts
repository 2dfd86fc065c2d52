import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProducer, parseBrokerUrl } from '@sluice/brokers';
import { RedisConsumer } from '@sluice/brokers/redis';
import type { InboundRecord } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';

/**
 * rediss:// against a private TLS-only redis-server (self-signed certificate made here),
 * started on a free port and stopped after the file: the shared Redis speaks plain TCP.
 * Skipped when redis-server or openssl is not installed.
 */
function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
const available = has('redis-server') && has('openssl');
const PASSWORD = 'tls-s3cret';

describe.skipIf(!available)('Redis over TLS (rediss://)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-tls-'));
  const cert = join(dir, 'cert.pem');
  let server: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    port = await freePort();
    server = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        cert,
        '--tls-key-file',
        join(dir, 'key.pem'),
        '--tls-ca-cert-file',
        cert,
        '--tls-auth-clients',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        PASSWORD,
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(true)); // port taken: the server is listening
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
      });
      if (up) break;
      if (Date.now() > deadline) throw new Error('redis-server with TLS did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    server?.kill('SIGTERM');
  });

  const roundTrip = async (query: string): Promise<InboundRecord[]> => {
    const url = `rediss://:${PASSWORD}@127.0.0.1:${port}/tls-list-${Date.now()}?${query}&blockMs=50`;
    const producer = await createProducer(parseBrokerUrl(url));
    await producer.publish(
      [1, 2, 3].map((i) => ({ id: `t${i}`, line: `secure ${i}`, source: '/t', offset: i, shippedAt: 1 })),
    );
    await producer.close();
    const consumer = new RedisConsumer(parseBrokerUrl(url));
    const got: InboundRecord[] = [];
    await consumer.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
      if (got.length >= 3) void consumer.close();
    });
    return got;
  };

  it('publishes and consumes with the CA given by ?tlsCa=', async () => {
    expect((await roundTrip(`tlsCa=${encodeURIComponent(cert)}`)).map((r) => r.id)).toEqual([
      't1',
      't2',
      't3',
    ]);
  });

  it('refuses an unknown certificate authority, without printing the password', async () => {
    const url = `rediss://:${PASSWORD}@127.0.0.1:${port}/refused`;
    const error = await (await createProducer(parseBrokerUrl(url)))
      .publish([{ id: 'x', line: 'x', source: '/t', shippedAt: 1 }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/certificate/i);
    expect(String((error as Error).message)).not.toContain(PASSWORD);
  });

  it('accepts it with ?tlsInsecure=true (tests only)', async () => {
    expect(await roundTrip('tlsInsecure=true')).toHaveLength(3);
  });
});
