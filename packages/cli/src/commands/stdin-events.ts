import type { Readable } from 'node:stream';
import { ConfigError, DEFAULT_MAX_DEPTH, exceedsDepth, type JsonObject, readChoice } from '@sluice/core';
import { modules } from '@sluice/parser';
import {
  compilePattern as compileMultilinePattern,
  DEFAULT_MAX_LINE_BYTES,
  type JoinedLine,
  joinerFactory,
  type Line,
  LineSplitter,
  lineTags,
  MULTILINE_DEFAULTS,
  MULTILINE_PRESETS,
  type MultilineConfig,
  multilineFromModule,
} from '@sluice/shipper';
import type { Command } from 'commander';

/**
 * Stdin as `sluice grok` and `sluice parse` read it, cut and joined exactly as `sluice ship`
 * would cut and join it (the shipper's LineSplitter and multi-line joiner, not a copy):
 * lines end at `\n` or `\r\n`, a lone `\r` stays inside its line, lines over 1 MiB are cut
 * and tagged, and multi-line events are joined by a preset, a pattern or a module's rule.
 */

export type InputFormat = 'lines' | 'ndjson';

/** One event read from stdin: a line, or several lines joined. */
export interface StdinEvent {
  /** 1-based number of the event's first input line. */
  readonly lineNumber: number;
  /** Input lines joined into it (1 unless multi-line joining made it). */
  readonly lines: number;
  readonly text: string;
  /** The shipper's tags (`multiline`, `sluice.truncated`, ...) and, with ndjson, the object's own. */
  readonly tags: readonly string[];
  /** ndjson: the object's fields other than `message`, the event's starting fields. */
  readonly fields?: JsonObject;
}

export interface StdinEventOptions {
  readonly format: InputFormat;
  readonly multiline?: MultilineConfig;
  /** A line that could not be read (ndjson that is not an object with a string `message`). */
  readonly onBadLine: (lineNumber: number, reason: string) => void;
}

/** The options both commands share, registered the same way on each. */
export function addInputOptions(command: Command): Command {
  return command
    .option('--input <format>', 'lines, or ndjson: one JSON object per line, the text in "message"', 'lines')
    .option('--multiline <preset>', `join multi-line events as ship does: ${MULTILINE_PRESETS.join(', ')}`)
    .option('--multiline-pattern <regex>', 'join multi-line events: lines matching this continue an event')
    .option('--multiline-negate', 'with --multiline-pattern: lines NOT matching it continue an event')
    .option(
      '--multiline-match <after|before>',
      'with --multiline-pattern: join to the event before (after) or the next (before)',
      'after',
    );
}

export interface InputOptionValues {
  input: string;
  /** A preset; false for --no-multiline (parse: not even the module's rule). */
  multiline?: string | false;
  multilinePattern?: string;
  multilineNegate?: boolean;
  multilineMatch: string;
}

export function inputFormat(values: InputOptionValues): InputFormat {
  if (values.input !== 'lines' && values.input !== 'ndjson') {
    throw new ConfigError(`--input must be lines or ndjson, got "${values.input}"`);
  }
  return values.input;
}

/**
 * The multi-line rule from the options: --multiline or --multiline-pattern, else the
 * module's own rule, else none; --no-multiline for none at all. The pattern is checked by
 * the shipper's own validator when the joiner is made.
 */
export function multilineConfig(
  values: InputOptionValues,
  module: string | undefined,
): MultilineConfig | undefined {
  if (values.multiline !== undefined && values.multilinePattern !== undefined) {
    throw new ConfigError(
      values.multiline === false
        ? 'give either --no-multiline or --multiline-pattern, not both'
        : 'give either --multiline or --multiline-pattern, not both',
    );
  }
  if (values.multiline === false) return undefined;
  if (
    values.multilinePattern === undefined &&
    (values.multilineNegate || values.multilineMatch !== 'after')
  ) {
    throw new ConfigError('--multiline-negate and --multiline-match go with --multiline-pattern', {
      hint: "for example: --multiline-pattern '^\\d{4}-' --multiline-negate (a line not starting with a date continues the event)",
    });
  }
  if (values.multiline !== undefined) {
    const preset = readChoice('--multiline', values.multiline, MULTILINE_PRESETS, {
      quote: true,
      hint: 'or give your own rule with --multiline-pattern',
    });
    return { preset };
  }
  if (values.multilinePattern !== undefined) {
    const match = values.multilineMatch;
    if (match !== 'after' && match !== 'before') {
      throw new ConfigError(`--multiline-match must be after or before, got "${match}"`);
    }
    compileMultilinePattern(values.multilinePattern, '--multiline-pattern');
    return { pattern: values.multilinePattern, negate: values.multilineNegate ?? false, match };
  }
  const rule = module !== undefined ? modules[module]?.multiline : undefined;
  return rule ? multilineFromModule(rule) : undefined;
}

