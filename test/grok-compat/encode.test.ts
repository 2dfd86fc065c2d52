import { readdirSync } from 'node:fs';
import { compileIndexName, itemCount, itemText, type LogEvent } from '@sluice/core';
import { compilePipeline, directEncoderFor, encodeRecords } from '@sluice/parser';
import { describe, expect, test } from 'vitest';
import type { GrokCaseFile } from './case.js';

/**
 * Compiled encoding against the compatibility cases: each case's pattern, as a one-step
 * grok pipeline, encodes its line to the same document whether the worker writes it
 * straight from the match (compiled) or builds the event and serialises it (generic).
 * Documents are compared as Elasticsearch reads them (parsed), not byte for byte.
 */
const caseDir = new URL('./cases/', import.meta.url);
const files: GrokCaseFile[] = await Promise.all(
  readdirSync(caseDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map(async (f) => (await import(new URL(f, caseDir).href)).default as GrokCaseFile),
);

const indexName = compileIndexName('logs-%{+yyyy.MM.dd}');
const NOW = Date.UTC(2024, 5, 1);

function documents(line: string, pattern: string, mode: string, indexReadsFields: boolean) {
  // A fresh pipeline per path: grok statistics are per pipeline.
  const pipeline = compilePipeline([{ grok: { patterns: [`%{${pattern}}`], ecs_compatibility: mode } }]);
  const records = [
    { id: 'plain', line, format: 'raw' as const, shippedAt: NOW },
    { id: 'with-fields', line, format: 'raw' as const, fields: { 'host.name': 'web-1' } },
  ];
  const batch = encodeRecords(records, { pipeline, indexName, now: NOW, indexReadsFields });
  return {
    compiled: directEncoderFor(pipeline) !== undefined,
    items: Array.from({ length: itemCount(batch) }, (_, i) =>
      itemText(batch, i)
        .split('\n')
        .slice(0, 2)
        .map((text) => JSON.parse(text) as LogEvent),
    ),
  };
}

const MODES = [
  ['ecs', 'v1'],
  ['legacy', 'disabled'],
] as const;

let compiledCases = 0;
describe.each(files)('$file', ({ cases }) => {
  for (const [key, mode] of MODES) {
    const ofMode = cases.filter((c) => c[key] !== undefined);
    if (ofMode.length === 0) continue;
    test.each(ofMode.map((c, i) => [`${mode} ${i + 1} %{${c.pattern}}`, c] as const))('%s', (_name, c) => {
      const direct = documents(c.line, c.pattern, mode, false);
      const generic = documents(c.line, c.pattern, mode, true);
      expect(direct.items).toEqual(generic.items);
      if (direct.compiled) compiledCases++;
    });
  }
});

test('most standard patterns are compiled (the comparison above is not between two generic runs)', () => {
  expect(compiledCases).toBeGreaterThan(100);
});
