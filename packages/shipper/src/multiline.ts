import { ConfigError, readChoice, readNumber } from '@sluice/core';
import type { Line } from './lines.js';

/**
 * Multi-line joining, with Filebeat's semantics so existing configs translate one to one:
 *
 * - `pattern` + `negate`: a line "matches" when `pattern.test(line) !== negate`.
 * - `match: after`: consecutive matching lines are appended to the non-matching line before them
 *   (stack-trace frames after the log line).
 * - `match: before`: consecutive matching lines are prepended to the next non-matching line
 *   (a line ending in `\` continued by the next).
 *
 * Presets cover the common cases; `python` needs a little state (the exception line that ends
 * a traceback is not indented), so presets are classifier factories rather than bare regexes.
 */
export type MultilinePreset = 'java' | 'python' | 'indented';
export const MULTILINE_PRESETS: readonly MultilinePreset[] = ['java', 'python', 'indented'];

export interface MultilineConfig {
  /** A preset instead of pattern/negate/match. */
  readonly preset?: MultilinePreset;
  /** Regular expression (JavaScript syntax) tested against each line. */
  readonly pattern?: string;
  /** Invert the pattern. Default false. */
  readonly negate?: boolean;
  /** `after` (default) or `before`; see above. */
  readonly match?: 'after' | 'before';
  /** Emit a pending event after this long without a new line. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Most lines in one event; a longer run is emitted and continued in a new event. Default 500. */
  readonly maxLines?: number;
  /** Most bytes in one event (line bytes, joiners excluded). Default 10 MiB. */
  readonly maxBytes?: number;
}

export const MULTILINE_DEFAULTS = { timeoutMs: 5_000, maxLines: 500, maxBytes: 10 * 1024 * 1024 } as const;

/** Tags on joined events. */
export const TAG_MULTILINE = 'multiline';
/** The event hit maxLines/maxBytes: the run of lines continues in the next event. */
export const TAG_MULTILINE_LIMIT = 'sluice.multiline_limit';

/** A line or a group of lines joined into one event. */
export type JoinedLine = Line;

/** Says whether a line "matches" (is part of a multi-line group). May keep state per stream. */
export type LineClassifier = (text: string) => boolean;

const JAVA_CONTINUATION =
  /^(?:[ \t]+(?:at |\.\.\. \d+ (?:more|common frames omitted))|[ \t]*(?:Caused by:|Suppressed:)|[a-zA-Z_$][\w$]*(?:\.[a-zA-Z_$][\w$]*)+(?:Exception|Error|Throwable)(?::|$))/;

function pythonClassifier(): LineClassifier {
  // Inside a traceback, frames are indented and the exception line that ends it is not.
  let inTraceback = false;
  let afterException = false;
  return (text) => {
    if (text.startsWith('Traceback (most recent call last):')) {
      inTraceback = true;
      afterException = false;
      return true;
    }
    if (/^[ \t]/.test(text)) return true;
    if (inTraceback) {
      inTraceback = false;
      afterException = true;
      return true;
    }
    if (afterException) {
      // Chained exceptions: blank lines and the "During handling..." sentences sit between tracebacks.
      if (
        text === '' ||
        text.startsWith('During handling of the above exception') ||
        text.startsWith('The above exception was the direct cause')
      ) {
        return true;
      }
      afterException = false;
    }
    return false;
  };
}

/** Builds a fresh classifier for one stream (file, connection). */
export function classifierFactory(config: MultilineConfig): {
  classify: () => LineClassifier;
  match: 'after' | 'before';
} {
  if (config.preset) {
    switch (config.preset) {
      case 'java':
        return { classify: () => (t) => JAVA_CONTINUATION.test(t), match: 'after' };
      case 'indented':
        return { classify: () => (t) => /^[ \t]/.test(t), match: 'after' };
      case 'python':
        return { classify: pythonClassifier, match: 'after' };
    }
  }
  if (config.pattern === undefined) throw new ConfigError('multiline needs a preset or a pattern');
  const re = compilePattern(config.pattern, 'multiline.pattern');
  const negate = config.negate ?? false;
  return { classify: () => (t) => re.test(t) !== negate, match: config.match ?? 'after' };
}

export function compilePattern(pattern: string, key: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new ConfigError(`${key} is not a valid regular expression: ${JSON.stringify(pattern)}`, {
      cause: error,
      hint: 'use JavaScript regular expression syntax, e.g. "^\\\\s" for lines starting with whitespace',
    });
  }
}

/** Turns a stream of lines into a stream of events. One instance per stream. */
export interface Joiner {
  /** Feeds one line; returns the events it completes (zero, one, or two). */
  push(line: Line, now?: number): JoinedLine[];
  /** Returns the pending event, if any (end of input, or on timeout). */
  flush(): JoinedLine | undefined;
  /** True when an event is pending and no line came for the timeout. */
  expired(now: number): boolean;
  /** Lines held, not yet emitted. Their bytes are not confirmed, so checkpoints stay before them. */
  readonly pendingLines: number;
}

