import { describe, expect, it } from 'vitest';
import { deadLetterOption, pipelineName } from './dead-letter-option.js';

describe('--dead-letter', () => {
  it('is the default index when absent, an index name template unless it is a broker URL', () => {
    expect(deadLetterOption(undefined).target).toBeUndefined();
    expect(deadLetterOption('my-dlq-%{+yyyy.MM}').target).toEqual({
      kind: 'index',
      index: 'my-dlq-%{+yyyy.MM}',
    });
    for (const url of [
      'redis://127.0.0.1:6379/dlq',
      'kafka://127.0.0.1:9092/dlq',
      'amqp://u:p@127.0.0.1:5672/dlq',
    ]) {
      const option = deadLetterOption(url);
      expect(option.target?.kind).toBe('custom');
      expect(option.broker?.stream).toBe('dlq');
    }
  });

  it('does not print the password of a broker URL', () => {
    expect(deadLetterOption('amqp://user:hunter2@127.0.0.1:5672/dlq').describe).not.toContain('hunter2');
  });

  it('rejects a broker URL without a stream, naming the forms', () => {
    expect(() => deadLetterOption('kafka://127.0.0.1:9092')).toThrow(/kafka/);
  });

  it('names the pipeline the way the dead letters carry it', () => {
    expect(pipelineName({ module: 'nginx.access' })).toBe('module:nginx.access');
    expect(pipelineName({ config: 'p.yml' })).toBe('config:p.yml');
    expect(pipelineName({ pattern: ['%{A}', '%{B}'] })).toBe('patterns:%{A} | %{B}');
    expect(pipelineName({})).toBeUndefined();
  });
});
