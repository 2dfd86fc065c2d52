import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueStream } from '../support/brokers.js';
import { brokerUrl, runCli } from '../support/cli.js';
import { testEnv } from '../support/env.js';

/**
 * --from, --to and --es also come from SLUICE_FROM, SLUICE_TO and SLUICE_ES (how Kubernetes
 * passes them from a Secret); the command line wins. Real Redis and Elasticsearch.
 */
const env = testEnv();
const dir = mkdtempSync(join(tmpdir(), 'sluice-env-loc-'));
const LIST = uniqueStream('env-loc');
const INDEX = `sluice-env-loc-${Date.now().toString(36)}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await fetch(`${env.elasticsearchUrl}/${INDEX}`, { method: 'DELETE' }).catch(() => undefined);
});

/** `sluice ARGS` with these location variables and none inherited; stdin empty unless given. */
const sluice = (args: string[], vars: NodeJS.ProcessEnv, input?: string) =>
  runCli(args, {
    unset: ['SLUICE_FROM', 'SLUICE_TO', 'SLUICE_ES', 'ELASTICSEARCH_URL'],
    env: vars,
    stdin: input ?? '',
    timeoutMs: 90_000,
  });

const LINES = [
  '10.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8"',
  '10.0.0.2 - - [04/Dec/2026:10:00:01 +0000] "GET /a HTTP/1.1" 404 0 "-" "curl/8"',
  '10.0.0.3 - - [04/Dec/2026:10:00:02 +0000] "POST /b HTTP/1.1" 500 7 "-" "curl/8"',
];

describe('SLUICE_FROM, SLUICE_TO and SLUICE_ES', () => {
  it('ship reads SLUICE_TO, lag reads SLUICE_FROM, consume reads SLUICE_FROM and SLUICE_ES: no URL in argv', async () => {
    const list = brokerUrl('redis', LIST);
    const shipped = await sluice(['ship', '--stdin'], { SLUICE_TO: list }, `${LINES.join('\n')}\n`);
    expect(shipped.code, shipped.stderr).toBe(0);
    const lag = await sluice(['lag', '--json'], { SLUICE_FROM: list });
    expect(lag.code, lag.stderr).toBe(0);
    expect(JSON.parse(lag.stdout)).toMatchObject({ backend: 'redis', stream: LIST, lag: 3 });

    const consumed = await sluice(
      ['consume', '--index', INDEX, '--module', 'apache.access', '--exit-when-idle', '2'],
      { SLUICE_FROM: list, SLUICE_ES: env.elasticsearchUrl },
    );
    expect(consumed.code, consumed.stderr).toBe(0);
    await fetch(`${env.elasticsearchUrl}/${INDEX}/_refresh`, { method: 'POST' });
    const count = (await (await fetch(`${env.elasticsearchUrl}/${INDEX}/_count`)).json()) as {
      count: number;
    };
    expect(count.count).toBe(3);
  }, 120_000);

  it('the command line wins over the variable', async () => {
    const lag = await sluice(['lag', '--json', '--from', brokerUrl('redis', LIST)], {
      SLUICE_FROM: 'redis://127.0.0.1:1/nowhere',
    });
    expect(lag.code, lag.stderr).toBe(0);
    expect(JSON.parse(lag.stdout)).toMatchObject({ stream: LIST, lag: 0 });

    const retention = ['retention', '--older-than', '30d', '--index-pattern', `${INDEX}-none-*`, '--dry-run'];
    const fromVariable = await sluice(retention, { SLUICE_ES: 'http://127.0.0.1:1' });
    expect(fromVariable.code).not.toBe(0);
    expect(fromVariable.stderr).toContain('127.0.0.1:1');
    const fromFlag = await sluice([...retention, '--es', env.elasticsearchUrl], {
      SLUICE_ES: 'http://127.0.0.1:1',
    });
    expect(fromFlag.code, fromFlag.stderr).toBe(0);
  }, 120_000);

  it('without --from or SLUICE_FROM: exit 2 naming --from; the help names the variables', async () => {
    const missing = await sluice(['lag'], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--from <url>' not specified");
    const help = (await sluice(['consume', '--help'], {})).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--from <url> [^-]*\(env: SLUICE_FROM\)/);
    expect(help).toMatch(/--es <url> .*?env: SLUICE_ES\)/);
  });

  it('SLUICE_TO does not clash with a shipper config file, which names its own output', async () => {
    const other = uniqueStream('env-loc-config');
    const config = join(dir, 'shipper.yaml');
    writeFileSync(config, `output: { url: "${brokerUrl('redis', other)}" }\ninputs:\n  - { type: stdin }\n`);
    const shipped = await sluice(
      ['ship', '--config', config],
      { SLUICE_TO: 'redis://127.0.0.1:1/never' },
      'one\n',
    );
    expect(shipped.code, shipped.stderr).toBe(0);
    const lag = await sluice(['lag', '--json', '--from', brokerUrl('redis', other)], {});
    expect(JSON.parse(lag.stdout)).toMatchObject({ lag: 1 });
  }, 60_000);
});