class PassThroughJoiner implements Joiner {
  readonly pendingLines = 0;
  push(line: Line): JoinedLine[] {
    return [line];
  }
  flush(): undefined {
    return undefined;
  }
  expired(): boolean {
    return false;
  }
}

class MultilineJoiner implements Joiner {
  private parts: Line[] = [];
  private bytes = 0;
  private lastAt = 0;

  constructor(
    private readonly matches: LineClassifier,
    private readonly mode: 'after' | 'before',
    private readonly timeoutMs: number,
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  get pendingLines(): number {
    return this.parts.length;
  }

  push(line: Line, now = Date.now()): JoinedLine[] {
    this.lastAt = now;
    const out: JoinedLine[] = [];
    const matches = this.matches(line.text);
    if (this.mode === 'after') {
      if (!matches || this.parts.length === 0) {
        const done = this.take(false);
        if (done) out.push(done);
      } else if (this.full(line)) {
        out.push(this.take(true) as JoinedLine);
      }
      this.add(line);
    } else {
      if (this.parts.length > 0 && this.full(line)) out.push(this.take(true) as JoinedLine);
      this.add(line);
      if (!matches) out.push(this.take(false) as JoinedLine);
    }
    return out;
  }

  flush(): JoinedLine | undefined {
    return this.take(false);
  }

  expired(now: number): boolean {
    return this.parts.length > 0 && now - this.lastAt >= this.timeoutMs;
  }

  private full(next: Line): boolean {
    return this.parts.length >= this.maxLines || this.bytes + next.bytes > this.maxBytes;
  }

  private add(line: Line): void {
    this.parts.push(line);
    this.bytes += line.bytes;
  }

  private take(limited: boolean): JoinedLine | undefined {
    const parts = this.parts;
    if (parts.length === 0) return undefined;
    this.parts = [];
    this.bytes = 0;
    const first = parts[0] as Line;
    const last = parts[parts.length - 1] as Line;
    if (parts.length === 1 && !limited) return first;
    let bytes = 0;
    let truncated = false;
    let invalidUtf8 = false;
    for (const p of parts) {
      bytes += p.bytes;
      truncated ||= p.truncated;
      invalidUtf8 ||= p.invalidUtf8;
    }
    return {
      text: parts.map((p) => p.text).join('\n'),
      offset: first.offset,
      end: last.end,
      bytes,
      truncated,
      invalidUtf8,
      lines: parts.length,
      limited,
    };
  }
}

/**
 * A parser module's multi-line rule (`ModuleDefinition.multiline` in @sluice/parser, which the
 * shipper does not depend on: the CLI passes the rules in, see `ModuleCatalog`).
 */
export interface ModuleMultilineRule {
  /** A line matching this starts a new event; any other line continues the event before it. */
  readonly startPattern: string;
}

/** A start pattern read the way Filebeat reads `negate: true, match: after`. */
export function multilineFromModule(rule: ModuleMultilineRule): MultilineConfig {
  return { pattern: rule.startPattern, negate: true, match: 'after' };
}

export function validateMultiline(config: MultilineConfig, key: string): void {
  if (config.preset !== undefined) readChoice(`${key}.preset`, config.preset, MULTILINE_PRESETS);
  if (config.preset !== undefined && config.pattern !== undefined) {
    throw new ConfigError(`${key}: give either preset or pattern, not both`);
  }
  if (config.preset === undefined && config.pattern === undefined) {
    throw new ConfigError(`${key} needs a preset (${MULTILINE_PRESETS.join(', ')}) or a pattern`);
  }
  if (config.pattern !== undefined) compilePattern(config.pattern, `${key}.pattern`);
  if (config.match !== undefined && config.match !== 'after' && config.match !== 'before') {
    throw new ConfigError(`${key}.match must be "after" or "before", got ${JSON.stringify(config.match)}`);
  }
  if (config.timeoutMs !== undefined) readNumber(`${key}.timeout (ms)`, config.timeoutMs, 1, 3_600_000);
  if (config.maxLines !== undefined) readNumber(`${key}.maxLines`, config.maxLines, 1, 1_000_000);
  if (config.maxBytes !== undefined) readNumber(`${key}.maxBytes`, config.maxBytes, 1, 1024 * 1024 * 1024);
}

/** A joiner factory for one input: call it once per stream. */
export function joinerFactory(config: MultilineConfig | undefined): () => Joiner {
  if (!config) return () => new PassThroughJoiner();
  validateMultiline(config, 'multiline');
  const { classify, match } = classifierFactory(config);
  const timeoutMs = config.timeoutMs ?? MULTILINE_DEFAULTS.timeoutMs;
  const maxLines = config.maxLines ?? MULTILINE_DEFAULTS.maxLines;
  const maxBytes = config.maxBytes ?? MULTILINE_DEFAULTS.maxBytes;
  return () => new MultilineJoiner(classify(), match, timeoutMs, maxLines, maxBytes);
}