/**
 * Reads `stream` to its end and yields the events each chunk completes (a batch per
 * chunk read, so a terminal user sees each line's result at once and a file is parsed in
 * batches). The next chunk is read only after the caller is done with a batch: that is
 * the backpressure. A multi-line event still open after the joiner's timeout (5 s, as in
 * ship) without a new line is emitted, so `tail -f | sluice parse` shows it.
 */
export async function* readStdinEvents(
  stream: Readable,
  options: StdinEventOptions,
): AsyncGenerator<StdinEvent[]> {
  const splitter = new LineSplitter(0, { maxLineBytes: DEFAULT_MAX_LINE_BYTES });
  const joiner = joinerFactory(options.multiline)();
  const idleMs = options.multiline?.timeoutMs ?? MULTILINE_DEFAULTS.timeoutMs;
  // ndjson: the starting fields of lines the joiner still holds, by line number.
  const fieldsByLine = new Map<number, JsonObject>();
  let lineNumber = 0;
  const split: Line[] = [];

  const toEvent = (joined: JoinedLine): StdinEvent => {
    // A joined event keeps its first line's fields (Filebeat keeps the first line's metadata).
    const fields = fieldsByLine.get(joined.offset);
    for (const key of fieldsByLine.keys()) {
      if (key > joined.end) break;
      fieldsByLine.delete(key);
    }
    const own = fields?.tags;
    const shipperTags = lineTags(joined, []);
    const tags = Array.isArray(own)
      ? [...own.filter((t): t is string => typeof t === 'string'), ...shipperTags]
      : shipperTags;
    if (fields !== undefined) delete fields.tags;
    return {
      lineNumber: joined.offset,
      lines: joined.lines,
      text: joined.text,
      tags,
      ...(fields !== undefined ? { fields } : {}),
    };
  };

  const accept = (line: Line, out: StdinEvent[]): void => {
    lineNumber += 1;
    // The joiner keeps offsets of first and last lines: line numbers here, for messages.
    let numbered: Line = { ...line, offset: lineNumber, end: lineNumber };
    if (options.format === 'ndjson') {
      if (line.text.trim() === '') return;
      const read = readNdjsonLine(line);
      if (typeof read === 'string') {
        options.onBadLine(lineNumber, read);
        return;
      }
      numbered = { ...numbered, text: read.message };
      fieldsByLine.set(lineNumber, read.fields);
    }
    for (const joined of joiner.push(numbered)) out.push(toEvent(joined));
  };

  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  for (;;) {
    const next = iterator.next();
    let step: IteratorResult<Buffer | string> | 'idle';
    if (joiner.pendingLines === 0) {
      step = await next;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<'idle'>((resolve) => {
        timer = setTimeout(() => resolve('idle'), idleMs);
      });
      step = await Promise.race([next, idle]);
      clearTimeout(timer);
      if (step === 'idle') {
        const pending = joiner.flush();
        if (pending) yield [toEvent(pending)];
        step = await next;
      }
    }
    if (step.done) break;
    const chunk = typeof step.value === 'string' ? Buffer.from(step.value) : step.value;
    const out: StdinEvent[] = [];
    for (const line of splitter.push(chunk, split)) accept(line, out);
    split.length = 0;
    if (out.length > 0) yield out;
  }
  const out: StdinEvent[] = [];
  const tail = splitter.flush();
  if (tail) accept(tail, out);
  const pending = joiner.flush();
  if (pending) out.push(toEvent(pending));
  if (out.length > 0) yield out;
}

/** An ndjson line's `message` and other fields, or why it cannot be read. */
function readNdjsonLine(line: Line): { message: string; fields: JsonObject } | string {
  if (line.truncated) return `longer than ${DEFAULT_MAX_LINE_BYTES} bytes: cut, so not valid JSON`;
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  if (exceedsDepth(value, DEFAULT_MAX_DEPTH)) return `nested deeper than ${DEFAULT_MAX_DEPTH} levels`;
  const { message, ...fields } = value as Record<string, unknown>;
  if (typeof message !== 'string') return 'no string "message" field';
  return { message, fields: fields as JsonObject };
}
