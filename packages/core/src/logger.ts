import { choiceProblem } from './config/values.js';
import { ConfigError } from './errors.js';
import { redactText } from './secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

/**
 * The level from SLUICE_LOG_LEVEL (default `info` when unset or empty). Anything else is a
 * configuration error, not a silent `info`: a typo in `SLUICE_LOG_LEVEL=degub` would
 * otherwise hide exactly the lines someone asked for.
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.SLUICE_LOG_LEVEL?.trim();
  if (!raw) return 'info';
  const level = raw.toLowerCase();
  if ((LOG_LEVELS as string[]).includes(level)) return level as LogLevel;
  throw new ConfigError(`SLUICE_LOG_LEVEL ${choiceProblem(raw, LOG_LEVELS, { quote: true })}`, {
    hint: 'unset it for info, or set for example SLUICE_LOG_LEVEL=debug',
  });
}

/**
 * An error as one line with its causes: `message; caused by: cause; caused by: ...`, for
 * log fields. The cause is often the part that explains (the socket error under a broker
 * error), so a log line keeps it.
 */
export function errorChain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (!parts.includes(message)) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('; caused by: ');
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** `json` for machines (one object per line), `text` for people. Default: text on a TTY, json otherwise. */
  readonly format?: 'json' | 'text';
  readonly stream?: NodeJS.WritableStream;
}

/**
 * A small structured logger writing to stderr, so stdout stays free for data
 * (`sluice grok`, `sluice parse`). Every message goes through secret redaction.
 */
export function createLogger(options: LoggerOptions = {}, bindings: Record<string, unknown> = {}): Logger {
  const level = options.level ?? logLevelFromEnv();
  const stream = options.stream ?? process.stderr;
  const format = options.format ?? ((stream as NodeJS.WriteStream).isTTY ? 'text' : 'json');
  const threshold = ORDER[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    const all = { ...bindings, ...fields };
    let line: string;
    if (format === 'json') {
      line = JSON.stringify(
        { time: new Date().toISOString(), level: lvl, msg: message, ...all },
        errorReplacer,
      );
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, errorReplacer)}`)
        .join(' ');
      line = `${lvl.padEnd(5)} ${message}${extra ? ` ${extra}` : ''}`;
    }
    stream.write(`${redactText(line)}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (more) => createLogger({ level, format, stream }, { ...bindings, ...more }),
  };
}

/** Errors in log fields keep their code and cause chain (at most 5 deep, so a cycle ends). */
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? serializeError(value, 0) : value;
}

function serializeError(error: Error, depth: number): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const cause = error.cause;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(cause === undefined || depth >= 4
      ? {}
      : { cause: cause instanceof Error ? serializeError(cause, depth + 1) : String(cause) }),
  };
}
