#!/usr/bin/env node
// Prints the table of Logstash's standard pattern files from the built library, or with
// --write replaces it in packages/parser/README.md (between the pattern-table markers).
// Build first: npx tsc -b packages/parser
import { readFileSync, writeFileSync } from 'node:fs';
import { patternFiles, standardPatternTable } from '@sluice/parser';

const START = '<!-- pattern-table:start -->';
const END = '<!-- pattern-table:end -->';
const table = standardPatternTable(patternFiles);

if (process.argv.includes('--write')) {
  const path = new URL('../packages/parser/README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) {
    console.error(
      `packages/parser/README.md has no ${START} ... ${END} section; add the markers where the table goes`,
    );
    process.exit(2);
  }
  writeFileSync(path, `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`);
  console.log(`packages/parser/README.md: ${table.split('\n').length - 2} patterns`);
} else {
  console.log(table);
}
