import { describe, expect, it } from 'vitest';
import { ConfigError, SluiceError } from './errors.js';
import { createLogger, errorChain, logLevelFromEnv } from './logger.js';

function capture(level?: 'debug' | 'info') {
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ format: 'json', stream, ...(level ? { level } : {}) }), lines };
}

describe('SLUICE_LOG_LEVEL', () => {
  it('accepts the five levels in any case, and defaults to info when unset or empty', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ SLUICE_LOG_LEVEL: '' })).toBe('info');
    expect(logLevelFromEnv({ SLUICE_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    for (const level of ['debug', 'info', 'warn', 'error', 'silent'])
      expect(logLevelFromEnv({ SLUICE_LOG_LEVEL: level })).toBe(level);
  });

  it('anything else is a ConfigError (exit 2) naming the valid levels', () => {
    let error: unknown;
    try {
      logLevelFromEnv({ SLUICE_LOG_LEVEL: 'verbose' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'SLUICE_LOG_LEVEL must be one of debug, info, warn, error, silent, got "verbose"',
    );
    expect((error as ConfigError).exitCode).toBe(2);
  });
});

describe('errors in log lines keep their cause chain', () => {
  const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  const error = new SluiceError('Redis connection at 127.0.0.1:6379 failed', { cause: root });

  it('an Error field is written with its code and causes', () => {
    const { logger, lines } = capture();
    logger.error('lost the broker', { error });
    expect(JSON.parse(lines[0] as string).error).toEqual({
      name: 'SluiceError',
      message: 'Redis connection at 127.0.0.1:6379 failed',
      cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' },
    });
  });

  it('errorChain gives the same as one line, and a cycle ends', () => {
    expect(errorChain(error)).toBe(
      'Redis connection at 127.0.0.1:6379 failed; caused by: connect ECONNREFUSED 127.0.0.1:6379',
    );
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(errorChain(a)).toBe('a; caused by: b');
    const { logger, lines } = capture();
    logger.warn('cyclic', { error: a });
    expect(lines).toHaveLength(1);
  });
});
