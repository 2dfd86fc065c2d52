import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { expandEnvInYaml, maskSubstitutions, substituteEnv } from './env-substitution.js';
import { ConfigError } from './errors.js';

const env = { HOST: 'es.internal', EMPTY: '', SECRET: 's3cr#t: {x}', PORT: '9200', FLAG: 'true' };

function expand(text: string, vars: NodeJS.ProcessEnv = env) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const substitutions = expandEnvInYaml(doc, 'conf.yaml', lineCounter, vars);
  return { value: doc.toJS() as unknown, substitutions };
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('${VAR} substitution', () => {
  it('replaces ${VAR}, uses the default of ${VAR:-default} when unset or empty, keeps $${ literal', () => {
    expect(substituteEnv('http://${HOST}:${PORT}', 'f:1', env)).toBe('http://es.internal:9200');
    expect(substituteEnv('${MISSING:-fallback}/${EMPTY:-e}/${HOST:-x}', 'f:1', env)).toBe(
      'fallback/e/es.internal',
    );
    expect(substituteEnv('${EMPTY}', 'f:1', env)).toBe('');
    expect(substituteEnv('cost $${HOST} $5', 'f:1', env)).toBe('cost ${HOST} $5');
    expect(substituteEnv('%{IP:client} no reference', 'f:1', env)).toBe('%{IP:client} no reference');
  });

  it('an unset variable without default is an error naming it and file:line, never a value', () => {
    const error = thrown(() => substituteEnv('${SECRET} and ${NOPE_NOT_SET}', 'conf.yaml:7', env));
    expect(error.message).toBe(
      'conf.yaml:7: environment variable NOPE_NOT_SET is not set (used as ${NOPE_NOT_SET})',
    );
    expect(error.hint).toBe('export NOPE_NOT_SET, or write ${NOPE_NOT_SET:-default} to give a default');
    expect(error.exitCode).toBe(2);
    expect(`${error.message}${error.hint}`).not.toContain(env.SECRET);
    expect(thrown(() => substituteEnv('${1BAD}', 'f:2', env)).message).toBe(
      'f:2: ${1BAD} is not a variable reference',
    );
  });

  it('substitutes values only, with the line of each reference, and a value cannot change the structure', () => {
    const { value } = expand(`# \${NOT_IN_COMMENTS}
url: \${HOST}
password: \${SECRET}
list: ["\${HOST}", plain]
`);
    expect(value).toEqual({ url: 'es.internal', password: env.SECRET, list: ['es.internal', 'plain'] });
    const error = thrown(() => expand('a: 1\nb:\n  c: ${NOPE_NOT_SET}\n'));
    expect(error.message).toMatch(/^conf\.yaml:3: environment variable NOPE_NOT_SET is not set/);
  });

  it('a plain scalar that was one reference takes the type of its value; a quoted one stays text', () => {
    const { value } = expand('port: ${PORT}\nquoted: "${PORT}"\nflag: ${FLAG}\nmixed: ${PORT}ms\n');
    expect(value).toEqual({ port: 9200, quoted: '9200', flag: true, mixed: '9200ms' });
  });

  it('messages that quote a substituted value show the reference instead', () => {
    const { substitutions } = expand('password: ${SECRET}\n');
    const masked = maskSubstitutions(
      new ConfigError(`password must be short, got ${JSON.stringify(env.SECRET)}`, {
        hint: `not ${env.SECRET}`,
      }),
      substitutions,
    ) as ConfigError;
    expect(masked.message).toBe('password must be short, got "${SECRET}"');
    expect(masked.hint).toBe('not ${SECRET}');
    expect(masked.exitCode).toBe(2);
  });
});
