import { addTag, ConfigError, errorMessage, type LogEvent, setField } from '@sluice/core';
import type { EcsCompatibility } from '../patterns/library.js';
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
 *
 * `steps`: what the pipeline runs, when it was compiled from steps (runSteps): the encoder
 * reads the shape of the output from them (pool/direct.ts). A pipeline wrapped in other
 * code has none, and is always run and serialised as it is.
 */
export type CompiledPipeline = ((event: LogEvent) => LogEvent | null) & {
  readonly steps?: readonly CompiledStep[];
};

/** Tag added when a processor broke its contract and threw on data; the event goes on. */
export const PROCESSOR_FAILURE_TAG = '_processorfailure';

/** Where a `_processorfailure` event says which step failed and why: `sluice.failure.processor` and `.reason`. */
export const FAILURE_FIELD = ['sluice', 'failure'] as const;

/**
 * Marks an event a processor (or the encoder after the pipeline) could not handle: the
 * `_processorfailure` tag, and `sluice.failure: { processor, reason }` so the cause is
 * searchable next to the event. The first failure of an event is kept: it is the cause,
 * later ones are usually its consequences.
 */
export function markProcessorFailure(event: LogEvent, processor: string, error: unknown): void {
  addTag(event, PROCESSOR_FAILURE_TAG);
  const sluice = event.sluice;
  const existing =
    sluice !== null && typeof sluice === 'object' && !Array.isArray(sluice) ? sluice.failure : undefined;
  if (existing !== undefined) return;
  const reason = (error instanceof Error ? `${error.name}: ${error.message}` : errorMessage(error)).slice(
    0,
    1000,
  );
  setField(event, [...FAILURE_FIELD], { processor, reason });
}

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
  /** The naming mode of the built-in grok library (`ecs_compatibility`); default v1. */
  readonly ecsCompatibility?: EcsCompatibility;
  /** Which processors exist; default: processorRegistry. */
  readonly registry?: Readonly<Record<string, ProcessorFactory>>;
  /** Resolves `module: NAME` steps; absent means module steps are a config error. */
  readonly resolveModule?: (name: string) => ModuleSteps | undefined;
  /** The clock handed to every processor (see ProcessorContext.now); default Date.now. */
  readonly now?: () => number;
  /**
   * `file:line:column` of a node inside step `index`: `path` walks the step's mapping
   * (`['date', 'formats']` is the `formats` key, `['grok', 'patterns', 1]` the second
   * pattern). Lets an error point at the offending option, not at its step. Absent (or
   * undefined for a path it cannot find): errors point at the step.
   */
  readonly locate?: (index: number, path: readonly OptionPathSegment[]) => string | undefined;
}

export type OptionPathSegment = string | number;

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
    let condition: Condition | undefined;
    try {
      condition = spec.if === undefined ? undefined : compileCondition(spec.if, label);
    } catch (error) {
      throw atOption(error, context, index, label, spec, []);
    }

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
      // A module's steps are not in the user's file: no option locations there.
      // Modules are written with ECS names, whatever naming mode the including file uses.
      const { locate: _fileLocations, ecsCompatibility: _mode, ...moduleContext } = context;
      compileInto(
        steps,
        resolved.specs,
        { ...moduleContext, where: resolved.where },
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
      ...(context.ecsCompatibility === undefined ? {} : { ecsCompatibility: context.ecsCompatibility }),
    };
    let processor: Processor;
    try {
      processor = factory(spec[name], processorContext);
    } catch (error) {
      throw atOption(error, context, index, label, spec, [name]);
    }
    steps.push({ name, where: label, processor, condition });
  });
}

/**
 * Moves a step's ConfigError from the step's location to the option it is about:
 * `p.yaml:4: processor 2 (date): "formats" must be...` becomes `p.yaml:6:7: processor 2
 * (date): "formats" must be...`. Which option, read from the message the processor wrote
 * (processors name the option first, as OptionReader does, or quote the offending value):
 * 1. the leading quoted option names (`"formats"`, `unknown option "format"`, a condition's
 *    `"if.all[1]" "matches"`), as deep as they exist in the step;
 * 2. within that option (or the whole step), the longest configured string quoted in the
 *    message: the one grok pattern or date format of a list that is wrong;
 * 3. else the first option of the step quoted anywhere in the message.
 * Anything else keeps the step's location. The message is otherwise unchanged.
 */
