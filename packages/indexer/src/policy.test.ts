import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, itemAction, requestAction, resolvePolicy } from './policy.js';

describe('outcome policy defaults', () => {
  it.each([
    [201, undefined, 'indexed'],
    [200, undefined, 'indexed'],
    [409, 'version_conflict_engine_exception', 'duplicate'],
    [429, 'es_rejected_execution_exception', 'retry'],
    [429, undefined, 'retry'],
    [400, 'mapper_parsing_exception', 'dead-letter'],
    [400, 'document_parsing_exception', 'dead-letter'],
    [400, 'strict_dynamic_mapping_exception', 'dead-letter'],
    [400, 'illegal_argument_exception', 'dead-letter'],
    [400, 'some_future_exception', 'dead-letter'],
    [401, 'security_exception', 'fatal'],
    [403, 'security_exception', 'fatal'],
    [404, 'index_not_found_exception', 'fatal'],
    [503, 'unavailable_shards_exception', 'retry'],
    [500, undefined, 'retry'],
  ] as const)('item %i %s -> %s', (status, type, action) => {
    expect(itemAction(DEFAULT_POLICY, status, type)).toBe(action);
  });

  it.each([
    [undefined, 'retry'],
    [429, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [400, 'split'],
    [413, 'split'],
    [401, 'fatal'],
    [403, 'fatal'],
    [404, 'fatal'],
  ] as const)('request %s -> %s', (status, action) => {
    expect(requestAction(DEFAULT_POLICY, status)).toBe(action);
  });

  it('lets config move a status or an error type without touching the rest', () => {
    const policy = resolvePolicy({
      items: { '409': 'dead-letter' },
      errorTypes: { illegal_argument_exception: 'retry' },
    });
    expect(itemAction(policy, 409, undefined)).toBe('dead-letter');
    expect(itemAction(policy, 400, 'illegal_argument_exception')).toBe('retry');
    expect(itemAction(policy, 400, 'mapper_parsing_exception')).toBe('dead-letter');
    expect(policy.maxAttempts).toBe(Number.POSITIVE_INFINITY);
  });
});
