import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { testEnv } from '../support/env.js';

/**
 * Issue 16, "Why" 2: a password in a malformed broker URL was printed. Every command that
 * takes a broker URL gets each of these, with and without --verbose, and nothing it
 * prints (stdout or stderr, whatever the exit code) may contain the marker. The parser's
 * own cases (more shapes, the messages themselves) are in packages/brokers/src/url.test.ts
 * and packages/core/src/secrets.test.ts.
 */
const MARK = 'Hx7MARKERpw';

const MALFORMED = [
  `user:${MARK}@127.0.0.1:6379/x`, // no scheme
  `redis://u:${MARK}/PW@127.0.0.1:6379/l`, // unencoded "/" in the password
  `redis://u:${MARK}@x@127.0.0.1:6379/l`, // unencoded "@": parses, Redis refuses the password
  `redis://127.0.0.1:6379/l?password=${MARK}`, // secret in the query string
  `kafka://u:${MARK}@127.0.0.1:9092/bad topic!`,
  `rediss://u:${MARK}@127.0.0.1:6379/x`, // TLS against the plain-text port
  `redis://:${MARK}@no-such-host.invalid:6379/l`,
];

function commands(url: string): string[][] {
  const es = testEnv().elasticsearchUrl;
  return [
    ['ship', '--stdin', '--to', url],
    ['consume', '--from', url, '--module', 'syslog.rfc3164', '--es', es, '--exit-when-idle', '1'],
    ['tap', '--from', url, '--timeout', '1'],
    ['lag', '--from', url],
    ['dlq', 'replay', '--from', url, '--es', es],
    [
      'consume',
      '--from',
      'redis://127.0.0.1:1/never-read',
      '--module',
      'syslog.rfc3164',
      '--es',
      es,
      '--dead-letter',
      url,
    ],
  ];
}

async function inBatches<T>(
  items: readonly T[],
  width: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(run));
}

describe('no command prints the password of a malformed URL', () => {
  for (const verbose of [false, true]) {
    it(`every command, every malformed URL${verbose ? ', --verbose' : ''}`, {
      timeout: 400_000,
    }, async () => {
      const runs = MALFORMED.flatMap((url) =>
        commands(url).map((args) => (verbose ? ['--verbose', ...args] : args)),
      );
      const leaks: string[] = [];
      await inBatches(runs, 4, async (args) => {
        const { stdout, stderr } = await runCli(args, { timeoutMs: 30_000 });
        if (`${stdout}${stderr}`.includes(MARK)) leaks.push(`${args.join(' ')}\n${stdout}${stderr}`);
      });
      expect(leaks).toEqual([]);
    });
  }
});
