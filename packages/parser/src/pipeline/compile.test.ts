import { ConfigError, type LogEvent } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import type { ProcessorFactory } from '../processor.js';
import { compilePipeline, PROCESSOR_FAILURE_TAG, validatePipeline } from './compile.js';

const where = (i: number) => `p.yaml:${10 + i}`;

// A tiny test registry: real processor factories with observable effects.
const setTo: ProcessorFactory = (options) => {
  const value = (options as { value: string }).value;
  return {
    name: 'set',
    apply: (e) => {
      e.seen = value;
      return e;
    },
  };
};
const explode: ProcessorFactory = () => ({
  name: 'explode',
  apply: () => {
    throw new Error('boom');
  },
});
const registry = {
  set: setTo,
  explode,
  drop: (() => ({ name: 'drop', apply: () => null })) as ProcessorFactory,
};

function error(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('compilePipeline', () => {
  it('runs steps in order and honours if conditions', () => {
    const run = compilePipeline(
      [
        { set: { value: 'a' } },
        { set: { value: 'b' }, if: { field: 'status', equals: 404 } },
        { drop: {}, if: { field: 'url', matches: '^/health' } },
      ],
      { registry, where },
    );
    expect(run({ status: '200', url: '/x' })).toEqual({ status: '200', url: '/x', seen: 'a' });
    expect(run({ status: '404', url: '/x' })).toEqual({ status: '404', url: '/x', seen: 'b' });
    expect(run({ status: 404, url: '/healthz' })).toBeNull();
  });

  it('tags instead of throwing when a processor breaks its contract', () => {
    const run = compilePipeline([{ explode: {} }, { set: { value: 'after' } }], { registry });
    const event: LogEvent = { message: 'x' };
    expect(run(event)).toEqual({
      message: 'x',
      tags: [PROCESSOR_FAILURE_TAG],
      seen: 'after',
      sluice: { failure: { processor: 'processor 1 (explode)', reason: 'Error: boom' } },
    });
  });

  it('keeps the first failure as the cause when several processors throw', () => {
    const run = compilePipeline([{ explode: {} }, { explode: {} }], { registry, where });
    const event = run({ message: 'x' }) as LogEvent;
    expect(event.tags).toEqual([PROCESSOR_FAILURE_TAG]);
    expect(event.sluice).toEqual({
      failure: { processor: 'p.yaml:10: processor 1 (explode)', reason: 'Error: boom' },
    });
  });

  it('names file, line and processor in errors and lists known processors', () => {
    expect(error(() => compilePipeline([{ set: {} }, { nope: {} }], { registry, where })).message).toBe(
      'p.yaml:11: processor 2 (nope): unknown processor "nope"; known processors: drop, explode, set',
    );
    expect(error(() => compilePipeline([{ set: {}, drop: {} }], { registry, where })).message).toBe(
      'p.yaml:10: processor 1: a step must have exactly one processor key (plus an optional "if"), got "set", "drop"',
    );
    expect(error(() => compilePipeline(['set'] as never, { registry })).message).toBe(
      'processor 1: a step must be a mapping like { date: {...} }, got "set"',
    );
    expect(
      error(() => compilePipeline([{ set: {}, if: { field: 'a', matches: '(' } }], { registry, where }))
        .message,
    ).toMatch(/^p\.yaml:10: processor 1 \(set\): "if" "matches" is not a valid regular expression: "\("/);
  });

  it('expands module steps and refuses unknown or self-including modules', () => {
    const resolveModule = (name: string) =>
      name === 'm'
        ? { specs: [{ set: { value: 'from-module' } }], where: () => 'module m' }
        : name === 'loop'
          ? { specs: [{ module: 'loop' }], where: () => 'module loop' }
          : undefined;
    expect(compilePipeline([{ module: 'm' }], { registry, resolveModule })({})).toEqual({
      seen: 'from-module',
    });
    expect(error(() => compilePipeline([{ module: 'x' }], { registry, resolveModule, where })).message).toBe(
      'p.yaml:10: processor 1 (module): unknown module "x"',
    );
    expect(error(() => compilePipeline([{ module: 'loop' }], { registry, resolveModule })).message).toBe(
      'module loop: processor 1 (module): module "loop" includes itself (loop -> loop)',
    );
  });

  it('validatePipeline collects every error with its real position', () => {
    const result = validatePipeline([{ set: {} }, { nope: {} }, { set: {} }, { set: {}, if: { bogus: 1 } }], {
      registry,
      where,
    });
    expect(result.steps).toBe(2);
    expect(result.errors.map((e) => e.message)).toEqual([
      'p.yaml:11: processor 2 (nope): unknown processor "nope"; known processors: drop, explode, set',
      'p.yaml:13: processor 4 (set): "if" has unknown form "bogus"; valid forms: { field, equals }, { field, matches }, { field, in }, { exists }, { tag }, { not }, { all }, { any }',
    ]);
  });
});
