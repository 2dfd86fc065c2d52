import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  type BrokerTarget,
  checkBrokerReachable,
  createConsumer,
  createProducer,
  parseBrokerUrl,
} from '@sluice/brokers';
import { RabbitMqConsumer } from '@sluice/brokers/rabbitmq';
import { RedisConsumer } from '@sluice/brokers/redis';
import { createLogger, type Logger, recordId } from '@sluice/core';
import type { Redis as RedisClient } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerEnv, uniqueStream } from '../support/brokers.js';
import { expectNoSecrets } from '../support/secrets.js';

/**
 * Passwords never reach an error message, a hint, a cause or a log line, whatever the
 * URL form and whatever fails (parsing, an unreachable host, a refused login).
 */
const PASSWORD = `Hunter2-${randomBytes(4).toString('hex')}`;
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Redis } = requireFromBrokers('ioredis') as {
  Redis: new (url: string, options?: object) => RedisClient;
};
const env = await brokerEnv();

function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), text: () => lines.join('') };
}

/** Everything a user or a log could be shown about an error, causes included. */
function allText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, String(e.stack), JSON.stringify(e), (e as { hint?: string }).hint ?? '');
      e = e.cause;
    } else {
      parts.push(String(e));
      e = undefined;
    }
  }
  return parts.join('\n');
}

async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD)];

describe('credentials stay out of errors and logs', () => {
  const urls = {
    kafka: `kafka://sluice:${PASSWORD}@127.0.0.1:1/logs`,
    redis: `redis://sluice:${PASSWORD}@127.0.0.1:1/logs`,
    rabbitmq: `amqp://sluice:${PASSWORD}@127.0.0.1:1/logs`,
  };

  it('parse errors show the URL redacted', () => {
    for (const url of [
      `nats://sluice:${PASSWORD}@127.0.0.1:4222/logs`,
      `amqp://sluice:${PASSWORD}@127.0.0.1:5672`,
      `redis://:${PASSWORD}@127.0.0.1:6379/`,
      `kafka://sluice:${PASSWORD}@127.0.0.1:99999/logs`,
    ]) {
      let error: unknown;
      try {
        parseBrokerUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(Error);
      expect(allText(error)).toContain('***');
      expectNoSecrets(allText(error), SECRETS);
    }
  });

  it.each(Object.entries(urls))(
    'an unreachable %s names host:port and the fix, not the password',
    async (kind, url) => {
      const error = await thrown(() => checkBrokerReachable(parseBrokerUrl(url), 1_000));
      expect((error as Error).message).toContain('127.0.0.1:1');
      expect((error as { retriable?: boolean }).retriable).toBe(true);
      expect((error as { hint?: string }).hint).toMatch(
        /running\? start it with .*; or pass a different URL/,
      );
      expectNoSecrets(allText(error), SECRETS);
      expect(kind).toBeTruthy();
    },
  );

  describe('Redis: a refused AUTH for an ACL user', () => {
    const user = `sluice-test-${randomBytes(3).toString('hex')}`;
    const admin = new Redis(env.redisUrl);
    afterAll(async () => {
      await admin.call('ACL', 'DELUSER', user);
      await admin.quit();
    });

    it('works with the right password and fails cleanly with a wrong one', async () => {
      await admin.call('ACL', 'SETUSER', user, 'on', `>${PASSWORD}`, '~*', '&*', '+@all');
      const base = env.redisUrl.replace(/^redis:\/\/(?:[^@/]*@)?/, '').replace(/\/\d*$/, '');
      const stream = uniqueStream('acl');
      const good = parseBrokerUrl(`redis://${user}:${encodeURIComponent(PASSWORD)}@${base}/${stream}`);
      const producer = await createProducer(good);
      await producer.publish([
        { id: recordId('s', 0), line: 'x', source: 's', offset: 0, shippedAt: Date.now() },
      ]);
      await producer.close();
      expect(await admin.llen(stream)).toBe(1);
      await admin.del(stream);

      const wrong = parseBrokerUrl(`redis://${user}:wrong-${encodeURIComponent(PASSWORD)}@${base}/${stream}`);
      const log = captureLogger();
      const consumer = new RedisConsumer(wrong, { logger: log.logger });
      const error = await thrown(() => consumer.run(async () => {}));
      expect((error as Error).message).toMatch(/^Redis at .* refused connection: WRONGPASS/);
      expect((error as { retriable?: boolean }).retriable).toBe(false);
      expectNoSecrets(allText(error), SECRETS);
      expectNoSecrets(log.text(), SECRETS);
      await consumer.close();
      const badPublish = await thrown(() =>
        createProducer(wrong).then((p) => p.publish([{ id: 'a', line: 'x', source: 's', shippedAt: 0 }])),
      );
      expectNoSecrets(allText(badPublish), SECRETS);
    });
  });

  it('RabbitMQ: a refused login fails cleanly, not retriable, with a hint', async () => {
    const base = env.amqpUrl.replace(/^amqps?:\/\/(?:[^@/]*@)?/, '').replace(/\/$/, '');
    const target: BrokerTarget = parseBrokerUrl(
      `amqp://guest:${encodeURIComponent(PASSWORD)}@${base}/${uniqueStream('login')}`,
    );
    const log = captureLogger();
    const consumer = new RabbitMqConsumer(target, { logger: log.logger });
    const error = await thrown(() => consumer.run(async () => {}));
    expect((error as Error).message).toMatch(/^RabbitMQ at .* refused connection: .*ACCESS.REFUSED/);
    expect((error as { retriable?: boolean }).retriable).toBe(false);
    expect((error as { hint?: string }).hint).toContain('check the user, password and vhost');
    expectNoSecrets(allText(error), SECRETS);
    expectNoSecrets(log.text(), SECRETS);
    await consumer.close();
    const badPublish = await thrown(() =>
      createProducer(target).then((p) => p.publish([{ id: 'a', line: 'x', source: 's', shippedAt: 0 }])),
    );
    expectNoSecrets(allText(badPublish), SECRETS);
    const badLag = await thrown(() => createConsumer(target).then((c) => c.lag()));
    expectNoSecrets(allText(badLag), SECRETS);
  });
});
