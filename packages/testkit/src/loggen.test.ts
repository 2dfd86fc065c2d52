import { describe, expect, it } from 'vitest';
import { generateLines } from './loggen.js';

describe('generateLines', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = [...generateLines(50, { seed: 7 })];
    const b = [...generateLines(50, { seed: 7 })];
    const c = [...generateLines(50, { seed: 8 })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('writes combined-format access lines', () => {
    const re =
      /^\d+\.\d+\.\d+\.\d+ - \S+ \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "\w+ \S+ HTTP\/1\.1" (\d{3}) \d+ "[^"]*" "[^"]*"$/;
    for (const line of generateLines(500)) expect(line).toMatch(re);
  });

  it('produces some 5xx responses so tests can count them', () => {
    const fives = [...generateLines(2_000)].filter((l) => / 5\d\d \d+ "/.test(l)).length;
    expect(fives).toBeGreaterThan(50);
    expect(fives).toBeLessThan(600);
  });
});
