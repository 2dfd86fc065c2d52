import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { pipelineSource } from './pipeline-option.js';

describe('pipelineSource', () => {
  it('maps each flag to its pipeline source, with --patterns-dir for the grok steps', () => {
    expect(pipelineSource({ module: 'nginx.access' }, 'required')).toEqual({ module: 'nginx.access' });
    expect(pipelineSource({ config: 'p.yaml' }, 'optional')).toEqual({ configFile: 'p.yaml' });
    expect(pipelineSource({ pattern: ['%{WORD:w}'], patternsDir: 'extra' }, 'required')).toEqual({
      patterns: ['%{WORD:w}'],
      patternsDir: 'extra',
    });
  });

  it('required: none or two is a ConfigError naming the three flags, with the hint given', () => {
    for (const flags of [{}, { module: 'syslog', config: 'p.yaml' }]) {
      const error = (() => {
        try {
          pipelineSource(flags, 'required', 'for example: --module syslog');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe('give exactly one of --module, --config or --pattern');
      expect((error as ConfigError).hint).toBe('for example: --module syslog');
    }
  });

  it('optional: none is no pipeline, two is a ConfigError', () => {
    expect(pipelineSource({}, 'optional')).toBeUndefined();
    expect(() => pipelineSource({ pattern: ['x'], config: 'p.yaml' }, 'optional')).toThrow(
      'give at most one of --module, --config or --pattern',
    );
  });

  it('an empty value counts as given, so the parser rejects it rather than it being passed over', () => {
    expect(pipelineSource({ module: '' }, 'optional')).toEqual({ module: '' });
  });
});
