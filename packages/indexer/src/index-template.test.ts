import { describe, expect, it } from 'vitest';
import { indexPatternFor, logsMappings, logsTemplate } from './index-template.js';

describe('index template', () => {
  it('derives the pattern from the static prefix of the index name', () => {
    expect(indexPatternFor('logs-%{+yyyy.MM.dd}')).toBe('logs-*');
    expect(indexPatternFor('App-%{[service][name]}-%{+yyyy.MM}')).toBe('app-*');
    expect(indexPatternFor('static-logs')).toBe('static-logs');
    expect(indexPatternFor('%{[service][name]}-%{+yyyy.MM}')).toBeUndefined();
  });

  it('maps addresses that may be hostnames as keyword and *.ip as ip', () => {
    const props = (
      logsMappings() as { properties: Record<string, { properties: Record<string, { type: string }> }> }
    ).properties;
    expect(props.source?.properties.address?.type).toBe('keyword');
    expect(props.source?.properties.ip?.type).toBe('ip');
    expect((props['@timestamp'] as unknown as { type: string }).type).toBe('date');
    expect((props.message as unknown as { type: string }).type).toBe('text');
  });

  it('adds data_stream only when asked', () => {
    expect(logsTemplate()).not.toHaveProperty('data_stream');
    expect(logsTemplate({ dataStream: true, patterns: ['logs-app'] })).toMatchObject({
      data_stream: {},
      index_patterns: ['logs-app'],
    });
  });
});
