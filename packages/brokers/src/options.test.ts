import { describe, expect, it } from 'vitest';
import { credentialsFor, scrub } from './options.js';
import { rabbitConnectUrl } from './rabbitmq/connection.js';
import { redisOptions } from './redis/connection.js';
import { parseBrokerUrl } from './url.js';

describe('credentials from the environment', () => {
  const env = {
    REDIS_USERNAME: 'env-user',
    REDIS_PASSWORD: 'env-p@ss',
    AMQP_USERNAME: 'amqp-user',
    AMQP_PASSWORD: 'a:b/c',
  };

  it('fill what the URL leaves out, field by field; the URL wins', () => {
    expect(credentialsFor('redis://127.0.0.1:6379', 'REDIS', env)).toEqual({
      username: 'env-user',
      password: 'env-p@ss',
    });
    expect(credentialsFor('redis://app@127.0.0.1:6379', 'REDIS', env)).toEqual({
      username: 'app',
      password: 'env-p@ss',
    });
    expect(credentialsFor('redis://app:url-pass@127.0.0.1:6379', 'REDIS', env)).toEqual({
      username: 'app',
      password: 'url-pass',
    });
    expect(credentialsFor('redis://127.0.0.1:6379', 'REDIS', {})).toEqual({});
  });

  it('reach ioredis for Redis', () => {
    const options = redisOptions(parseBrokerUrl('redis://127.0.0.1:6379/list'), {}, env);
    expect(options).toMatchObject({ username: 'env-user', password: 'env-p@ss' });
  });

  it('are put into the amqplib URL, percent-encoded, only when the URL has none', () => {
    const target = parseBrokerUrl('amqp://127.0.0.1:5672/queue');
    expect(rabbitConnectUrl(target, env)).toBe('amqp://amqp-user:a%3Ab%2Fc@127.0.0.1:5672');
    const explicit = parseBrokerUrl('amqp://guest:guest@127.0.0.1:5672/queue');
    expect(rabbitConnectUrl(explicit, env)).toBe(explicit.connection);
    expect(rabbitConnectUrl(target, {})).toBe(target.connection);
  });

  it('an environment password is scrubbed from error text like a URL one', () => {
    expect(scrub('auth failed for a:b/c (a%3Ab%2Fc)', 'amqp://127.0.0.1:5672', env.AMQP_PASSWORD)).toBe(
      'auth failed for *** (***)',
    );
  });
});
