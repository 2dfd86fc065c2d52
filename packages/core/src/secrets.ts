/**
 * Secrets never reach a log line, an error message or `sluice check` output. Everything
 * that prints a URL or a config passes it through here first.
 *
 * The rules assume careless input, not well-formed URLs: the userinfo is everything up to
 * the LAST `@` of the URL (a password with an unencoded `/`, `?`, `#` or `@` is still
 * masked whole), a URL without a scheme (`user:PW@host:6379/x`) is masked the same way,
 * and the value of any credential-looking query parameter (`?password=`, `?token=`) is
 * masked. Masking too much in a message costs nothing; masking too little leaks.
 */
const MASK = '***';
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential|sasl|auth/i;

/** Query parameter names whose value is a secret (`password`, `sasl_password`, `access_token`, `apikey`, ...). */
export const SECRET_PARAMETER =
  /^(?:[a-z0-9_.-]*(?:passw(?:or)?d|passwd|secret|token|api[-_.]?key|credentials?|private[-_.]?key)|pass|pwd|auth|key|sig|signature)$/i;

/** `scheme://` then userinfo (greedy: up to the token's last `@`) then `@`. */
const SCHEME_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)@/gi;
/** `user:password@host` without a scheme, at the start of a token. */
const BARE_USERINFO = /(^|[\s"'(=,`])([^\s"'<>`:/@]+):(?!\/\/)([^\s"'<>`]*)@(?=[\w[])/g;
/** `?name=value` or `&name=value`. */
const QUERY_PARAMETER = /([?&;])([^=&\s"'#;]+)=([^&\s"'#;]*)/g;

function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  // No colon: a token used as the user name (`redis://TOKEN@host`) may itself be the secret.
  if (colon < 0) return userinfo === '' ? '' : MASK;
  return `${userinfo.slice(0, colon)}:${MASK}`;
}

function maskQuery(text: string): string {
  return text.replace(QUERY_PARAMETER, (whole, sep: string, name: string) =>
    SECRET_PARAMETER.test(name) ? `${sep}${name}=${MASK}` : whole,
  );
}

/**
 * `amqp://guest:guest@host/q` -> `amqp://guest:***@host/q`; also masks a schemeless
 * `user:pw@host`, a password holding `/` or `@`, and `?password=...`.
 */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Masks credentials inside URLs anywhere in a free-form message. */
export function redactText(text: string): string {
  if (!text.includes('@') && !text.includes('=')) return text;
  const masked = text
    .replace(SCHEME_USERINFO, (_m, scheme: string, userinfo: string) => `${scheme}${maskUserinfo(userinfo)}@`)
    .replace(BARE_USERINFO, (_m, before: string, user: string) => `${before}${user}:${MASK}@`);
  return masked.includes('=') ? maskQuery(masked) : masked;
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
