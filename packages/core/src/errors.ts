/**
 * One base error with `retriable` and `cause`, and one subclass per area. The retry
 * helper reads only `retriable`; the CLI reads `hint` and `exitCode` to print a one-line
 * message that says what to do next.
 */
export interface SluiceErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** What the user can do about it, printed after the message. */
  readonly hint?: string;
  /** Exit code when this error ends the process; 2 for bad input or config, 1 otherwise. */
  readonly exitCode?: number;
}

export class SluiceError extends Error {
  readonly retriable: boolean;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad configuration or command-line input: never retriable, exit code 2. */
export class ConfigError extends SluiceError {
  constructor(message: string, options: Omit<SluiceErrorOptions, 'retriable' | 'exitCode'> = {}) {
    super(message, { ...options, retriable: false, exitCode: 2 });
  }
}

/** A broker could not be reached or refused an operation. Connection problems are retriable. */
export class BrokerError extends SluiceError {}

/** A line or pipeline could not be parsed. Lines are tagged, not thrown; this is for pipeline definitions. */
export class ParseError extends SluiceError {}

/** Elasticsearch refused a request or a document. */
export class IndexError extends SluiceError {}

export function isRetriable(error: unknown): boolean {
  return error instanceof SluiceError ? error.retriable : false;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
