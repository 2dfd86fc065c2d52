import { ConfigError, redactText, SluiceError } from '@sluice/core';

/**
 * Runs a command body and turns failures into a one-line message and an exit code.
 * This is the only place that calls `process.exit`: components throw SluiceErrors that
 * carry a hint and an exit code, and never end the process themselves.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a body that returns nothing exits 0; most bodies are `async () => { ... }`
export async function runCommand(body: () => Promise<void | number>): Promise<never> {
  const verbose = process.argv.includes('--verbose');
  try {
    const code = await body();
    process.exit(typeof code === 'number' ? code : 0);
  } catch (error) {
    process.stderr.write(`${formatError(error, verbose)}\n`);
    process.exit(error instanceof SluiceError ? error.exitCode : 1);
  }
}

export function formatError(error: unknown, verbose = false): string {
  const message = error instanceof Error ? error.message : String(error);
  let line = `sluice: ${message}`;
  if (error instanceof SluiceError && error.hint) line += `\n  hint: ${error.hint}`;
  if (verbose && error instanceof Error && error.stack) line += `\n${error.stack}`;
  if (verbose && error instanceof Error && error.cause instanceof Error)
    line += `\ncaused by: ${error.cause.stack ?? error.cause.message}`;
  return redactText(line);
}

/** A required option that was not given. */
export function missingOption(name: string, example: string): ConfigError {
  return new ConfigError(`missing ${name}`, { hint: `for example: ${example}` });
}
