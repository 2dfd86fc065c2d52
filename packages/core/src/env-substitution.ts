import type { Document, LineCounter } from 'yaml';
import { ConfigError } from './errors.js';
import { yaml } from './lazy-yaml.js';

/**
 * `${VAR}` and `${VAR:-default}` in the YAML files Sluice reads (shipper config, pipeline
 * files), the one implementation both readers use.
 *
 * - `${VAR}`: the variable's value; unset is an error naming the variable and file:line.
 *   Set but empty stays empty.
 * - `${VAR:-default}`: the default when VAR is unset or empty (as in POSIX shells and Compose).
 * - `$${` is a literal `${`.
 *
 * Substitution happens in scalar values after YAML parsing, never in the text: a value (a
 * password with `: ` or `#` in it) cannot change the structure of the file, keys and comments
 * are left alone, and each reference keeps its own line. A plain (unquoted) scalar that was
 * a reference becomes a number or boolean when its value is one (`batchSize: ${BATCH}`);
 * a quoted one stays text.
 *
 * Values are never printed: errors name `${VAR}`, and `maskSubstitutions` puts the reference
 * back into messages that quote a substituted value.
 */

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** One substituted scalar: what the file said and what it became. */
export interface Substitution {
  readonly source: string;
  readonly value: string;
}

/** Expands the references in one string; `at` (`file:line`) places errors. */
export function substituteEnv(text: string, at: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (match: string, body: string | undefined) => {
    if (body === undefined) return '${';
    const m = VARIABLE.exec(body);
    if (!m) {
      throw new ConfigError(`${at}: ${match} is not a variable reference`, {
        hint: 'write ${NAME} or ${NAME:-default} (letters, digits and _), or $${ for a literal ${',
      });
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined];
    const value = env[name];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) {
      throw new ConfigError(`${at}: environment variable ${name} is not set (used as \${${name}})`, {
        hint: `export ${name}, or write \${${name}:-default} to give a default`,
      });
    }
    return value;
  });
}

/**
 * Expands every string scalar value of a parsed document in place (keys excepted) and
 * returns what was substituted, for `maskSubstitutions`.
 */
export function expandEnvInYaml(
  doc: Document,
  file: string,
  lineCounter: LineCounter,
  env: NodeJS.ProcessEnv = process.env,
): Substitution[] {
  const done: Substitution[] = [];
  yaml().visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const source = node.value;
      const line = node.range ? lineCounter.linePos(node.range[0]).line : 1;
      const value = substituteEnv(source, `${file}:${line}`, env);
      if (value === source) return;
      done.push({ source, value });
      node.value = node.type === 'PLAIN' ? plainScalar(value) : value;
    },
  });
  return done;
}

/** What YAML would have read had the value been written there unquoted: numbers and booleans. */
function plainScalar(value: string): string | number | boolean {
  if (value.trim() === '' || /[\n:#[\]{},]/.test(value)) return value;
  try {
    const typed: unknown = yaml().parse(value);
    return typeof typed === 'number' || typeof typed === 'boolean' ? typed : value;
  } catch {
    return value;
  }
}

/**
 * A copy of a ConfigError whose message and hint show `${VAR}` where they quoted a value
 * that came from the environment, so a validation message never prints a secret.
 */
export function maskSubstitutions(error: unknown, substitutions: readonly Substitution[]): unknown {
  if (!(error instanceof ConfigError) || substitutions.length === 0) return error;
  const mask = (text: string): string => {
    let out = text;
    // Longest first, so a value that contains another is replaced whole.
    for (const { source, value } of [...substitutions].sort((a, b) => b.value.length - a.value.length)) {
      if (value === '') continue;
      out = out.split(JSON.stringify(value)).join(JSON.stringify(source));
      // Bare occurrences too, unless the value is so short it would hit line numbers and words.
      if (value.length >= 4) out = out.split(value).join(source);
    }
    return out;
  };
  const message = mask(error.message);
  const hint = error.hint === undefined ? undefined : mask(error.hint);
  if (message === error.message && hint === error.hint) return error;
  // No cause: it would quote the value again.
  return new ConfigError(message, hint !== undefined ? { hint } : {});
}
