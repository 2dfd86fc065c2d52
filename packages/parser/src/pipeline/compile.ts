import { addTag, ConfigError, type LogEvent } from '@sluice/core';
import type { Processor, ProcessorContext, ProcessorFactory } from '../processor.js';
import { describe } from '../processors/options.js';
import { knownProcessors, processorRegistry } from '../processors/registry.js';
import { type Condition, compileCondition } from './condition.js';

/**
 * One step of a pipeline as written in config: a mapping with exactly one processor key
 * (`{ date: { field: timestamp, formats: [...] } }`), optionally with a sibling `if:`
 * condition (see condition.ts). A `module: NAME` step expands to that module's steps when
 * the context knows how to resolve modules.
 */
export type ProcessorSpec = Readonly<Record<string, unknown>>;

/**
 * Runs every step in order on one event. Returns the event (mutated in place: the pipeline
 * owns the event it is given) or null when a step dropped it. Never throws on data.
 */
export type CompiledPipeline = (event: LogEvent) => LogEvent | null;

/** Tag added when a processor broke its contract and threw on data; the event goes on. */
export const PROCESSOR_FAILURE_TAG = '_processorfailure';

export interface ModuleSteps {
  readonly specs: readonly ProcessorSpec[];
  readonly where: (index: number) => string;
}

export interface PipelineContext {
  /**
   * The location of step `index` for error messages, e.g. `pipeline.yaml:7`; the compiler
   * appends `processor N (name)`. Default: no location, just `processor N (name)`.
   */
  readonly where?: (index: number) => string;
  /** Grok pattern definitions passed to every processor (patterns_dir + pattern_definitions). */
  readonly patternDefinitions?: Readonly<Record<string, string>>;
  /** Which processors exist; default: processorRegistry. */
  readonly registry?: Readonly<Record<string, ProcessorFactory>>;
  /** Resolves `module: NAME` steps; absent means module steps are a config error. */
  readonly resolveModule?: (name: string) => ModuleSteps | undefined;
  /** The clock handed to every processor (see ProcessorContext.now); default Date.now. */
  readonly now?: () => number;
}

export interface CompiledStep {
  readonly name: string;
  /** `pipeline.yaml:7: processor 3 (date)`, for diagnostics. */
  readonly where: string;
  readonly processor: Processor;
  readonly condition: Condition | undefined;
}

/** Where step `index` (0-based) is declared, as used at the start of every error message. */
export function stepLabel(context: PipelineContext, index: number, name?: string): string {
  const location = context.where?.(index);
  const label = name === undefined ? `processor ${index + 1}` : `processor ${index + 1} (${name})`;
  return location ? `${location}: ${label}` : label;
}

/**
 * Validates and builds every step. Throws the first ConfigError; use
 * `validatePipeline` to collect all of them.
 */
export function compileSteps(specs: readonly ProcessorSpec[], context: PipelineContext = {}): CompiledStep[] {
  const steps: CompiledStep[] = [];
  compileInto(steps, specs, context, [], 0);
  return steps;
}

