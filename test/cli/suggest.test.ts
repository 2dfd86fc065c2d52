import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the built CLI, as a user would (`pnpm test` builds first).
const MAIN = resolve('packages/cli/dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'sluice-suggest-'));

function sluice(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [MAIN, ...args], { cwd: dir }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'];
const MESSAGES = [
  (i: number) => `job ${i} finished after ${i * 3} ms`,
  () => 'checkpoint starting: time',
  (i: number) => `connection received: host=10.0.0.${i} port=5432`,
  () => 'database system is ready to accept connections',
  (i: number) => `relation "orders_${i}" does not exist`,
];
const sample = Array.from({ length: 40 }, (_, i) => {
  const second = String(i % 60).padStart(2, '0');
  const level = LEVELS[i % LEVELS.length] as string;
  const message = (MESSAGES[i % MESSAGES.length] as (i: number) => string)(i);
  return `2026-12-04 10:00:${second}.${String(i * 7).padStart(3, '0')} UTC [${1000 + i * 13}] ${level}:  ${message}`;
});
sample.splice(20, 0, 'this line belongs to no format');

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm exec tsc -b\` first`);
  writeFileSync(join(dir, 'sample.log'), `${sample.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice suggest', () => {
  it('prints a pipeline that sluice check accepts, and its match rate and misses on stderr', async () => {
    const result = await sluice(['suggest', '--file', 'sample.log']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('sluice suggest: 41 sample lines');
    expect(result.stderr).toContain('match rate  97.6%: 40 of 41 lines parse without a failure tag');
    expect(result.stderr).toContain('line 21: _grokparsefailure: "this line belongs to no format"');
    expect(result.stderr).toMatch(/log\.level +level \(string\)/);
    expect(result.stderr).toMatch(/process\.pid +int \(number\)/);
    writeFileSync(join(dir, 'suggested.yaml'), result.stdout);
    const check = await sluice(['check', '--config', 'suggested.yaml']);
    expect(check).toEqual({ code: 0, stdout: 'OK: suggested.yaml: 3 processors\n', stderr: '' });
    const parsed = await sluice(['parse', '--config', 'suggested.yaml'], `${sample[0]}\n`);
    expect(parsed.code).toBe(0);
    const event = JSON.parse(parsed.stdout) as Record<string, unknown>;
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.log).toEqual({ level: 'INFO' });
    expect(event.process).toEqual({ pid: 1000 });
    expect(event.message).toBe('job 0 finished after 0 ms');
  });

  it('reads stdin, takes the first --lines, and writes --out', async () => {
    const result = await sluice(['suggest', '--lines', '10', '--out', 'out.yaml'], `${sample.join('\n')}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('sluice suggest: 10 sample lines');
    expect(result.stderr).toContain('written to  out.yaml');
    expect(readFileSync(join(dir, 'out.yaml'), 'utf8')).toContain('processors:');
  });

  it('proposes the module for a format Sluice has a module for', async () => {
    const nginx = Array.from(
      { length: 20 },
      (_, i) =>
        `10.0.0.${i + 1} - - [04/Dec/2026:10:00:${String(i).padStart(2, '0')} +0000] "GET /p/${i} HTTP/1.1" 200 ${100 + i} "-" "curl/8.4.0"`,
    );
    const result = await sluice(['suggest'], `${nginx.join('\n')}\n`);
    expect(result.code).toBe(0);
    // nginx and Apache write the same combined format: either module reads it in full.
    expect(result.stdout).toMatch(/- module: (?:nginx|apache)\.access\n/);
    expect(result.stderr).toMatch(/proposal {4}built-in module (?:nginx|apache)\.access\n/);
  });

  it('exits 2 on an empty sample, an unreadable file, or a bad --lines', async () => {
    const empty = await sluice(['suggest'], '\n\n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('has no lines to learn from');
    const missing = await sluice(['suggest', '--file', 'nope.log']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --file nope.log: ENOENT');
    const lines = await sluice(['suggest', '--lines', '0']);
    expect(lines.code).toBe(2);
    expect(lines.stderr).toContain('--lines must be a whole number from 1 to 100000, got "0"');
  });
});