function atOption(
  error: unknown,
  context: PipelineContext,
  index: number,
  label: string,
  spec: ProcessorSpec,
  prefix: readonly OptionPathSegment[],
): unknown {
  const stepWhere = context.where?.(index);
  if (!(error instanceof ConfigError) || !context.locate || !stepWhere) return error;
  if (!error.message.startsWith(`${label}: `)) return error;
  const rest = error.message.slice(label.length + 2);
  const path = optionPath(spec, prefix, rest);
  const location = path === undefined ? undefined : context.locate(index, path);
  if (location === undefined) return error;
  return new ConfigError(`${location}${error.message.slice(stepWhere.length)}`, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error.cause ?? error,
  });
}

function childOf(node: unknown, key: OptionPathSegment): { found: boolean; value: unknown } {
  if (typeof key === 'number') {
    return Array.isArray(node) && key < node.length
      ? { found: true, value: node[key] }
      : { found: false, value: undefined };
  }
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, key)) {
    return { found: true, value: (node as Record<string, unknown>)[key] };
  }
  return { found: false, value: undefined };
}

/** `if.all[1]` -> ['if', 'all', 1]; a plain option name is one segment. */
function segmentsOf(name: string): OptionPathSegment[] {
  return Array.from(name.matchAll(/\[(\d+)\]|[^.[\]]+/g), (m) =>
    m[1] === undefined ? (m[0] as string) : Number(m[1]),
  );
}

function optionPath(
  spec: ProcessorSpec,
  prefix: readonly OptionPathSegment[],
  message: string,
): OptionPathSegment[] | undefined {
  let node: unknown = spec;
  for (const key of prefix) node = childOf(node, key).value;
  const path = [...prefix];
  let text = message.replace(/^unknown option /, '');
  for (let m = /^"([^"]+)"\s*/.exec(text); m !== null; m = /^"([^"]+)"\s*/.exec(text)) {
    const name = m[1] as string;
    const direct = childOf(node, name);
    const segments = direct.found ? [name] : segmentsOf(name);
    let inner = node;
    let ok = segments.length > 0;
    for (const segment of segments) {
      const child = childOf(inner, segment);
      if (!child.found) {
        ok = false;
        break;
      }
      inner = child.value;
    }
    if (!ok) break;
    path.push(...segments);
    node = inner;
    text = text.slice(m[0].length);
  }
  const quoted = quotedLeaf(node, path, message);
  if (quoted !== undefined) return quoted;
  if (path.length > prefix.length) return path;
  for (const m of message.matchAll(/"([^"]+)"/g)) {
    if (childOf(node, m[1] as string).found) return [...path, m[1] as string];
  }
  return undefined;
}

/** The path of the longest string under `node` that the message quotes (as written or JSON-escaped). */
function quotedLeaf(
  node: unknown,
  path: readonly OptionPathSegment[],
  message: string,
): OptionPathSegment[] | undefined {
  let best: { path: OptionPathSegment[]; length: number } | undefined;
  const visit = (value: unknown, at: OptionPathSegment[], level: number): void => {
    if (typeof value === 'string') {
      if (
        value.length >= 2 &&
        (best === undefined || value.length > best.length) &&
        (message.includes(`"${value}"`) || message.includes(JSON.stringify(value)))
      ) {
        best = { path: at, length: value.length };
      }
      return;
    }
    if (level >= 4 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], [...at, i], level + 1);
    } else for (const [key, item] of Object.entries(value)) visit(item, [...at, key], level + 1);
  };
  visit(node, [...path], 0);
  return best?.path;
}

/** Runs compiled steps in order; see CompiledPipeline. */
export function runSteps(steps: readonly CompiledStep[]): CompiledPipeline {
  const processors = steps.map((s) => s.processor);
  const conditions = steps.map((s) => s.condition);
  const names = steps.map((s) => s.where);
  const count = steps.length;
  const run = (event: LogEvent): LogEvent | null => {
    let current: LogEvent = event;
    for (let i = 0; i < count; i++) {
      const condition = conditions[i];
      if (condition !== undefined && !condition(current)) continue;
      try {
        const next = (processors[i] as Processor).apply(current);
        if (next === null) return null;
        current = next;
      } catch (error) {
        // A processor must tag, not throw; if one does anyway (a bug, or a stack overflow
        // on a pathological value), the event still goes on (failure is data), marked
        // with the step and the reason so it is visible and searchable in Elasticsearch.
        markProcessorFailure(current, names[i] as string, error);
      }
    }
    return current;
  };
  return Object.assign(run, { steps });
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