function compileInto(
  steps: CompiledStep[],
  specs: readonly ProcessorSpec[],
  context: PipelineContext,
  moduleChain: readonly string[],
  offset: number,
): void {
  if (!Array.isArray(specs)) {
    throw new ConfigError(
      `${context.where?.(-1) ?? 'pipeline'}: "processors" must be a list of steps, got ${describe(specs)}`,
    );
  }
  const registry = context.registry ?? processorRegistry;
  specs.forEach((spec, i) => {
    const index = offset + i;
    const where = stepLabel(context, index);
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new ConfigError(`${where}: a step must be a mapping like { date: {...} }, got ${describe(spec)}`);
    }
    const keys = Object.keys(spec).filter((k) => k !== 'if');
    if (keys.length !== 1) {
      throw new ConfigError(
        `${where}: a step must have exactly one processor key (plus an optional "if"), got ${
          keys.length === 0 ? 'none' : keys.map((k) => `"${k}"`).join(', ')
        }`,
        { hint: `known processors: ${knownProcessors(registry).join(', ')}` },
      );
    }
    const name = keys[0] as string;
    const label = stepLabel(context, index, name);
    const condition = spec.if === undefined ? undefined : compileCondition(spec.if, label);

    if (name === 'module' && !(name in registry)) {
      const moduleName = spec.module;
      if (typeof moduleName !== 'string' || moduleName === '') {
        throw new ConfigError(
          `${label}: "module" must be a module name such as "nginx.access", got ${describe(moduleName)}`,
        );
      }
      if (condition)
        throw new ConfigError(
          `${label}: "if" is not supported on a module step; put it on the module's own steps`,
        );
      if (moduleChain.includes(moduleName)) {
        throw new ConfigError(
          `${label}: module "${moduleName}" includes itself (${[...moduleChain, moduleName].join(' -> ')})`,
        );
      }
      const resolved = context.resolveModule?.(moduleName);
      if (!resolved) {
        throw new ConfigError(`${label}: unknown module "${moduleName}"`, {
          hint: context.resolveModule
            ? 'run `sluice modules` to list them'
            : 'modules are not available here',
        });
      }
      compileInto(
        steps,
        resolved.specs,
        { ...context, where: resolved.where },
        [...moduleChain, moduleName],
        0,
      );
      return;
    }

    const factory = registry[name];
    if (!factory) {
      throw new ConfigError(
        `${label}: unknown processor "${name}"; known processors: ${knownProcessors(registry).join(', ')}`,
      );
    }
    const processorContext: ProcessorContext = {
      where: label,
      ...(context.patternDefinitions === undefined ? {} : { patternDefinitions: context.patternDefinitions }),
      ...(context.now === undefined ? {} : { now: context.now }),
    };
    const processor = factory(spec[name], processorContext);
    steps.push({ name, where: label, processor, condition });
  });
}

/** Runs compiled steps in order; see CompiledPipeline. */
export function runSteps(steps: readonly CompiledStep[]): CompiledPipeline {
  const processors = steps.map((s) => s.processor);
  const conditions = steps.map((s) => s.condition);
  const count = steps.length;
  return (event) => {
    let current: LogEvent = event;
    for (let i = 0; i < count; i++) {
      const condition = conditions[i];
      if (condition !== undefined && !condition(current)) continue;
      try {
        const next = (processors[i] as Processor).apply(current);
        if (next === null) return null;
        current = next;
      } catch {
        // A processor must tag, not throw; if one does anyway, the event still goes on
        // (failure is data), marked so the bug is visible in Elasticsearch.
        addTag(current, PROCESSOR_FAILURE_TAG);
      }
    }
    return current;
  };
}

/**
 * Compiles pipeline steps once into one function. Throws ConfigError (naming the file,
 * line and processor when the context knows them) before any event runs.
 */
export function compilePipeline(
  specs: readonly ProcessorSpec[],
  context: PipelineContext = {},
): CompiledPipeline {
  return runSteps(compileSteps(specs, context));
}

/**
 * Compiles each step on its own and collects every error instead of stopping at the
 * first (for `sluice check`). Returns the number of steps that compiled.
 */
export function validatePipeline(
  specs: readonly ProcessorSpec[],
  context: PipelineContext = {},
): { readonly steps: number; readonly errors: readonly ConfigError[] } {
  if (!Array.isArray(specs)) {
    try {
      compileSteps(specs, context);
    } catch (error) {
      return { steps: 0, errors: [asConfigError(error)] };
    }
  }
  let steps = 0;
  const errors: ConfigError[] = [];
  for (let index = 0; index < specs.length; index++) {
    const compiled: CompiledStep[] = [];
    try {
      compileInto(compiled, [specs[index] as ProcessorSpec], context, [], index);
      steps += compiled.length;
    } catch (error) {
      errors.push(asConfigError(error));
    }
  }
  return { steps, errors };
}

function asConfigError(error: unknown): ConfigError {
  if (error instanceof ConfigError) return error;
  return new ConfigError(error instanceof Error ? error.message : String(error), { cause: error });
}
