// Run with: node --test benchmarks/lib/
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshResultBase } from './results.mjs';

test('a result name already taken by any of its files is never reused', () => {
  const dir = `${mkdtempSync(join(tmpdir(), 'results-'))}/`;
  try {
    const first = freshResultBase('consumer-cpu', ['.md'], '2026-12-05', dir);
    assert.equal(first, `${dir}2026-12-05-consumer-cpu`);
    writeFileSync(`${first}.md`, 'committed table');
    assert.equal(
      freshResultBase('consumer-cpu', ['.md'], '2026-12-05', dir),
      `${dir}2026-12-05-consumer-cpu-2`,
    );
    // Only the .json of -2 exists: -2 is still taken for a script that writes both.
    writeFileSync(`${dir}2026-12-05-consumer-cpu-2.json`, '{}');
    assert.equal(
      freshResultBase('consumer-cpu', ['.md', '.json'], '2026-12-05', dir),
      `${dir}2026-12-05-consumer-cpu-3`,
    );
    assert.equal(freshResultBase('shipper-cpu', ['.md'], '2026-12-05', dir), `${dir}2026-12-05-shipper-cpu`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
