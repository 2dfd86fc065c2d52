import type { PatternStatRow, TimedResult } from '@sluice/parser';
import type { StdinEvent } from './stdin-events.js';

/** Non-matching events quoted at the end, and how much of each. */
const SAMPLES = 5;
const SAMPLE_CHARS = 100;
const SLOWEST = 5;

interface Sample {
  readonly lineNumber: number;
  readonly why: string;
  readonly text: string;
}

/**
 * What `sluice parse --stats` prints on stderr at the end: how well the pipeline fits the
 * input, so a user trying a module on their logs sees at once what share parses, which
 * failure tags it earns, which patterns cost the time, and examples of what did not match.
 */
export class ParseStats {
  private lines = 0;
  private badLines = 0;
  private events = 0;
  private joined = 0;
  private dropped = 0;
  private clean = 0;
  errors = 0;
  private readonly failures = new Map<string, number>();
  private readonly samples: Sample[] = [];

  constructor(private readonly what: string) {}

  /** An input line that could not be read (ndjson that is not an object with a message). */
  badLine(): void {
    this.lines += 1;
    this.badLines += 1;
  }

  add(event: StdinEvent, result: TimedResult): void {
    this.lines += event.lines;
    if (event.lines > 1) this.joined += 1;
    if (result.error !== undefined) {
      this.errors += 1;
      this.sample(event, `error: ${result.error}`);
      return;
    }
    if (result.json === undefined) {
      this.dropped += 1;
      return;
    }
    this.events += 1;
    if (result.failures.length === 0) {
      this.clean += 1;
      return;
    }
    for (const tag of result.failures) this.failures.set(tag, (this.failures.get(tag) ?? 0) + 1);
    this.sample(event, result.failures.join(','));
  }

  private sample(event: StdinEvent, why: string): void {
    if (this.samples.length >= SAMPLES) return;
    const cut = event.text.length > SAMPLE_CHARS;
    this.samples.push({
      lineNumber: event.lineNumber,
      why,
      text: `${JSON.stringify(event.text.slice(0, SAMPLE_CHARS))}${cut ? ` (+${event.text.length - SAMPLE_CHARS} chars)` : ''}`,
    });
  }

  format(patterns: readonly PatternStatRow[]): string {
    const n = (v: number) => v.toLocaleString('en-US');
    const share = (v: number, of: number) => (of === 0 ? '' : `${((100 * v) / of).toFixed(1)}%`);
    const rows: string[] = [`sluice parse --stats: ${this.what}`];
    const table = (cells: string[][], indent: string) => {
      const widths = cells[0]?.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length))) ?? [];
      for (const r of cells) {
        rows.push(
          indent +
            r
              .map((cell, c) => (c === r.length - 1 ? cell : cell.padStart(widths[c] ?? 0)))
              .join('  ')
              .trimEnd(),
        );
      }
    };
    const summary: string[][] = [
      ['input lines', n(this.lines), this.badLines > 0 ? `${n(this.badLines)} could not be read` : ''],
      [
        'events',
        n(this.events + this.dropped + this.errors),
        `${n(this.joined)} joined from several lines, ${n(this.dropped)} dropped by the pipeline${this.errors > 0 ? `, ${n(this.errors)} failed with an error` : ''}`,
      ],
      [
        'matched',
        n(this.clean),
        `${share(this.clean, this.events)} of the events printed carry no failure tag`,
      ],
    ];
    rows.push('');
    table(
      summary.map(([label, value, note]) => [`${label}`.padEnd(12), value ?? '', note ?? '']),
      '  ',
    );
    rows.push('', '  failure tags');
    if (this.failures.size === 0) rows.push('    none');
    else {
      const tags = [...this.failures].sort((a, b) => b[1] - a[1]);
      table(
        tags.map(([tag, count]) => [
          tag.padEnd(Math.max(...tags.map(([t]) => t.length))),
          n(count),
          share(count, this.events),
        ]),
        '    ',
      );
    }
    rows.push('', '  slowest patterns');
    if (patterns.length === 0) rows.push('    no grok pattern ran');
    else {
      const slowest = [...patterns].sort((a, b) => b[3] - a[3]).slice(0, SLOWEST);
      const cells = [['total ms', 'µs/try', 'tries', 'matched', 'pattern']];
      for (const [label, matches, misses, seconds] of slowest) {
        const tries = matches + misses;
        cells.push([
          (seconds * 1000).toFixed(1),
          tries === 0 ? '' : ((seconds * 1e6) / tries).toFixed(1),
          n(tries),
          n(matches),
          label,
        ]);
      }
      table(cells, '    ');
    }
    rows.push('', `  first non-matching events${this.samples.length === 0 ? ': none' : ''}`);
    for (const s of this.samples) rows.push(`    line ${s.lineNumber}: ${s.why}: ${s.text}`);
    return `${rows.join('\n')}\n`;
  }
}
