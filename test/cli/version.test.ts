import { accessSync, constants, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCommand } from '../support/cli.js';

const cliDir = resolve('packages/cli');
const manifest = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files?: string[];
};
const scratch = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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
    const result = await runCommand(link, ['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it.each(['--version', '-V'])('prints the package version for %s and exits 0', async (flag) => {
    const result = await runCli([flag]);
    expect(result).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });
});
