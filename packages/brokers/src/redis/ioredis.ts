import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

/*
 * ioredis through require(), not `import`: imported as ESM, Node's loader lexes ioredis's
 * CommonJS for its named exports and loads its modules through the ESM translator, about
 * 90 ms more CPU than require() on every `sluice ship` to Redis (0.4 µs per line of a
 * 200,000-line run). The types are ioredis's own.
 */
const ioredis = createRequire(import.meta.url)('ioredis') as typeof IORedis;

export const Redis: typeof IORedis.Redis = ioredis.Redis;
export type Redis = IORedis.Redis;
export const Command: typeof IORedis.Command = ioredis.Command;
export type Command = IORedis.Command;
