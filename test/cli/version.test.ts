import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cliDir = resolve('packages/cli');
const manifest = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files?: string[];
};
const scratch = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function exec(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, (error, stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe('the installed sluice command', () => {
  const bin = join(cliDir, manifest.bin.sluice as string);

  it('is a bin entry named sluice: a node script with a shebang, executable as checked out', () => {
    expect(Object.keys(manifest.bin)).toEqual(['sluice']);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
    // A packed or deployed package carries the bin and what it loads.
    expect(manifest.files).toEqual(expect.arrayContaining(['bin', 'dist']));
  });

  it('runs through a symlink on PATH, the way npm i -g and pnpm add -g link it', async () => {
    const link = join(scratch, 'sluice');
    symlinkSync(bin, link);
    const result = await exec(link, ['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it.each(['--version', '-V'])('prints the package version for %s and exits 0', async (flag) => {
    const result = await exec(process.execPath, [join(cliDir, 'dist/main.js'), flag]);
    expect(result).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });
});
