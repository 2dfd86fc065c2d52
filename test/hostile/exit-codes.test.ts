import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, startCli } from '../support/cli.js';
import { testEnv } from '../support/env.js';
import { freePort } from '../support/net.js';

/**
 * Issue 16, "Why" 3, 5, 6 and 7: what the user must fix exits 2 with a hint, promptly and
 * before anything connects; SIGTERM ends `ship` even while it retries, and stops a
 * command still starting up with exit 0.
 */
let closedPort: number;
let dir: string;
const servers: Server[] = [];

beforeAll(async () => {
  closedPort = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'sluice-exit-'));
});
afterAll(() => {
  for (const server of servers) server.close();
});

function listen(onConnection: (socket: import('node:net').Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer(onConnection).listen(0, '127.0.0.1', () => {
      servers.push(server);
      resolve((server.address() as { port: number }).port);
    });
  });
}

const PIPELINE = ['--module', 'syslog.rfc3164'];

describe('exit code 2 for what the user must fix', () => {
  it('lag and tap with Kafka down: one error and a hint, no client warnings', async () => {
    for (const command of ['lag', 'tap']) {
      const { code, stdout, stderr } = await runCli([command, '--from', `kafka://127.0.0.1:${closedPort}/t`]);
      expect(code, stderr).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^sluice: cannot reach Kafka at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n {2}hint: .*\n$/,
      );
    }
  });

  it('an unreachable broker or Elasticsearch at start: consume, dlq replay, retention', async () => {
    const es = testEnv().elasticsearchUrl;
    const down = `http://127.0.0.1:${closedPort}`;
    const cases: Array<[string[], RegExp]> = [
      [
        ['consume', '--from', `redis://127.0.0.1:${closedPort}/x`, ...PIPELINE, '--es', es],
        /cannot reach Redis/,
      ],
      [
        ['consume', '--from', 'redis://127.0.0.1:6379/x', ...PIPELINE, '--es', down],
        /Elasticsearch at .* does not answer/,
      ],
      [['dlq', 'replay', '--es', down], /Elasticsearch at .* does not answer/],
      [['retention', '--es', down, '--older-than', '30d', '--index-pattern', 'logs-*'], /does not answer/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(args);
      expect(code, `${args.join(' ')}\n${stderr}`).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('--metrics is checked with the other options, before anything connects; a port in use is exit 2', async () => {
    const nowhere = ['--from', `redis://127.0.0.1:${closedPort}/x`, '--es', `http://127.0.0.1:${closedPort}`];
    for (const value of ['abc', '99999']) {
      for (const args of [
        ['consume', ...PIPELINE, ...nowhere, '--metrics', value],
        ['ship', '--stdin', '--to', `redis://127.0.0.1:${closedPort}/x`, '--metrics', value],
      ]) {
        const { code, stderr } = await runCli(args);
        expect(code, stderr).toBe(2);
        expect(stderr).toContain(`metrics address must be HOST:PORT or PORT (0-65535), got "${value}"`);
      }
    }
    const taken = await listen((socket) => socket.destroy());
    const { code, stderr } = await runCli([
      'consume',
      ...PIPELINE,
      '--from',
      'redis://127.0.0.1:6379/sluice-hostile-metrics',
      '--es',
      testEnv().elasticsearchUrl,
      '--metrics',
      `127.0.0.1:${taken}`,
      '--exit-when-idle',
      '1',
    ]);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`cannot serve metrics on 127.0.0.1:${taken}: EADDRINUSE`);
    expect(stderr).toContain('hint: another process listens there');
  });

  it('refused Redis credentials: exit 2 with the credentials hint from every command, never "Connection is closed"', async () => {
    // An ACL user that does not exist: refused whatever the server's default user allows.
    const url = `redis://sluice-no-such-user:WRONG-${process.pid}@127.0.0.1:6379/sluice-hostile-auth`;
    // The shipper connects on its first publish, so it gets a line to publish.
    const oneLine = join(dir, 'one-line.log');
    writeFileSync(oneLine, 'a line\n');
    for (const args of [
      ['tap', '--from', url, '--count', '1'],
      ['lag', '--from', url],
      ['ship', '--file', oneLine, '--to', url, '--registry', join(dir, 'auth-registry.json')],
      ['consume', ...PIPELINE, '--from', url, '--es', testEnv().elasticsearchUrl],
    ]) {
      const { code, stderr } = await runCli(args);
      expect(code, `${args.join(' ')}\n${stderr}`).toBe(2);
      expect(stderr).toMatch(/refused .*WRONGPASS/);
      expect(stderr).toContain('hint: check the user and password');
      expect(stderr).not.toContain(`WRONG-${process.pid}`);
    }
  });

  it('configuration a retry cannot fix: invalid topic, TLS against a plain port, unknown host', async () => {
    const plain = testEnv()
      .redisUrl.replace(/^redis:/, 'rediss:')
      .replace(/\/\d*$/, '');
    const cases: Array<[string, RegExp]> = [
      ['kafka://127.0.0.1:9092/bad topic!', /invalid Kafka topic "bad topic!"/],
      [`${plain}/x`, /does not complete a TLS handshake\n {2}hint: .*use the plain scheme \(redis:\/\/\)/],
      ['redis://no-such-host.invalid:6379/x', /ENOTFOUND\)\n {2}hint: the host name does not resolve/],
    ];
    for (const [url, message] of cases) {
      for (const args of [
        ['ship', '--stdin', '--to', url],
        ['consume', ...PIPELINE, '--from', url],
      ]) {
        const { code, stderr } = await runCli(args);
        expect(code, `${args.join(' ')}\n${stderr}`).toBe(2);
        expect(stderr).toMatch(message);
      }
    }
  });

  it('says what is wrong: a directory as --file, an ftp:// Elasticsearch, --es with --cloud-id, an uppercase index', async () => {
    const broker = ['--from', 'redis://127.0.0.1:6379/x', ...PIPELINE];
    const cases: Array<[string[], string]> = [
      [
        ['ship', '--file', dir, '--to', 'redis://127.0.0.1:6379/x'],
        `sluice: ${dir} is a directory, not a file`,
      ],
      [
        ['consume', ...broker, '--es', 'ftp://127.0.0.1:9200'],
        'Elasticsearch URL ftp://127.0.0.1:9200 uses the scheme "ftp"; Elasticsearch speaks http or https',
      ],
      [
        ['consume', ...broker, '--es', 'http://127.0.0.1:9200', '--cloud-id', 'name:ZXhhbXBsZQ=='],
        'give either --es or --cloud-id, not both',
      ],
      [
        ['consume', ...broker, '--index', 'PROBE-UP'],
        'index name "PROBE-UP" has uppercase letters; Elasticsearch index names are lowercase\n  hint: use "probe-up"',
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(args);
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(message);
    }
  });

  // Root reads any file, so as root (CI) the CLI runs as nobody (65534), for whom the file
  // is unreadable like for any user without the permission. That needs a checkout nobody can
  // read (not one under /root); without it the test cannot say anything and is skipped.
  const root = process.getuid?.() === 0;
  const nobodyCanRunCli =
    !root ||
    spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(cliPath)})`], {
      uid: 65534,
      gid: 65534,
    }).status === 0;
  it.skipIf(!nobodyCanRunCli)('an unreadable --file says permission denied, with a hint', async () => {
    const open = mkdtempSync(join(tmpdir(), 'sluice-eacces-'));
    chmodSync(open, 0o755);
    const file = join(open, 'secret.log');
    writeFileSync(file, 'x\n');
    chmodSync(file, 0);
    const { code, stderr } = await runCli(['ship', '--file', file, '--to', 'redis://127.0.0.1:6379/x'], {
      timeoutMs: 60_000,
      ...(root ? { as: { uid: 65534, gid: 65534 } } : {}),
    });
    expect(stderr).toContain(`cannot read ${file}: permission denied`);
    expect(code).toBe(2);
  });
});

describe('signals', () => {
  it.each([
    ['redis', 'publish failed; retrying'],
    // kafkajs retries inside one publish call for a long time before Sluice logs anything.
    ['kafka', '"msg":"shipping"'],
  ])('SIGTERM ends ship while it retries a %s broker that drops every connection', async (kind, cue) => {
    const port = await listen((socket) => socket.destroy());
    const file = join(dir, `${kind}-lines.log`);
    writeFileSync(file, 'one\ntwo\n');
    const ship = startCli([
      'ship',
      '--file',
      file,
      '--to',
      `${kind}://127.0.0.1:${port}/x`,
      '--shutdown-timeout',
      '1',
    ]);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (ship.stderr().includes(cue)) {
          clearInterval(check);
          resolve();
        }
      }, 100);
    });
    // Well inside the publish's retries.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    ship.child.kill('SIGTERM');
    const killer = setTimeout(() => ship.child.kill('SIGKILL'), 45_000);
    const code = await ship.exited;
    clearTimeout(killer);
    // It ended by itself (not the SIGKILL above): 1, since what was read was never confirmed.
    expect(code, ship.stderr()).toBe(1);
  });

  it('SIGTERM while a command is still starting up is a clean exit 0', async () => {
    // An "Elasticsearch" that accepts connections and never answers: start-up waits on it.
    const silent = await listen(() => {});
    const consume = startCli([
      'consume',
      ...PIPELINE,
      '--from',
      'redis://127.0.0.1:6379/x',
      '--es',
      `http://127.0.0.1:${silent}`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    consume.child.kill('SIGTERM');
    const killer = setTimeout(() => consume.child.kill('SIGKILL'), 30_000);
    const code = await consume.exited;
    clearTimeout(killer);
    expect(code, consume.stderr()).toBe(0);
    expect(consume.stderr()).toContain('SIGTERM during start-up; stopped before reading anything');
  });
});
