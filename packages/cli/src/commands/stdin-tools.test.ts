import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cliPath, runCli } from '../../../../test/support/cli.js';

// `sluice grok` and `sluice parse` as tools to try real logs: multi-line events, NDJSON
// input, --stats, a time budget per event, and lines cut exactly as `sluice ship` cuts
// them. The built CLI, as a user runs it (`pnpm test` builds first).
const dir = mkdtempSync(join(tmpdir(), 'sluice-stdin-tools-'));

const sluice = (stdin: string | Buffer, ...args: string[]) => runCli(args, { stdin, cwd: dir });

const jsonLines = (stdout: string): unknown[] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

/** Catastrophic backtracking: 2^40 ways to split the a's before failing on the '!'. */
const REDOS = '^(a+)+$';
const REDOS_LINE = `${'a'.repeat(40)}!`;

const JAVA = [
  '2024-01-15 10:23:45,123 ERROR [main] com.example.App - Failed to start',
  'java.lang.IllegalStateException: port 8080 in use',
  '\tat com.example.Server.bind(Server.java:42)',
  '2024-01-15 10:23:46,000 INFO [main] com.example.App - retrying',
].join('\n');

beforeAll(() => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`pnpm exec tsc -b\` first`);
});

describe('multi-line events', () => {
  test('grok --multiline PRESET: one JSON value per joined event, with the shipper preset', async () => {
    const { code, stdout, stderr } = await sluice(
      `${JAVA}\n`,
      'grok',
      '--multiline',
      'java',
      '--pattern',
      '(?m)^%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:rest}',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const values = jsonLines(stdout) as { ts: string; level: string; rest: string }[];
    expect(values).toHaveLength(2);
    expect(values[0]?.level).toBe('ERROR');
    expect(values[0]?.rest).toContain('\tat com.example.Server.bind(Server.java:42)');
    expect(values[1]?.level).toBe('INFO');
  });

  test('--multiline-pattern with --multiline-negate: Filebeat semantics (lines not matching continue the event)', async () => {
    const text = 'Started GET /a\n  Rendered x\nCompleted 200\nStarted GET /b\nCompleted 500\n';
    const joined = await sluice(
      text,
      'parse',
      '--pattern',
      '(?m)^Started %{WORD:verb} %{NOTSPACE:path}',
      '--multiline-pattern',
      '^Started ',
      '--multiline-negate',
    );
    expect(joined.stderr).toBe('');
    const events = jsonLines(joined.stdout) as { message: string; path: string; tags?: string[] }[];
    expect(events.map((e) => e.path)).toEqual(['/a', '/b']);
    expect(events[0]?.message).toBe('Started GET /a\n  Rendered x\nCompleted 200');
    // As the shipper tags a joined event.
    expect(events[0]?.tags).toEqual(['multiline']);
    // match: before: a line ending in a backslash continues into the next one.
    const before = await sluice(
      'one \\\ntwo\nthree\n',
      'grok',
      '--pattern',
      '%{GREEDYDATA:all}',
      '--multiline-pattern',
      '\\\\$',
      '--multiline-match',
      'before',
    );
    expect(jsonLines(before.stdout)).toEqual([{ all: 'one \\' }, { all: 'three' }]);
  });

  test('parse --module joins by the module rule; --multiline wins over it; bad options exit 2', async () => {
    const own = await sluice(`${JAVA}\n`, 'parse', '--module', 'java');
    expect(jsonLines(own.stdout)).toHaveLength(2);
    const indented = await sluice(`${JAVA}\n`, 'parse', '--module', 'java', '--multiline', 'indented');
    // The indented preset keeps the exception line (not indented) as an event of its own.
    expect(jsonLines(indented.stdout)).toHaveLength(3);
    const badPreset = await sluice('x\n', 'grok', '--pattern', 'x', '--multiline', 'cobol');
    expect(badPreset.code).toBe(2);
    expect(badPreset.stderr).toMatch(/--multiline must be one of java, python, indented, got "cobol"/);
    const badRegex = await sluice('x\n', 'grok', '--pattern', 'x', '--multiline-pattern', '(');
    expect(badRegex.code).toBe(2);
    expect(badRegex.stderr).toMatch(/--multiline-pattern is not a valid regular expression/);
    const negateAlone = await sluice('x\n', 'parse', '--pattern', 'x', '--multiline-negate');
    expect(negateAlone.code).toBe(2);
  });
});

describe('--input ndjson', () => {
  test('the text is in "message", the other fields start the event; a bad line is reported and skipped, exit 1', async () => {
    const input = [
      JSON.stringify({ message: 'add 3', host: { name: 'web-1' }, 'service.name': 'calc' }),
      'not json',
      JSON.stringify({ msg: 'no message field' }),
      JSON.stringify({ message: 'sub 4', tags: ['from-beats'] }),
      `{"message":"deep","a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
    ].join('\n');
    const parsed = await sluice(
      input,
      'parse',
      '--pattern',
      '^%{WORD:verb} %{INT:n:int}$',
      '--input',
      'ndjson',
    );
    expect(parsed.code).toBe(1);
    expect(parsed.stderr).toMatch(/^sluice parse: line 2: not valid JSON .*; skipped$/m);
    expect(parsed.stderr).toMatch(/^sluice parse: line 3: no string "message" field; skipped$/m);
    expect(parsed.stderr).toMatch(/^sluice parse: line 5: nested deeper than 64 levels; skipped$/m);
    const events = jsonLines(parsed.stdout);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      message: 'add 3',
      verb: 'add',
      n: 3,
      host: { name: 'web-1' },
      service: { name: 'calc' },
    });
    expect(events[1]).toMatchObject({ message: 'sub 4', n: 4, tags: ['from-beats'] });
    const grokked = await sluice(
      `${JSON.stringify({ message: 'add 3' })}\n`,
      'grok',
      '--pattern',
      '%{INT:n:int}',
      '--input',
      'ndjson',
    );
    expect(grokked.code).toBe(0);
    expect(grokked.stdout).toBe('{"n":3}\n');
  });
});

describe('parse --stats', () => {
  test('on stderr: lines, events, matched, failure tags by kind, slowest patterns, first non-matching lines', async () => {
    writeFileSync(
      join(dir, 'stats.yaml'),
      [
        'processors:',
        '  - grok: { patterns: ["^%{WORD:verb} %{NOTSPACE:when}$", "^%{INT:code:int}$"] }',
        '  - date: { field: when, formats: [ISO8601] }',
      ].join('\n'),
    );
    const lines = [
      'go 2024-01-15T10:00:00Z',
      'stop yesterday',
      '42',
      'this line matches nothing',
      'x'.repeat(300),
    ];
    const { code, stdout, stderr } = await sluice(
      `${lines.join('\n')}\n`,
      'parse',
      '--config',
      'stats.yaml',
      '--stats',
    );
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toHaveLength(5);
    expect(stderr).toMatch(/^sluice parse --stats: pipeline stats\.yaml$/m);
    expect(stderr).toMatch(/^ {2}input lines +5/m);
    expect(stderr).toMatch(/^ {2}events +5 /m);
    // "go ..." and "42" parse cleanly; "stop yesterday" has no date; two match nothing.
    expect(stderr).toMatch(/^ {2}matched +2 +40\.0%/m);
    expect(stderr).toMatch(/^ {4}_grokparsefailure +2 +40\.0%$/m);
    expect(stderr).toMatch(/^ {4}_dateparsefailure +1 +20\.0%$/m);
    expect(stderr).toMatch(/slowest patterns/);
    expect(stderr).toMatch(/ 5 +2 +\^%\{WORD:verb\} %\{NOTSPACE:when\}\$$/m);
    expect(stderr).toMatch(/ 3 +1 +\^%\{INT:code:int\}\$$/m);
    expect(stderr).toMatch(/^ {4}line 2: _dateparsefailure: "stop yesterday"$/m);
    expect(stderr).toMatch(/^ {4}line 4: _grokparsefailure: "this line matches nothing"$/m);
    // Long lines are cut in the report.
    expect(stderr).toMatch(/^ {4}line 5: _grokparsefailure: "x{100}" \(\+200 chars\)$/m);
    // Without --stats, nothing on stderr.
    const quiet = await sluice(`${lines.join('\n')}\n`, 'parse', '--config', 'stats.yaml');
    expect(quiet.stderr).toBe('');
  });
});

describe('a time budget per event, as in consume', () => {
  test('grok: a line past --timeout prints null with a note on stderr, and the next line is matched', async () => {
    const { code, stdout, stderr } = await sluice(
      `aaa\n${REDOS_LINE}\naa\n`,
      'grok',
      '--pattern',
      REDOS,
      '--timeout',
      '100',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('{}\nnull\n{}\n');
    expect(stderr).toBe('sluice grok: line 2: no result within 100 ms (_groktimeout); printed null\n');
  });

  test('parse: the event is printed unparsed, tagged _groktimeout, and counted by --stats', async () => {
    const { code, stdout, stderr } = await sluice(
      `${REDOS_LINE}\naaaa\n`,
      'parse',
      '--pattern',
      `${REDOS.slice(0, -1)}(?<tail>)$`,
      '--timeout',
      '100',
      '--stats',
    );
    expect(code).toBe(0);
    const events = jsonLines(stdout) as { message: string; tags?: string[] }[];
    expect(events[0]).toMatchObject({ message: REDOS_LINE, tags: ['_groktimeout'] });
    expect(events[1]?.tags).toBeUndefined();
    expect(stderr).toMatch(
      /^sluice parse: line 1: parsing took over 100 ms; printed unparsed, tagged _groktimeout$/m,
    );
    expect(stderr).toMatch(/^ {4}_groktimeout +1 +50\.0%$/m);
  });

  test('--timeout outside 10..60000 ms exits 2', async () => {
    const bad = await sluice('x\n', 'grok', '--pattern', 'x', '--timeout', '5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeout must be a whole number from 10 to 60000, got "5"/);
  });
});

test('lines are cut as ship cuts them: \\n and \\r\\n end a line, a lone \\r stays inside it', async () => {
  const input = Buffer.from('one\rstill one\ntwo\r\nthree\rthree\r\nfour', 'utf8');
  const grokked = await sluice(input, 'grok', '--pattern', '^(?<all>[\\s\\S]*)$');
  expect(jsonLines(grokked.stdout)).toEqual([
    { all: 'one\rstill one' },
    { all: 'two' },
    { all: 'three\rthree' },
    { all: 'four' },
  ]);
  const parsed = await sluice(input, 'parse', '--pattern', '%{WORD:w}');
  expect((jsonLines(parsed.stdout) as { message: string }[]).map((e) => e.message)).toEqual([
    'one\rstill one',
    'two',
    'three\rthree',
    'four',
  ]);
});

test('an event the pipeline throws on (JSON nested 50,000 deep) does not stop parse: the next line is parsed', async () => {
  writeFileSync(join(dir, 'json.yaml'), 'processors:\n  - json: { field: message, target: app }\n');
  const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
  const { code, stdout, stderr } = await sluice(`${deep}\n{"ok":true}\n`, 'parse', '--config', 'json.yaml');
  const events = jsonLines(stdout) as { message: string; app?: unknown; tags?: string[] }[];
  expect(events.at(-1)).toMatchObject({ message: '{"ok":true}', app: { ok: true } });
  // Either reported on stderr with its line number (exit 1), or kept and tagged by the pipeline.
  const first = events.length === 2 ? events[0] : undefined;
  if (first === undefined) {
    expect(stderr).toMatch(/^sluice parse: line 1: the pipeline failed: /m);
    expect(code).toBe(1);
  } else {
    expect(first.tags?.some((t) => t.startsWith('_'))).toBe(true);
  }
});
