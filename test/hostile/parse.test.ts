import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/cli.js';

/** Issue 16, "Why" 1: `sluice parse` exited 1 on a 50,000-level JSON line and dropped the rest of stdin. */
describe('sluice parse on a poison line', () => {
  it('prints the line tagged and goes on to the next one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-parse-'));
    const config = join(dir, 'json.yaml');
    writeFileSync(config, 'processors:\n  - json: {field: message}\n');
    const n = 50_000;
    const input = `${'{"a":'.repeat(n)}1${'}'.repeat(n)}\n{"after":"the poison line"}\n`;
    const run = spawnSync(process.execPath, [cliPath, 'parse', '--config', config], {
      input,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { tags?: string[]; after?: string });
    expect(events).toHaveLength(2);
    expect(events[0]?.tags).toEqual(['_jsonparsefailure']);
    expect(events[1]?.after).toBe('the poison line');
  });
});
