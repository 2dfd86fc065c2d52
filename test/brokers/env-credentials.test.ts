import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Redis as RedisClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerEnv, uniqueStream } from '../support/brokers.js';
import { runCli } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';

/**
 * Broker credentials from REDIS_USERNAME / REDIS_PASSWORD and AMQP_USERNAME / AMQP_PASSWORD,
 * so the URL (a process argument, a manifest) carries none. Users of their own on the shared
 * Redis (an ACL user) and RabbitMQ, removed afterwards.
 */
const exec = promisify(execFile);
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Redis } = requireFromBrokers('ioredis') as {
  Redis: new (url: string, options?: object) => RedisClient;
};
const env = await brokerEnv();
const suffix = randomBytes(3).toString('hex');
const USER = `sluice-env-${suffix}`;
const PASSWORD = `env-${randomBytes(6).toString('hex')}`;
const WRONG = `wrong-${randomBytes(6).toString('hex')}`;
const redisHost = env.redisUrl.replace(/^rediss?:\/\/(?:[^@/]*@)?/, '').replace(/\/\d*$/, '');
const amqpHost = env.amqpUrl.replace(/^amqps?:\/\/(?:[^@/]*@)?/, '').replace(/\/.*$/, '');
const LIST = uniqueStream('env-cred-list');
const QUEUE = uniqueStream('env-cred-queue');
const admin = new Redis(env.redisUrl);

/** `sluice ship --stdin --to TO` with only these broker credentials in its environment. */
const ship = (to: string, extraEnv: NodeJS.ProcessEnv, lines: readonly string[]) =>
  runCli(['ship', '--stdin', '--to', to], {
    unset: ['REDIS_USERNAME', 'REDIS_PASSWORD', 'AMQP_USERNAME', 'AMQP_PASSWORD'],
    env: extraEnv,
    stdin: `${lines.join('\n')}\n`,
    timeoutMs: 30_000,
  }).then(({ code, stdout, stderr }) => ({ code, output: stdout + stderr }));

const SECRETS = [PASSWORD, WRONG];

describe('Redis credentials from REDIS_USERNAME / REDIS_PASSWORD', () => {
  beforeAll(async () => {
    await admin.call(
      'ACL',
      ...['SETUSER', USER, 'reset', 'on', `>${PASSWORD}`, `~${LIST}`, `~${LIST}:sluice:*`, 'resetchannels'],
      ...['-@all', '+@list', '+@connection', '+@scripting', '+@keyspace'],
    );
  });
  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', USER);
    await admin.del(LIST);
    await admin.quit();
  });

  it('a URL without user info logs in as the ACL user from the environment', async () => {
    const result = await ship(
      `redis://${redisHost}/${LIST}`,
      { REDIS_USERNAME: USER, REDIS_PASSWORD: PASSWORD },
      ['a', 'b', 'c'],
    );
    expect(result.code, result.output).toBe(0);
    expect(await admin.llen(LIST)).toBe(3);
    expectNoSecrets(result.output, SECRETS);
  }, 40_000);

  it('a wrong REDIS_PASSWORD: exit 2, the hint names the variables, the value is never printed', async () => {
    const result = await ship(
      `redis://${redisHost}/${LIST}`,
      { REDIS_USERNAME: USER, REDIS_PASSWORD: WRONG },
      ['x'],
    );
    expect(result.code, result.output).toBe(2);
    expect(result.output).toMatch(/refused connection: WRONGPASS/);
    expect(result.output).toContain('REDIS_USERNAME / REDIS_PASSWORD');
    expectNoSecrets(result.output, SECRETS);
  }, 40_000);

  it("the URL's user info wins over the environment", async () => {
    const url = `redis://${USER}:${PASSWORD}@${redisHost}/${LIST}`;
    const result = await ship(url, { REDIS_USERNAME: 'nobody-here', REDIS_PASSWORD: WRONG }, ['d']);
    expect(result.code, result.output).toBe(0);
    expect(await admin.llen(LIST)).toBe(4);
  }, 40_000);
});

describe('RabbitMQ credentials from AMQP_USERNAME / AMQP_PASSWORD', () => {
  const ctl = (...args: string[]) => exec('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
  beforeAll(async () => {
    await ctl('add_user', USER, PASSWORD);
    // Its own queue and the topology around it (exchange sluice, the queue's .dlx/.dlq) only.
    await ctl(
      'set_permissions',
      '-p',
      '/',
      USER,
      `^(sluice|${QUEUE}.*)$`,
      `^(sluice|${QUEUE}.*)$`,
      `^(sluice|${QUEUE}.*)$`,
    );
  }, 120_000);
  afterAll(async () => {
    await ctl('delete_user', USER);
    await ctl('delete_queue', QUEUE).catch(() => undefined);
    await ctl('delete_queue', `${QUEUE}.dlq`).catch(() => undefined);
  }, 120_000);

  it('a URL without user info logs in as the user from the environment, not as guest', async () => {
    const result = await ship(
      `amqp://${amqpHost}/${QUEUE}`,
      { AMQP_USERNAME: USER, AMQP_PASSWORD: PASSWORD },
      ['a', 'b'],
    );
    expect(result.code, result.output).toBe(0);
    const { stdout } = await ctl('list_queues', 'name', 'messages', '--no-table-headers');
    expect(stdout).toMatch(new RegExp(`^${QUEUE}\\s+2$`, 'm'));
    expectNoSecrets(result.output, SECRETS);
  }, 60_000);

  it('a wrong AMQP_PASSWORD is refused (so the variable is what logs in): exit 2, value never printed', async () => {
    const result = await ship(`amqp://${amqpHost}/${QUEUE}`, { AMQP_USERNAME: USER, AMQP_PASSWORD: WRONG }, [
      'x',
    ]);
    expect(result.code, result.output).toBe(2);
    expect(result.output).toContain('AMQP_USERNAME / AMQP_PASSWORD');
    expectNoSecrets(result.output, SECRETS);
  }, 60_000);
});
