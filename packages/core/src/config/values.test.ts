import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { readBoolean, readChoice, readNumber } from './values.js';

describe('value rules', () => {
  it('a choice names the key, the choices and the value, quoted as given or as JSON', () => {
    expect(readChoice('format', 'beats', ['sluice', 'beats'])).toBe('beats');
    expect(() => readChoice('broker option format', 'xml', ['sluice', 'beats'], { quote: true })).toThrow(
      'broker option format must be one of sluice, beats, got "xml"',
    );
    expect(() => readChoice('m.preset', 7, ['java', 'python'])).toThrow(
      'm.preset must be one of java, python, got 7',
    );
    // Only the words themselves: nothing inherited from Object.prototype, no other type.
    expect(() => readChoice('kind', 'toString', ['shipper'])).toThrow(ConfigError);
    const thrown = (() => {
      try {
        readChoice('--multiline', 'cobol', ['java'], { quote: true, hint: 'or give a pattern' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).hint).toBe('or give a pattern');
    expect((thrown as ConfigError).exitCode).toBe(2);
  });

  it('a flag is true or false; 1 and 0 only where digits are allowed', () => {
    expect(readBoolean('tls', 'true')).toBe(true);
    expect(readBoolean('tls', false)).toBe(false);
    expect(readBoolean('trim', '0', { digits: true })).toBe(false);
    expect(readBoolean('trim', '1', { digits: true })).toBe(true);
    expect(() => readBoolean('Kafka URL option tls', '1', { quote: true })).toThrow(
      'Kafka URL option tls must be true or false, got "1"',
    );
    expect(() => readBoolean('flag', 'yes')).toThrow('flag must be true or false, got "yes"');
  });

  it('a number in range may have a fraction; NaN and infinities are refused', () => {
    expect(readNumber('timeout (ms)', 1.5, 1, 10)).toBe(1.5);
    expect(() => readNumber('multiline.maxLines', 0, 1, 1_000_000)).toThrow(
      'multiline.maxLines must be between 1 and 1000000, got 0',
    );
    expect(() => readNumber('n', Number.NaN, 1, 2)).toThrow('n must be between 1 and 2, got NaN');
    expect(() => readNumber('n', Number.POSITIVE_INFINITY, 1, 2)).toThrow(ConfigError);
  });
});
