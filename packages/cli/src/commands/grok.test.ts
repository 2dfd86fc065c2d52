import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cliPath, runCli } from '../../../../test/support/cli.js';

// `sluice grok`, `sluice parse` and `sluice modules` as a user runs them: the built CLI,
// lines on stdin (`pnpm test` builds first). Other checks rely on these exact forms.
const dir = mkdtempSync(join(tmpdir(), 'sluice-grok-'));

const sluice = (stdin: string | Buffer, ...args: string[]) => runCli(args, { stdin, cwd: dir });

const APACHE = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326';

beforeAll(() => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`pnpm exec tsc -b\` first`);
  writeFileSync(join(dir, 'extra'), 'TICKET [A-Z]+-\\d+\n');
});

describe('sluice grok', () => {
  test('one JSON value per input line: the captured fields with types, or null', async () => {
    const { code, stdout, stderr } = await sluice(
      `${APACHE}\nnot a log line\n\n`,
      'grok',
      '--pattern',
      '%{COMMONAPACHELOG}',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] as string)).toEqual({
      source: { address: '127.0.0.1' },
      user: { name: 'frank' },
      timestamp: '10/Oct/2000:13:55:36 -0700',
      http: {
        request: { method: 'GET' },
        version: '1.0',
        response: { status_code: 200, body: { bytes: 2326 } },
      },
      url: { original: '/apache_pb.gif' },
    });
    expect(lines.slice(1)).toEqual(['null', 'null']);
  });

  test('--patterns-dir adds definitions', async () => {
    const { code, stdout } = await sluice(
      'see OPS-42 now\n',
      'grok',
      '--pattern',
      '%{TICKET:ticket}',
      '--patterns-dir',
      dir,
    );
    expect(code).toBe(0);
    expect(stdout).toBe('{"ticket":"OPS-42"}\n');
  });

  test('an unknown pattern or an invalid regex exits 2 with a message naming it', async () => {
    const unknown = await sluice('x\n', 'grok', '--pattern', '%{NOSUCHPATTERN:x}');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/unknown grok pattern %\{NOSUCHPATTERN\}/);
    const invalid = await sluice('x\n', 'grok', '--pattern', '(?<x>[a-');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/invalid grok pattern "\(\?<x>\[a-"/);
  });
});

describe('sluice parse', () => {
  test('--module: one ECS event per line', async () => {
    const { code, stdout } = await sluice(`${APACHE}\n`, 'parse', '--module', 'apache.access');
    expect(code).toBe(0);
    const event = JSON.parse(stdout);
    expect(event).toMatchObject({
      message: APACHE,
      '@timestamp': '2000-10-10T20:55:36.000Z',
      source: { address: '127.0.0.1' },
      http: { response: { status_code: 200 } },
      event: { dataset: 'apache.access' },
    });
  });

  test('--config FILE, and an unknown module exits 2', async () => {
    writeFileSync(
      join(dir, 'p.yaml'),
      'processors:\n  - grok: { patterns: ["^%{WORD:verb} %{INT:n:int}$"] }\n',
    );
    const ok = await sluice('add 3\nnope\n', 'parse', '--config', 'p.yaml');
    expect(ok.code).toBe(0);
    const [first, second] = ok.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first).toMatchObject({ verb: 'add', n: 3, message: 'add 3' });
    expect(second).toMatchObject({ message: 'nope', tags: ['_grokparsefailure'] });
    const bad = await sluice('x\n', 'parse', '--module', 'nginx.nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown module "nginx\.nope"/);
  });
});

test("sluice parse --module java joins a stack trace into one event by the module's multi-line rule", async () => {
  const trace = [
    '2024-01-15 10:23:45,123 ERROR [main] com.example.App - Failed to start',
    'java.lang.IllegalStateException: port 8080 in use',
    '\tat com.example.Server.bind(Server.java:42)',
    '2024-01-15 10:23:46,000 INFO [main] com.example.App - retrying',
  ].join('\n');
  const joined = await sluice(`${trace}\n`, 'parse', '--module', 'java');
  expect(joined.code).toBe(0);
  const events = joined.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(events).toHaveLength(2);
  expect(events[0]).toMatchObject({
    error: { type: 'java.lang.IllegalStateException', message: 'port 8080 in use' },
    log: { level: 'ERROR' },
  });
  expect(events[1]).toMatchObject({ message: 'retrying' });
  const separate = await sluice(`${trace}\n`, 'parse', '--module', 'java', '--no-multiline');
  expect(separate.stdout.trimEnd().split('\n')).toHaveLength(4);
});

test('sluice modules lists every module, one line each', async () => {
  const { code, stdout } = await sluice('', 'modules');
  expect(code).toBe(0);
  const names = stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t')[0]);
  expect(names).toEqual([
    'apache.access',
    'apache.error',
    'auth',
    'docker',
    'java',
    'mysql.error',
    'mysql.slowlog',
    'nginx.access',
    'nginx.error',
    'python',
    'rails',
    'syslog.rfc3164',
    'syslog.rfc5424',
  ]);
});
