import { readdirSync } from 'node:fs';
import { Grok } from '@sluice/parser';
import { describe, expect, test } from 'vitest';
import type { GrokCaseFile } from './case.js';

/**
 * The compatibility suite of the standard grok library: every file under cases/ holds the
 * behaviours of one Logstash pattern file, in both naming modes. Each case compiles the
 * pattern alone, as a user pasting `%{NAME}` would, and compares the whole capture set.
 */
const caseDir = new URL('./cases/', import.meta.url);
const files: GrokCaseFile[] = await Promise.all(
  readdirSync(caseDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map(async (f) => (await import(new URL(f, caseDir).href)).default as GrokCaseFile),
);

const MODES = [
  ['ecs', 'v1'],
  ['legacy', 'disabled'],
] as const;

describe.each(files)('$file', ({ cases }) => {
  for (const [key, mode] of MODES) {
    const ofMode = cases.filter((c) => c[key] !== undefined);
    if (ofMode.length === 0) continue;
    test.each(ofMode.map((c, i) => [`${mode} ${i + 1} %{${c.pattern}}`, c] as const))('%s', (_name, c) => {
      const grok = new Grok([`%{${c.pattern}}`], { ecsCompatibility: mode });
      expect(grok.match(c.line), c.line).toEqual(c[key]);
    });
  }
});
