import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLines } from '@sluice/testkit';
import { describe, expect, it } from 'vitest';
import { brokerUrl, runCli } from '../support/cli.js';
import { uniqueName } from '../support/env.js';

function lagOf(output: string): number {
  const total = output.split('\n').find((l) => l.startsWith('total\t')) ?? output.split('\n')[0] ?? '';
  return Number(total.split('\t')[1]);
}

describe.each(['kafka', 'redis', 'redis-stream', 'rabbitmq'])('sluice tap on %s', (kind) => {
  it('prints parsed records and leaves every record for the real consumers', async () => {
    const stream = uniqueName(`tap-${kind}`);
    const url = brokerUrl(kind, stream);
    const lines = [...generateLines(50, { seed: 5 })];
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-tap-')), 'access.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await runCli(['ship', '--file', file, '--to', url])).code).toBe(0);

    const tapped = await runCli([
      'tap',
      '--from',
      url,
      '--module',
      'apache.access',
      '--count',
      '5',
      '--timeout',
      '20',
      '--from-beginning',
    ]);
    expect(tapped.code, tapped.stderr).toBe(0);
    const events = tapped.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; http?: { response?: { status_code?: number } } });
    expect(events).toHaveLength(5);
    for (const event of events) {
      expect(lines).toContain(event.message);
      expect(typeof event.http?.response?.status_code).toBe('number');
    }

    // Nothing was taken: the group that will index these still sees all 50 waiting.
    const lag = await runCli(['lag', '--from', url, '--group', stream]);
    expect(lag.code, lag.stderr).toBe(0);
    expect(lagOf(lag.stdout)).toBe(50);
  });
});

describe('sluice tap parses each record within a time budget', () => {
  it('a record past --line-timeout is printed unparsed, tagged _groktimeout, and tap goes on', async () => {
    const stream = uniqueName('tap-budget');
    const url = brokerUrl('redis', stream);
    // 2^40 ways to split the a's before failing on the '!': without the budget tap never ends.
    const slow = `${'a'.repeat(40)}!`;
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-tap-')), 'redos.log');
    writeFileSync(file, `${slow}\naaaa\n`);
    expect((await runCli(['ship', '--file', file, '--to', url])).code).toBe(0);

    const tapped = await runCli([
      'tap',
      '--from',
      url,
      '--pattern',
      '^(?<run>a+)+$',
      '--count',
      '2',
      '--timeout',
      '20',
      '--line-timeout',
      '100',
    ]);
    expect(tapped.code, tapped.stderr).toBe(0);
    const events = tapped.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; run?: string; tags?: string[] });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ message: slow, tags: ['_groktimeout'] });
    expect(events[1]).toMatchObject({ message: 'aaaa', run: 'aaaa' });
    expect(tapped.stderr).toMatch(/parsing took over 100 ms; printed unparsed, tagged _groktimeout/);
  });
});
