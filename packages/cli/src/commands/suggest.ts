import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ConfigError } from '@sluice/core';
import { MODULE_THRESHOLD, percent, type Suggestion, suggestPipeline } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { intOption } from './options.js';
import { writeOut } from './write-out.js';

interface SuggestOptions {
  file?: string;
  lines: number;
  out?: string;
}

const DEFAULT_LINES = 1000;
/** Non-matching lines quoted on stderr, and how much of each. */
const MISSES_SHOWN = 5;
const MISS_CHARS = 120;

/**
 * `sluice suggest [--file SAMPLE] [--lines N] [--out FILE]`: proposes a pipeline for sample
 * lines (a built-in module when one fits, else an inferred grok, json or kv pipeline; see
 * packages/parser/src/suggest) and prints it as a pipeline file on stdout (or --out), which
 * `sluice check --config` and `sluice parse --config` read. On stderr: how well it matches
 * the sample, the fields it sets and their types, and the first lines it does not match.
 */
export function register(program: Command): void {
  program
    .command('suggest')
    .description(
      'Propose a pipeline (module, or inferred grok/json/kv) for sample log lines; print it as YAML',
    )
    .option('--file <sample>', 'file of sample log lines (default: stdin)')
    .option(
      '--lines <n>',
      'learn from the first N non-blank lines',
      intOption('--lines', 1, 100_000),
      DEFAULT_LINES,
    )
    .option('--out <file>', 'write the pipeline to FILE instead of stdout')
    .action((options: SuggestOptions) => runCommand(() => suggest(options)));
}

async function suggest(options: SuggestOptions): Promise<number> {
  const sample = await readSample(options.file, options.lines);
  const suggestion = suggestPipeline(sample.map((s) => s.text));
  if (options.out !== undefined) {
    try {
      await writeFile(options.out, suggestion.yaml);
    } catch (error) {
      throw new ConfigError(
        `cannot write --out ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { hint: 'check that the directory exists and is writable', cause: error },
      );
    }
  } else {
    await writeOut(suggestion.yaml);
  }
  process.stderr.write(report(suggestion, sample, options.out));
  return 0;
}

interface SampleLine {
  /** 1-based line number in the input. */
  readonly lineNumber: number;
  readonly text: string;
}

/** The first `limit` non-blank lines of the file (or stdin), with their line numbers. */
async function readSample(file: string | undefined, limit: number): Promise<SampleLine[]> {
  const input: Readable = file === undefined ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines: SampleLine[] = [];
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of reader) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      lines.push({ lineNumber, text: line });
      if (lines.length >= limit) break;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read --file ${file ?? '-'}: ${code ?? (error as Error).message}`, {
      hint: 'check the path given to --file, or pipe the sample on stdin',
      cause: error,
    });
  } finally {
    reader.close();
    if (file !== undefined) input.destroy();
  }
  if (lines.length === 0) {
    throw new ConfigError(`the sample ${file ?? 'on stdin'} has no lines to learn from`, {
      hint: 'give a file of log lines with --file, or pipe them: sluice suggest < app.log',
    });
  }
  return lines;
}

function report(suggestion: Suggestion, sample: readonly SampleLine[], out: string | undefined): string {
  const { fit } = suggestion;
  const rows: string[] = [`sluice suggest: ${sample.length} sample lines`];
  const best = suggestion.modules[0];
  const modulesNote =
    best === undefined
      ? ''
      : ` (no built-in module reads ${percent(MODULE_THRESHOLD)} of them as well; best: ${best.name} ${percent(best.rate)})`;
  const what =
    suggestion.kind === 'module'
      ? `built-in module ${suggestion.module}`
      : suggestion.kind === 'grok'
        ? `inferred grok pattern${modulesNote}`
        : `inferred ${suggestion.kind} pipeline${modulesNote}`;
  rows.push(`  proposal    ${what}`);
  if (suggestion.kind === 'module') {
    const proposed = suggestion.modules.find((m) => m.name === suggestion.module);
    const tied = suggestion.modules.filter(
      (m) =>
        m !== proposed &&
        proposed !== undefined &&
        m.rate === proposed.rate &&
        m.meanFields === proposed.meanFields,
    );
    if (tied.length > 0) rows.push(`              as good: ${tied.map((m) => m.name).join(', ')}`);
  }
  rows.push(
    `  match rate  ${percent(fit.rate)}: ${fit.matched} of ${fit.lines} lines parse without a failure tag`,
  );
  if (out !== undefined) rows.push(`  written to  ${out}`);
  if (suggestion.pattern !== undefined) rows.push(`  grok        ${suggestion.pattern}`);

  rows.push('', '  fields');
  const seen = new Map<string, string>();
  for (const f of suggestion.fields) seen.set(f.field.replace(/^\[|\]$/g, '').replace(/\]\[/g, '.'), f.type);
  const names = new Set([...seen.keys(), ...fit.fieldTypes.keys()]);
  if (names.size === 0) rows.push('    none');
  const width = Math.max(0, ...[...names].map((n) => n.length));
  for (const name of [...names].sort()) {
    const kind = seen.get(name);
    const types = [...(fit.fieldTypes.get(name) ?? [])].join('|');
    rows.push(
      `    ${name.padEnd(width)}  ${[kind, types === '' ? undefined : `(${types})`].filter(Boolean).join(' ')}`,
    );
  }

  rows.push('', `  first non-matching lines${fit.misses.length === 0 ? ': none' : ''}`);
  for (const miss of fit.misses.slice(0, MISSES_SHOWN)) {
    const lineNumber = sample[miss.index]?.lineNumber ?? miss.index + 1;
    const cut = miss.line.length > MISS_CHARS;
    rows.push(
      `    line ${lineNumber}: ${miss.why}: ${JSON.stringify(miss.line.slice(0, MISS_CHARS))}${cut ? ` (+${miss.line.length - MISS_CHARS} chars)` : ''}`,
    );
  }
  rows.push('', '  next: sluice check --config FILE, then sluice parse --config FILE --stats < more.log');
  return `${rows.join('\n')}\n`;
}
