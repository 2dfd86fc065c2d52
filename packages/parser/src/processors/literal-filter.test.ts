import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiteralFilters, LiteralScan } from './literal-filter.js';

describe('LiteralScan', () => {
  it('lets through every text that contains one of the literals, whatever its characters', () => {
    const filters = new LiteralFilters(['Mozilla/5.0 (X11; Linux x86_64) Chrome/1', 'curl/8']);
    const scan = new LiteralScan();
    // ASCII literals; texts with non-ASCII characters (which fold onto ASCII pair keys).
    const ascii = fc.string({ unit: fc.constantFrom(...'abcAB/ .é\u0100ſKİ'), maxLength: 12 });
    const literal = fc.string({ unit: fc.constantFrom(...'abcAB/ .'), minLength: 1, maxLength: 4 });
    let hits = 0;
    let ruledOut = 0;
    fc.assert(
      fc.property(
        fc.array(literal, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        ascii,
        ascii,
        (literals, folded, a, b) => {
          const filter = filters.of({
            literals: folded ? literals.map((l) => l.toLowerCase()) : literals,
            folded,
          });
          for (const text of [a + (literals[0] as string) + b, a + b]) {
            const hay = folded ? text.toLowerCase() : text;
            const contains = filter.literals.some((l) => hay.includes(l));
            const may = scan.reset(text).mayContain(filter);
            expect(may, JSON.stringify({ text, literals, folded })).toBe(contains);
            if (contains) hits++;
            else ruledOut++;
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(hits).toBeGreaterThan(1000);
    expect(ruledOut).toBeGreaterThan(100);
  });
});
