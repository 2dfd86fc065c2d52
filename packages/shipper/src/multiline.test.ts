import { describe, expect, it } from 'vitest';
import { type Line, LineSplitter } from './lines.js';
import { type JoinedLine, joinerFactory, type MultilineConfig } from './multiline.js';

function join(text: string, config: MultilineConfig): JoinedLine[] {
  const joiner = joinerFactory(config)();
  const lines: Line[] = new LineSplitter().push(Buffer.from(text));
  const out: JoinedLine[] = [];
  for (const l of lines) out.push(...joiner.push(l, 0));
  const last = joiner.flush();
  if (last) out.push(last);
  return out;
}

const JAVA = `2024-05-01 10:00:00 INFO started
2024-05-01 10:00:01 ERROR request failed
java.lang.IllegalStateException: boom
\tat com.example.Foo.bar(Foo.java:10)
\tat com.example.Main.main(Main.java:5)
Caused by: java.io.IOException: disk
\tat com.example.Disk.write(Disk.java:3)
\t... 2 more
2024-05-01 10:00:02 INFO next
`;

const PYTHON = `2024-05-01 ERROR job failed
Traceback (most recent call last):
  File "job.py", line 3, in <module>
    run()
ZeroDivisionError: division by zero

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "job.py", line 5, in <module>
myapp.JobFailed: gave up
2024-05-01 INFO next
`;

describe('multiline', () => {
  it('java: one event per exception, with offsets of the first line and end of the last', () => {
    const events = join(JAVA, { preset: 'java' });
    expect(events.map((e) => e.lines)).toEqual([1, 7, 1]);
    expect(events[1]?.text.split('\n')[0]).toBe('2024-05-01 10:00:01 ERROR request failed');
    expect(events[1]?.text).toContain('... 2 more');
    expect(events[2]?.offset).toBe(events[1]?.end);
  });

  it('python: a traceback, chained, ends at the exception line', () => {
    const events = join(PYTHON, { preset: 'python' });
    expect(events.map((e) => e.lines)).toEqual([11, 1]);
    expect(events[0]?.text.endsWith('myapp.JobFailed: gave up')).toBe(true);
    expect(events[1]?.text).toBe('2024-05-01 INFO next');
  });

  it('indented: continuation lines start with whitespace', () => {
    const events = join('Started GET /\n  Parameters: {}\n  Rendered x\nCompleted 200\n', {
      preset: 'indented',
    });
    expect(events.map((e) => e.text)).toEqual([
      'Started GET /\n  Parameters: {}\n  Rendered x',
      'Completed 200',
    ]);
  });

  it('negate + after: lines not starting with [ belong to the previous one', () => {
    const events = join('[1] a\nb\nc\n[2] d\n', { pattern: '^\\[', negate: true, match: 'after' });
    expect(events.map((e) => e.text)).toEqual(['[1] a\nb\nc', '[2] d']);
  });

  it('before: a line ending in a backslash continues into the next', () => {
    const events = join('a \\\nb \\\nc\nd\n', { pattern: '\\\\$', match: 'before' });
    expect(events.map((e) => e.text)).toEqual(['a \\\nb \\\nc', 'd']);
  });

  it('maxLines: a longer run is emitted in parts, flagged, nothing dropped', () => {
    const text = `head\n${Array.from({ length: 7 }, (_, i) => ` c${i}`).join('\n')}\n`;
    const events = join(text, { preset: 'indented', maxLines: 3 });
    expect(events.map((e) => e.lines)).toEqual([3, 3, 2]);
    expect(events.map((e) => e.limited)).toEqual([true, true, false]);
  });

  it('maxBytes limits the bytes of one event', () => {
    const events = join('aaaa\n bbbb\n cccc\n', { preset: 'indented', maxBytes: 10 });
    expect(events.map((e) => e.text)).toEqual(['aaaa\n bbbb', ' cccc']);
  });

  it('times out a pending event when no line comes', () => {
    const joiner = joinerFactory({ preset: 'java', timeoutMs: 100 })();
    const [line] = new LineSplitter().push(Buffer.from('x\n'));
    expect(joiner.push(line as Line, 1_000)).toEqual([]);
    expect(joiner.expired(1_050)).toBe(false);
    expect(joiner.expired(1_100)).toBe(true);
    expect(joiner.flush()?.text).toBe('x');
  });

  it('rejects bad settings with the key and value', () => {
    expect(() => joinerFactory({ pattern: '(' })).toThrow(
      'multiline.pattern is not a valid regular expression: "("',
    );
    expect(() => joinerFactory({ preset: 'ruby' as never })).toThrow(
      'multiline.preset must be one of java, python, indented, got "ruby"',
    );
    expect(() => joinerFactory({ preset: 'java', maxLines: 0 })).toThrow(
      'multiline.maxLines must be between 1 and 1000000, got 0',
    );
  });
});
