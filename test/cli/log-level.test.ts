import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/cli.js';

function sluice(args: string[], level: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...process.env, SLUICE_LOG_LEVEL: level } },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: number }).code : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

describe('SLUICE_LOG_LEVEL on the command line', () => {
  it('a bad level stops any command with exit 2 naming the valid levels', async () => {
    const result = await sluice(['modules'], 'verbose');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'sluice: SLUICE_LOG_LEVEL must be one of debug, info, warn, error, silent, got "verbose"\n' +
        '  hint: unset it for info, or set for example SLUICE_LOG_LEVEL=debug\n',
    );
  });

  it('a good one is accepted', async () => {
    const result = await sluice(['modules'], 'warn');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('apache.access');
  });
});
