import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseBrokerUrl } from '@sluice/brokers';
import { RedisConsumer } from '@sluice/brokers/redis';
import { createLogger } from '@sluice/core';
import type { Redis as RedisClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerEnv, consumeAll, uniqueStream } from '../support/brokers.js';
import { runCli } from '../support/cli.js';
import { expectCleanOutput } from '../support/secrets.js';

/**
 * A least-privilege Redis ACL user: keys limited to its list and the list's bookkeeping
 * (`LIST:sluice:*`), commands limited to what the producer, the consumer and `sluice lag` use,
 * nothing from @dangerous (so not INFO either). Made on the shared Redis with a unique name
 * and removed afterwards.
 */
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Redis } = requireFromBrokers('ioredis') as {
  Redis: new (url: string, options?: object) => RedisClient;
};
const env = await brokerEnv();
const hostPort = env.redisUrl.replace(/^rediss?:\/\/(?:[^@/]*@)?/, '').replace(/\/\d*$/, '');
const USER = `sluice-acl-${randomBytes(3).toString('hex')}`;
const PASSWORD = `acl-${randomBytes(6).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const LIST = uniqueStream('acl-list');
const admin = new Redis(env.redisUrl);
const url = (password: string, list: string) =>
  `redis://${USER}:${encodeURIComponent(password)}@${hostPort}/${list}`;

beforeAll(async () => {
  await admin.call(
    'ACL',
    ...['SETUSER', USER, 'reset', 'on', `>${PASSWORD}`, `~${LIST}`, `~${LIST}:sluice:*`, 'resetchannels'],
    ...['-@all', '+@list', '+@set', '+@string', '+@keyspace', '+@scripting', '+@transaction'],
    ...['+@connection', '-@dangerous'],
  );
});

afterAll(async () => {
  await admin.call('ACL', 'DELUSER', USER);
  const bookkeeping = await admin.keys(`${LIST}:sluice:*`);
  await admin.del(LIST, ...bookkeeping);
  await admin.quit();
});

const SECRETS = [PASSWORD, WRONG_PASSWORD];

describe('Redis with a least-privilege ACL user', () => {
  it('the user can only touch its own keys (the restriction is real)', async () => {
    const asUser = new Redis(url(PASSWORD, LIST).replace(/\/[^/]*$/, ''), {
      lazyConnect: true,
      enableReadyCheck: false,
    });
    try {
      await asUser.connect();
      await expect(asUser.get(`not-${LIST}`)).rejects.toThrow(/NOPERM/);
      await expect(asUser.info()).rejects.toThrow(/NOPERM/);
    } finally {
      asUser.disconnect();
    }
  });

  it('ships with `sluice ship`, is consumed, and `sluice lag` reads 0 afterwards', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `acl line ${i}`);
    const shipped = await runCli(['ship', '--stdin', '--to', url(PASSWORD, LIST)], {
      stdin: `${lines.join('\n')}\n`,
      timeoutMs: 30_000,
    });
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stderr).toContain('"msg":"shipped","lines":20');
    // ioredis's INFO ready check would be refused and print a console warning.
    expect(shipped.stderr).not.toContain('ready check');
    expectCleanOutput(shipped.stdout + shipped.stderr, SECRETS);
    expect(await admin.llen(LIST)).toBe(20);

    const consumer = new RedisConsumer(parseBrokerUrl(`${url(PASSWORD, LIST)}?blockMs=50`), {
      logger: createLogger({ level: 'silent' }),
    });
    const got = await consumeAll(consumer, 20, 20_000);
    expect(got.map((r) => r.line).sort()).toEqual([...lines].sort());

    const lag = await runCli(['lag', '--from', url(PASSWORD, LIST), '--json']);
    expect(lag.code, lag.stderr).toBe(0);
    expect(JSON.parse(lag.stdout)).toMatchObject({ backend: 'redis', stream: LIST, lag: 0 });
    expectCleanOutput(lag.stdout + lag.stderr, SECRETS);
  }, 60_000);

  it('a wrong password: exit 2, one clear line, no password', async () => {
    const result = await runCli(['ship', '--stdin', '--to', url(WRONG_PASSWORD, LIST)], {
      stdin: 'x\n',
      timeoutMs: 30_000,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^sluice: Redis at \S+ refused connection: WRONGPASS/m);
    expect(result.stderr).toContain('hint: check the user and password in the URL');
    expectCleanOutput(result.stdout + result.stderr, SECRETS);
  }, 30_000);

  it('a list outside its key pattern: exit 2 naming the ACL, nothing written', async () => {
    const other = uniqueStream('acl-other');
    const result = await runCli(['ship', '--stdin', '--to', url(PASSWORD, other)], {
      stdin: 'x\n',
      timeoutMs: 30_000,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^sluice: Redis at \S+ refused RPUSH: NOPERM/m);
    expect(result.stderr).toContain('the ACL rules for the list');
    expectCleanOutput(result.stdout + result.stderr, SECRETS);
    expect(await admin.exists(other)).toBe(0);
  }, 30_000);
});
