import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI, as a user runs it (`pnpm test` builds first).
const MAIN = resolve('packages/cli/dist/main.js');

function sluice(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [MAIN, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe('sluice schema', () => {
  it('prints the JSON Schema of the shipper YAML, with snake_case keys', async () => {
    const r = await sluice('schema', 'shipper');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as {
      $schema: string;
      title: string;
      properties: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['output', 'inputs', 'shipper_id', 'max_line_bytes']),
    );
  });

  it('prints the JSON Schema of pipeline files', async () => {
    const r = await sluice('schema', 'pipeline');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ title: expect.stringContaining('pipeline') });
  });

  it('an unknown kind: exit 2 naming the kinds', async () => {
    const r = await sluice('schema', 'consumer');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('schema kind must be one of shipper, pipeline, got "consumer"');
  });
});
