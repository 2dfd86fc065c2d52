import { readFileSync } from 'node:fs';
import { patternFiles, standardPatternTable } from '@sluice/parser';
import { expect, test } from 'vitest';

// The README lists every standard pattern with what it captures in each mode; regenerate it
// with `npx tsc -b packages/parser && node scripts/pattern-table.mjs --write`.
test('the README table of standard patterns is the library', () => {
  const readme = readFileSync(new URL('../../packages/parser/README.md', import.meta.url), 'utf8');
  const section = /<!-- pattern-table:start -->\n([\s\S]*?)\n<!-- pattern-table:end -->/.exec(readme);
  expect(section, 'packages/parser/README.md lost its pattern-table markers').not.toBeNull();
  expect(section?.[1]).toBe(standardPatternTable(patternFiles));
});
