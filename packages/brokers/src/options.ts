import { readBoolean, readChoice, readInteger } from '@sluice/core';
import type { BrokerTarget } from './types.js';

/**
 * Reads a numeric option from the constructor options or else the URL's query string,
 * validated before anything connects; the message names the key, the value and the range.
 */
export function numberOption(
  target: BrokerTarget,
  key: string,
  given: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = given ?? target.options[key];
  if (raw === undefined) return fallback;
  return readInteger(`broker option ${key}`, raw, { min, max, wording: 'between', quote: true });
}

/** A word from the constructor options or else the URL's query string, one of `choices`. */
export function choiceOption<T extends string>(
  target: BrokerTarget,
  key: string,
  given: T | undefined,
  fallback: T,
  choices: readonly T[],
): T {
  const raw = given ?? target.options[key];
  if (raw === undefined) return fallback;
  return readChoice(`broker option ${key}`, raw, choices, { quote: true });
}

/** A URL query flag: true/false or 1/0. */
export function booleanOption(target: BrokerTarget, key: string, fallback: boolean): boolean {
  const raw = target.options[key];
  if (raw === undefined) return fallback;
  return readBoolean(`broker option ${key}`, raw, { quote: true, digits: true });
}

/** Credentials of `scheme://user:password@host`, percent-decoded. */
export function credentialsOf(connection: string): { username?: string; password?: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(connection);
  if (!m) return {};
  const userInfo = m[1] as string;
  const colon = userInfo.indexOf(':');
  const user = decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
  const password = colon >= 0 ? decodeURIComponent(userInfo.slice(colon + 1)) : undefined;
  return {
    ...(user ? { username: user } : {}),
    ...(password !== undefined && password !== '' ? { password } : {}),
  };
}

/**
 * Credentials for a backend: the URL's user info, else `<PREFIX>_USERNAME` and
 * `<PREFIX>_PASSWORD` from the environment, each field on its own (a URL that names the user
 * can take the password from a Secret). The environment keeps passwords out of process
 * arguments and manifests; what the URL says explicitly always wins.
 */
export function credentialsFor(
  connection: string,
  prefix: 'REDIS' | 'AMQP',
  env: NodeJS.ProcessEnv = process.env,
): { username?: string; password?: string } {
  const fromUrl = credentialsOf(connection);
  const username = fromUrl.username ?? (env[`${prefix}_USERNAME`] || undefined);
  const password = fromUrl.password ?? (env[`${prefix}_PASSWORD`] || undefined);
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/**
 * Removes a secret from free text: client libraries sometimes echo what they were given
 * (a URL, an AUTH argument), and redactText only knows the `user:pass@` form.
 */
export function scrub(text: string, connection: string, ...secrets: (string | undefined)[]): string {
  let out = text;
  for (const password of [credentialsOf(connection).password, ...secrets]) {
    if (!password) continue;
    out = out.split(password).join('***');
    const encoded = encodeURIComponent(password);
    if (encoded !== password) out = out.split(encoded).join('***');
  }
  return out.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]*)@/gi,
    (_m, s: string, u: string) => `${s}${u}:***@`,
  );
}

/**
 * Node's codes for a TLS certificate this client does not trust (or that names another
 * host). Retrying cannot help: the user must give the CA or fix the certificate.
 */
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True when the error, or one it wraps (`cause`, kafkajs's `originalError`), is a refused certificate. */
export function isTlsTrustFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 10; depth++) {
    const { code, cause, originalError } = e as { code?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof code === 'string' && TLS_TRUST_CODES.has(code)) return true;
    e = cause ?? originalError;
  }
  return false;
}
