import { describe, expect, it } from 'vitest';
import { newClusterId } from './kafka.js';

describe('newClusterId', () => {
  it('is 22 URL-safe base64 characters', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never starts with "-" (the storage tool would read it as an option)', () => {
    // 0xf8 encodes to '-' as the first base64url character; the second draw does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
  });
});
