import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl, runCli } from '../support/cli.js';
import { makeCertificates, type TestCertificates } from '../support/tls.js';

/**
 * Every command that reaches Elasticsearch explains an untrusted certificate the same way
 * `consume` does: exit 2 and the `--es-ca FILE` hint, no stack trace. The server is a plain
 * HTTPS listener with a throwaway CA: only the handshake matters here.
 */
let dir: string;
let certs: TestCertificates;
let server: Server;
let es: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-es-tls-'));
  certs = await makeCertificates(dir);
  server = createServer({ cert: readFileSync(certs.cert), key: readFileSync(certs.key) }, (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"test server"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  es = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const commands: [string, () => string[]][] = [
  [
    'retention',
    () => ['retention', '--es', es, '--older-than', '30d', '--index-pattern', 'x-*', '--dry-run'],
  ],
  ['dlq replay', () => ['dlq', 'replay', '--es', es, '--module', 'apache.access']],
  [
    'consume',
    () => [
      'consume',
      '--from',
      brokerUrl('redis', 'unused-es-tls'),
      '--es',
      es,
      '--index',
      'x',
      '--module',
      'apache.access',
    ],
  ],
];

describe('an Elasticsearch certificate the client does not trust', () => {
  it.each(commands)(
    '%s: exit 2 with the --es-ca hint',
    async (_name, args) => {
      const result = await runCli(args(), { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        /^sluice: Elasticsearch at https:\/\/127\.0\.0\.1:\d+ presented a certificate that is not trusted/m,
      );
      expect(result.stderr).toContain('--es-ca FILE');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
    90_000,
  );

  it('with --es-ca the handshake succeeds (what follows is the test server answering 503)', async () => {
    const args = [
      'retention',
      '--es',
      es,
      '--es-ca',
      certs.ca,
      '--older-than',
      '30d',
      '--index-pattern',
      'x-*',
    ];
    const result = await runCli(args, { timeoutMs: 60_000 });
    expect(result.stderr).not.toContain('not trusted');
  }, 90_000);
});
