import { expect } from 'vitest';

/** `text` (an error, a log, what a command printed) contains none of `secrets`. */
export function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/**
 * What the CLI printed holds none of `secrets` and no stack trace: a user sees the one-line
 * error and its hint, never a password in any spelling the test names.
 */
export function expectCleanOutput(output: string, secrets: readonly string[]): void {
  expectNoSecrets(output, secrets);
  expect(output).not.toMatch(/^\s+at /m);
}
