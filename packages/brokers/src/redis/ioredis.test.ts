import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command, Redis } from './ioredis.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('ioredis loading', () => {
  // An `import { X } from 'ioredis'` anywhere on the shipper's path makes Node load ioredis as
  // ESM again, about 90 ms more start-up CPU: values come from ./ioredis.js (require()).
  it('is loaded through require() only: no value import of ioredis in the package', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    const offenders = files.filter((f) =>
      /^import\s+(?!type\b)[^;]*from\s+'ioredis'/m.test(readFileSync(join(src, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('gives ioredis itself', () => {
    expect(typeof Redis).toBe('function');
    expect(new Command('ping', []).name).toBe('ping');
  });
});
