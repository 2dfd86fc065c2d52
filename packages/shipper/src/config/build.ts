import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Producer } from '@sluice/brokers';
import { ConfigError, createLogger, type Logger, readChoice, show } from '@sluice/core';
import type { Input } from '../event.js';
import { FileInput } from '../inputs/file.js';
import type { InputContext } from '../inputs/kind.js';
import { INPUT_KINDS, type InputConfig } from '../inputs/registry.js';
import { DEFAULT_MAX_LINE_BYTES } from '../lines.js';
import { type ModuleMultilineRule, multilineFromModule } from '../multiline.js';
import { FileRegistry } from '../registry.js';
import { BATCH_DEFAULTS, Shipper } from '../shipper.js';
import type { ShipperConfig } from './schema.js';

/** Builds one input with the factory its kind declares (inputs/registry.ts). */
export function createInput(config: InputConfig, context: InputContext): Input {
  const kind = INPUT_KINDS.find((k) => k.type === config.type);
  if (!kind) throw new ConfigError(`no input of type ${show(config.type)}`);
  // The kind was found by this config's own type, so its factory takes this config.
  return (kind.create as (c: InputConfig, ctx: InputContext) => Input)(config, context);
}

export interface BuildOptions {
  readonly logger?: Logger;
  /** Made only in `start()`, after everything else was checked. */
  readonly producer: () => Producer;
  /** Where `module:` names are looked up. Required when an input names a module. */
  readonly modules?: ModuleCatalog;
}

/**
 * The parser modules as the shipper sees them: names and multi-line rules. The CLI builds it
 * from @sluice/parser; the shipper takes it as an argument so it does not load the parser.
 */
export interface ModuleCatalog {
  /** Every module name, for validation and for the message that lists them. */
  readonly names: readonly string[];
  /** The module's multi-line rule; undefined when its events are single lines. */
  multiline(name: string): ModuleMultilineRule | undefined;
}

/**
 * Gives an input with `module:` that module's multi-line rule, unless the input has its own
 * `multiline` (the user's explicit choice wins). A module without a rule leaves lines alone.
 */
export function applyModule(
  input: InputConfig,
  key: string,
  catalog: ModuleCatalog | undefined,
  logger?: Logger,
): InputConfig {
  if (input.type !== 'file' && input.type !== 'stdin' && input.type !== 'tcp') return input;
  if (input.module === undefined) return input;
  if (!catalog) {
    throw new ConfigError(`${key}.module: this shipper was built without the parser's module list`, {
      hint: 'pass BuildOptions.modules (the sluice CLI does), or give multiline instead of module',
    });
  }
  readChoice(`${key}.module`, input.module, catalog.names, {
    hint: 'sluice modules lists them with what each reads',
  });
  if (input.multiline) {
    logger?.info('the input gives its own multiline; the module rule is not used', {
      input: key,
      module: input.module,
    });
    return input;
  }
  const rule = catalog.multiline(input.module);
  if (!rule) return input;
  const multiline = multilineFromModule(rule);
  logger?.debug('multi-line rule from module', {
    input: key,
    module: input.module,
    pattern: multiline.pattern,
  });
  return { ...input, multiline };
}

export interface BuiltShipper {
  readonly inputNames: readonly string[];
  /** Checks that needs no broker: one-shot files exist, the registry is readable and writable. */
  preflight(): Promise<void>;
  start(): Shipper;
  close(): Promise<void>;
}

/** Wires a validated config into inputs, a registry and a Shipper. */
export async function buildShipper(config: ShipperConfig, options: BuildOptions): Promise<BuiltShipper> {
  const logger = options.logger ?? createLogger();
  const registry = config.registry ? await FileRegistry.open(config.registry.path) : undefined;
  const shipperId = config.shipperId ?? hostname();
  const context: InputContext = {
    registry,
    logger,
    shipperId,
    maxLineBytes: config.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
  const inputConfigs = config.inputs.map((c, i) => applyModule(c, `inputs[${i}]`, options.modules, logger));
  const inputs = inputConfigs.map((c) => createInput(c, context));
  let producer: Producer | undefined;
  return {
    inputNames: inputs.map((i) => i.name),
    async preflight() {
      for (const [i, input] of inputs.entries()) {
        const c = config.inputs[i];
        if (!(input instanceof FileInput) || c?.type !== 'file') continue;
        const files = await input.scan();
        if (c.follow === false && files.length === 0) throw await whyNoFile(c.paths);
        for (const file of files) await checkReadable(file);
      }
      for (const input of inputs) await input.prepare?.();
    },
    start() {
      producer = options.producer();
      return new Shipper({
        producer,
        inputs,
        shipperId,
        ...(registry ? { registry } : {}),
        ...(config.fields ? { fields: config.fields } : {}),
        ...(config.tags ? { tags: config.tags } : {}),
        ...(config.queue ? { queue: config.queue } : {}),
        batch: {
          maxEvents: config.output.batchSize ?? BATCH_DEFAULTS.maxEvents,
          maxBytes: config.output.batchBytes ?? BATCH_DEFAULTS.maxBytes,
          lingerMs: config.output.lingerMs ?? BATCH_DEFAULTS.lingerMs,
          maxInFlight: config.output.maxInFlight ?? BATCH_DEFAULTS.maxInFlight,
        },
        logger,
      });
    },
    async close() {
      await producer?.close();
    },
  };
}

/** Why a one-shot file input found nothing: a directory given as a file, or a path that does not exist. */
async function whyNoFile(paths: readonly string[]): Promise<ConfigError> {
  for (const path of paths) {
    const st = await stat(path).catch(() => undefined);
    if (st?.isDirectory()) {
      return new ConfigError(`${path} is a directory, not a file`, {
        hint: `name the files in it, quoted so the shell does not expand the glob: --file '${path.replace(/\/$/, '')}/*.log'`,
      });
    }
  }
  return new ConfigError(`file not found: ${paths.join(', ')}`, {
    hint: 'check the path (quote globs so the shell does not expand them), or add --follow to wait for it',
  });
}

/** A file this process may not read is a setting to fix, not a run-time failure. */
async function checkReadable(path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return;
    throw new ConfigError(`cannot read ${path}: permission denied`, {
      cause: error,
      hint: "run sluice as a user who may read it (for /var/log, often a member of the adm group), or change the file's permissions",
    });
  }
}
