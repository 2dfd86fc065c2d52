import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parseBrokerUrl } from '@sluice/brokers';
import { RabbitMqConsumer } from '@sluice/brokers/rabbitmq';
import { createLogger } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeAll, uniqueStream } from '../support/brokers.js';
import { cliPath, runCli } from '../support/cli.js';
import { freePort } from '../support/net.js';
import { expectCleanOutput } from '../support/secrets.js';
import { makeCertificates } from '../support/tls.js';

/**
 * AMQPS against a private RabbitMQ node with a TLS listener (certificate signed by a CA made
 * here with openssl; nothing committed) and a user of its own made with rabbitmqctl. The
 * node has its own name, ports, cookie and data under one temporary directory, so the
 * shared node on :5672 is not touched. As root, the packaged scripts in /usr/lib/rabbitmq/bin
 * are run directly (the /usr/sbin wrappers `su rabbitmq`, who could not read the directory).
 */
const exec = promisify(execFile);
const PASSWORD = `amqps-${randomBytes(6).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const USER = 'sluice-tls';

function rabbitBin(): string | undefined {
  const packaged = '/usr/lib/rabbitmq/bin';
  if (process.getuid?.() === 0 && existsSync(join(packaged, 'rabbitmq-server'))) return packaged;
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (d && existsSync(join(d, 'rabbitmq-server')) && existsSync(join(d, 'rabbitmqctl'))) return d;
  }
  return undefined;
}
const bin = rabbitBin();

const nodeName = `sluice-tls-${process.pid}-${randomBytes(3).toString('hex')}@localhost`;
let dir = '';
let ca = '';
let tlsPort = 0;
let nodeEnv: NodeJS.ProcessEnv = {};
let booted = false;

const ctl = async (args: string[], timeout = 60_000): Promise<string> =>
  (
    await exec(join(bin as string, 'rabbitmqctl'), ['-n', nodeName, '-q', ...args], {
      env: nodeEnv,
      cwd: dir,
      timeout,
    })
  ).stdout;

beforeAll(async () => {
  if (!bin) return;
  if (!existsSync(cliPath))
    throw new Error(`build the CLI first (tsc -b packages/cli): ${cliPath} is missing`);
  dir = await mkdtemp(join(tmpdir(), 'sluice-rabbitmq-tls-'));
  await makeCertificates(dir);
  ca = join(dir, 'ca.pem');
  const [amqpPort, distPort] = [await freePort(), await freePort()];
  tlsPort = await freePort();
  await writeFile(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.local = 127.0.0.1:${amqpPort}`,
      `listeners.ssl.local = 127.0.0.1:${tlsPort}`,
      `ssl_options.cacertfile = ${ca}`,
      `ssl_options.certfile = ${join(dir, 'server.pem')}`,
      `ssl_options.keyfile = ${join(dir, 'server.key')}`,
      // Server authentication only: clients are known by user and password.
      'ssl_options.verify = verify_none',
      'ssl_options.fail_if_no_peer_cert = false',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  // An empty env file: the machine's /etc/rabbitmq/rabbitmq-env.conf names the shared node.
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  nodeEnv = {
    PATH: process.env.PATH,
    HOME: dir, // a private Erlang cookie: nothing here can reach the shared node
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'node.pid'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  booted = true; // set first: a half-started node is still stopped in afterAll
  await exec(join(bin, 'rabbitmq-server'), ['-detached'], { env: nodeEnv, cwd: dir });
  // `await_startup` fails at once while the node is not registered with epmd yet.
  for (const deadline = Date.now() + 90_000; ; ) {
    try {
      await ctl(['await_startup', '--timeout', '60'], 70_000);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
  await ctl(['add_user', USER, PASSWORD]);
  await ctl(['set_permissions', '-p', '/', USER, '.*', '.*', '.*']);
}, 120_000);

afterAll(async () => {
  if (booted) {
    await ctl(['stop', join(dir, 'node.pid')], 90_000).catch((error: unknown) =>
      console.warn(`private RabbitMQ did not stop: ${(error as Error).message}`),
    );
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, 100_000);

const sluice = (args: string[], stdin: string) => runCli(args, { stdin, timeoutMs: 60_000 });

const url = (password: string, queue: string, query: string) =>
  `amqps://${USER}:${encodeURIComponent(password)}@127.0.0.1:${tlsPort}/${queue}${query ? `?${query}` : ''}`;

const SECRETS = [PASSWORD, WRONG_PASSWORD];

describe.skipIf(!bin)('RabbitMQ over TLS (amqps://, private node)', () => {
  it('`sluice ship` publishes over amqps:// with ?tlsCa=, and the consumer reads it back', async () => {
    const queue = uniqueStream('amqps');
    const lines = Array.from({ length: 5 }, (_, i) => `amqps line ${i}`);
    const shipped = await sluice(
      ['ship', '--stdin', '--to', url(PASSWORD, queue, `tlsCa=${encodeURIComponent(ca)}`)],
      `${lines.join('\n')}\n`,
    );
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stderr).toContain('"msg":"shipped","lines":5');
    // The URL names an IP: no TLS server name is set, so Node prints no DEP0123 warning.
    expect(shipped.stderr).not.toMatch(/DEP0123|ServerName to an IP address/);
    expectCleanOutput(shipped.stdout + shipped.stderr, SECRETS);
    // The node itself holds them, so it was not some other listener that took the lines.
    expect(await ctl(['list_queues', 'name', 'messages_ready'])).toMatch(new RegExp(`^${queue}\\s+5$`, 'm'));

    const consumer = new RabbitMqConsumer(parseBrokerUrl(url(PASSWORD, queue, `tlsCa=${ca}`)), {
      logger: createLogger({ level: 'silent' }),
    });
    const got = await consumeAll(consumer, 5, 20_000);
    expect(got.map((r) => r.line).sort()).toEqual(lines);
  }, 60_000);

  it('a wrong password: exit 2, one clear line, no password', async () => {
    const result = await sluice(
      ['ship', '--stdin', '--to', url(WRONG_PASSWORD, uniqueStream('amqps-wrong'), `tlsCa=${ca}`)],
      'a line\n',
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /^sluice: RabbitMQ at 127\.0\.0\.1:\d+ refused connection: .*ACCESS.REFUSED/m,
    );
    expect(result.stderr).toContain('hint: check the user, password and vhost');
    expectCleanOutput(result.stdout + result.stderr, SECRETS);
  }, 60_000);

  it('no CA for a private certificate: exit 2 with a message about TLS trust', async () => {
    const result = await sluice(
      ['ship', '--stdin', '--to', url(PASSWORD, uniqueStream('amqps-noca'), '')],
      'a line\n',
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^sluice: RabbitMQ connection at .* failed: .*certificate/m);
    expect(result.stderr).toContain(
      "hint: the broker's TLS certificate is not trusted: pass its CA with ?tlsCa=",
    );
    expectCleanOutput(result.stdout + result.stderr, SECRETS);
  }, 60_000);
});
