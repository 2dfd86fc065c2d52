import type { GrokCaseFile } from '../case.js';

export default {
  file: 'redis',
  cases: [
    {
      pattern: 'REDISLOG',
      line: '[4018] 14 Nov 07:01:22.119 * Background saving terminated with success',
      ecs: { process: { pid: 4018 }, timestamp: '14 Nov 07:01:22.119' },
      legacy: { pid: '4018', timestamp: '14 Nov 07:01:22.119' },
    },
    {
      pattern: 'REDISLOG',
      line: '[4018] 14 Nov 07:01:22.119 # Server started',
      ecs: null,
      legacy: null,
      note: "a warning line ('#'), not '*'",
    },
    {
      pattern: 'REDISLOG',
      line: '1:M 14 Nov 2023 07:01:22.119 * Ready to accept connections',
      ecs: null,
      legacy: null,
      note: "the Redis 3+ format is not REDISLOG's",
    },
    {
      pattern: 'REDISMONLOG',
      line: '1700000000.123456 [0 127.0.0.1:51234] "SET" "key" "value"',
      ecs: {
        timestamp: '1700000000.123456',
        redis: { database: { id: '0' }, command: { name: 'SET', args: '"key" "value"' } },
        client: { ip: '127.0.0.1', port: 51234 },
      },
      legacy: {
        timestamp: '1700000000.123456',
        database: '0',
        client: '127.0.0.1',
        port: 51234,
        command: 'SET',
        params: '"key" "value"',
      },
    },
    {
      pattern: 'REDISMONLOG',
      line: '1700000000.123456 [2 10.0.0.9:6380] "PING"',
      ecs: {
        timestamp: '1700000000.123456',
        redis: { database: { id: '2' }, command: { name: 'PING' } },
        client: { ip: '10.0.0.9', port: 6380 },
      },
      legacy: {
        timestamp: '1700000000.123456',
        database: '2',
        client: '10.0.0.9',
        port: 6380,
        command: 'PING',
      },
    },
    {
      pattern: 'REDISMONLOG',
      line: '1700000000.123456 [0 unix:/tmp/redis.sock] "GET" "k"',
      ecs: null,
      legacy: null,
      note: 'a Unix socket client',
    },
    { pattern: 'REDISTIMESTAMP', line: '14 Nov 07:01:22.119', ecs: {}, legacy: {} },
    { pattern: 'REDISTIMESTAMP', line: '2023-11-14', ecs: null, legacy: null },
  ],
} satisfies GrokCaseFile;
