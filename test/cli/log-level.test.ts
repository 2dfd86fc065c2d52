import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const sluice = (args: string[], level: string) => runCli(args, { env: { SLUICE_LOG_LEVEL: level } });

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
