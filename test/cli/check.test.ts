import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-check-'));
// Runs the built CLI, as a user would (`pnpm test` builds first).
const sluice = (...args: string[]) => runCli(args, { cwd: dir });

beforeAll(() => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`pnpm exec tsc -b\` first`);
  writeFileSync(
    join(dir, 'good.yaml'),
    `# nginx behind a load balancer
processors:
  - grok: { field: message, patterns: ["%{COMBINEDAPACHELOG}"] }
  - date: { field: timestamp, formats: ["dd/MMM/yyyy:HH:mm:ss Z"] }
  - drop: {}
    if: { field: url.original, matches: "^/health" }
  - redact: { mode: hash, hash_secret: "do-not-print-this-secret" }
  - fingerprint: { fields: [message, host.name] }
`,
  );
  writeFileSync(
    join(dir, 'bad.yaml'),
    `processors:
  - grok: { field: message, patterns: ["%{COMBINEDAPACHELOG}"] }
  - date:
      field: timestamp
      formats: abc
  - nope: {}
  - redact: { mode: hash, hash_secret: 12345678901234567890 }
  - drop: {}
    if: { field: url.original, matches: "(" }
`,
  );
  writeFileSync(join(dir, 'broken.json'), '{"processors": [\n  {"json": {}},\n  {"drop": {}} "x"\n]\n}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice check --config', () => {
  it('prints OK with the number of processors and exits 0', async () => {
    const result = await sluice('check', '--config', 'good.yaml');
    expect(result).toEqual({
      code: 0,
      stdout: 'OK: good.yaml: 5 processors\n',
      stderr: '',
    });
  });

  it('prints every error with file, line (and column of the offending option) and processor, never a secret, and exits 2', async () => {
    const result = await sluice('check', '--config', 'bad.yaml');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'bad.yaml:5:7: processor 2 (date): "formats" must be a non-empty list of date formats, got "abc"',
        'bad.yaml:6: processor 3 (nope): unknown processor "nope"; known processors: client_ip, date, dissect, drop, fingerprint, geoip, grok, json, kv, mutate, redact, syslog_pri, syslog_sd, uri_parts, user_agent',
        'bad.yaml:7:27: processor 4 (redact): "hash_secret" must be a string, got "***"',
        'bad.yaml:9:32: processor 5 (drop): "if" "matches" is not a valid regular expression: "(" (Invalid regular expression: /(/: Unterminated group)',
        '  hint: a condition is one of { field, equals }, { field, matches }, { field, in }, { exists }, { tag }, { not }, { all }, { any }',
        'FAILED: bad.yaml: 4 errors',
        '',
      ].join('\n'),
    );
    expect(result.stderr).not.toContain('12345678901234567890');
  });

  it('reports syntax errors with their line, and a missing file or option, with exit 2', async () => {
    const broken = await sluice('check', '--config', 'broken.json');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toBe(
      'broken.json:3: not valid JSON: Unexpected double-quoted-scalar at node end\nFAILED: broken.json: 1 error\n',
    );
    const missing = await sluice('check', '--config', 'missing.yaml');
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'cannot read pipeline file missing.yaml: ENOENT\n  hint: check the path given to --config\nFAILED: missing.yaml: 1 error\n',
    });
    const none = await sluice('check');
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sluice: missing --config\n  hint: for example: sluice check --config pipeline.yaml\n',
    });
  });
});
