/**
 * Secrets never reach a log line, an error message or `sluice check` output. Everything
 * that prints a URL or a config passes it through here first.
 */
const MASK = '***';
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential|sasl|auth/i;

/** `amqp://guest:guest@host/q` -> `amqp://guest:***@host/q`. Leaves strings that are not URLs untouched. */
export function redactUrl(url: string): string {
  return url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/i,
    (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`,
  );
}

/** Masks credentials inside URLs anywhere in a free-form message. */
export function redactText(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]*)@/gi,
    (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`,
  );
}

/** Deep copy of a config object with secret-looking keys masked and URLs redacted. */
export function redactConfig<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactConfig(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number') ? MASK : redactConfig(v);
    }
    return out as T;
  }
  return value;
}
