import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Producer } from '@sluice/brokers';
import { ConfigError, createLogger, expandEnvInYaml, type Logger, maskSubstitutions } from '@sluice/core';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldValue, Input } from './event.js';
import { FileInput } from './inputs/file.js';
import { StdinInput } from './inputs/stdin.js';
import { SyslogTcpInput } from './inputs/syslog-tcp.js';
import { TcpInput } from './inputs/tcp.js';
import { UdpInput } from './inputs/udp.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';
import {
  type ModuleMultilineRule,
  MULTILINE_PRESETS,
  type MultilineConfig,
  type MultilinePreset,
  multilineFromModule,
  validateMultiline,
} from './multiline.js';
import { QUEUE_DEFAULTS } from './queue.js';
import { FileRegistry } from './registry.js';
import { BATCH_DEFAULTS, Shipper } from './shipper.js';

/**
 * The shipper's configuration: what a YAML file (`sluice ship --config shipper.yaml`) holds,
 * and what the quick form (`--file GLOB --to URL`) is turned into. Every key is documented
 * with its default in packages/shipper/README.md. Durations are milliseconds or strings
 * like `250ms`, `5s`, `5m`; sizes are bytes or strings like `64KiB`, `1MiB`.
 */
export interface ShipperConfig {
  readonly output: OutputConfig;
  readonly inputs: readonly InputConfig[];
  readonly registry?: { readonly path: string };
  readonly metrics?: { readonly address: string };
  /** `agent.id` and part of record ids. Default: host name. Keep it stable per machine. */
  readonly shipperId?: string;
  readonly fields?: Readonly<Record<string, FieldValue>>;
  readonly tags?: readonly string[];
  /** Longest line kept whole. Default 1 MiB. */
  readonly maxLineBytes?: number;
  readonly queue?: { readonly maxEvents?: number; readonly maxBytes?: number };
}

export interface OutputConfig {
  readonly url: string;
  /** Records per publish. Default 2048 (BATCH_DEFAULTS). */
  readonly batchSize?: number;
  /** Bytes per publish. Default 1 MiB. */
  readonly batchBytes?: number;
  /** Wait this long for a batch to fill. Default 20 ms. */
  readonly lingerMs?: number;
  /** Batches published at once, confirmed in order. Default 1 (see BatchOptions.maxInFlight). */
  readonly maxInFlight?: number;
}

interface CommonInput {
  readonly fields?: Readonly<Record<string, FieldValue>>;
  readonly tags?: readonly string[];
}

/** Inputs that read byte streams, so multi-line joining applies to them. */
interface JoiningInput {
  readonly multiline?: MultilineConfig;
  /**
   * A parser module (`java`, `python`, `rails`, `mysql.slowlog`, ...; `sluice modules` lists
   * them) whose multi-line rule this input uses. An explicit `multiline` wins over it.
   */
  readonly module?: string;
}

export interface FileInputConfig extends CommonInput, JoiningInput {
  readonly type: 'file';
  readonly paths: readonly string[];
  /** Default true in a config file (a daemon), false in the quick form without --follow. */
  readonly follow?: boolean;
  readonly startAt?: 'beginning' | 'end';
  readonly scanIntervalMs?: number;
  readonly pollIntervalMs?: number;
  readonly closeInactiveMs?: number;
}

export interface StdinInputConfig extends CommonInput, JoiningInput {
  readonly type: 'stdin';
}

export interface TcpInputConfig extends CommonInput, JoiningInput {
  readonly type: 'tcp';
  /** Default 127.0.0.1: listening on every interface is a choice to make explicitly. */
  readonly host?: string;
  readonly port: number;
  /** Connections at once. Default 1000. */
  readonly maxConnections?: number;
}

export interface UdpInputConfig extends CommonInput {
  readonly type: 'udp';
  readonly host?: string;
  readonly port: number;
  /** `plain` (default): the datagram is the line. `json`: a JSON object; `message` is the line, other keys fields. */
  readonly codec?: 'plain' | 'json';
}

export interface SyslogInputConfig extends CommonInput {
  readonly type: 'syslog';
  readonly protocol?: 'udp' | 'tcp';
  readonly host?: string;
  readonly port: number;
}

export type InputConfig =
  | FileInputConfig
  | StdinInputConfig
  | TcpInputConfig
  | UdpInputConfig
  | SyslogInputConfig;

export type InputFactory = (config: InputConfig, context: InputContext) => Input;
export interface InputContext {
  readonly registry: FileRegistry | undefined;
  readonly logger: Logger;
  readonly shipperId: string;
  readonly maxLineBytes: number;
}

/** One line per input type: a new input is one file in inputs/ plus one entry here. */
export const INPUT_FACTORIES: Record<InputConfig['type'], InputFactory> = {
  file: (c, ctx) => {
    const f = c as FileInputConfig;
    return new FileInput(
      {
        paths: f.paths,
        follow: f.follow ?? true,
        shipperId: ctx.shipperId,
        maxLineBytes: ctx.maxLineBytes,
        ...(f.startAt ? { startAt: f.startAt } : {}),
        ...(f.scanIntervalMs !== undefined ? { scanIntervalMs: f.scanIntervalMs } : {}),
        ...(f.pollIntervalMs !== undefined ? { pollIntervalMs: f.pollIntervalMs } : {}),
        ...(f.closeInactiveMs !== undefined ? { closeInactiveMs: f.closeInactiveMs } : {}),
        ...(f.multiline ? { multiline: f.multiline } : {}),
        ...(f.fields ? { fields: f.fields } : {}),
        ...(f.tags ? { tags: f.tags } : {}),
      },
      ctx.registry,
      ctx.logger,
    );
  },
  stdin: (c, ctx) => {
    const s = c as StdinInputConfig;
    return new StdinInput({
      shipperId: ctx.shipperId,
      maxLineBytes: ctx.maxLineBytes,
      ...(s.multiline ? { multiline: s.multiline } : {}),
      ...(s.fields ? { fields: s.fields } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
    });
  },
  tcp: (c, ctx) => {
    const t = c as TcpInputConfig;
    return new TcpInput(
      {
        port: t.port,
        shipperId: ctx.shipperId,
        maxLineBytes: ctx.maxLineBytes,
        ...(t.host ? { host: t.host } : {}),
        ...(t.maxConnections ? { maxConnections: t.maxConnections } : {}),
        ...(t.multiline ? { multiline: t.multiline } : {}),
        ...(t.fields ? { fields: t.fields } : {}),
        ...(t.tags ? { tags: t.tags } : {}),
      },
      ctx.logger,
    );
  },
  udp: (c, ctx) => {
    const u = c as UdpInputConfig;
    return new UdpInput(
      {
        port: u.port,
        shipperId: ctx.shipperId,
        maxLineBytes: ctx.maxLineBytes,
        codec: u.codec ?? 'plain',
        ...(u.host ? { host: u.host } : {}),
        ...(u.fields ? { fields: u.fields } : {}),
        ...(u.tags ? { tags: u.tags } : {}),
      },
      ctx.logger,
    );
  },
  syslog: (c, ctx) => {
    const s = c as SyslogInputConfig;
    const common = {
      port: s.port,
      shipperId: ctx.shipperId,
      maxLineBytes: ctx.maxLineBytes,
      ...(s.host ? { host: s.host } : {}),
      ...(s.fields ? { fields: s.fields } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
    };
    return (s.protocol ?? 'udp') === 'tcp'
      ? new SyslogTcpInput(common, ctx.logger)
      : new UdpInput({ ...common, codec: 'syslog' }, ctx.logger);
  },
};

// ---- validation -------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `inputs[0]` + `port` → `inputs[0].port`; top level keys have no prefix. */
function at(key: string, k: string): string {
  return key ? `${key}.${k}` : k;
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function onlyKeys(o: Obj, key: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new ConfigError(
        `${key ? `${key}.` : ''}${k} is not a known setting (known: ${allowed.join(', ')})`,
      );
  }
}

function str(o: Obj, k: string, key: string, required: true): string;
function str(o: Obj, k: string, key: string, required?: false): string | undefined;
function str(o: Obj, k: string, key: string, required = false): string | undefined {
  const v = o[k];
  if (v === undefined) {
    if (required) throw new ConfigError(`${at(key, k)} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '')
    throw new ConfigError(`${at(key, k)} must be a non-empty string, got ${show(v)}`);
  return v;
}

function bool(o: Obj, k: string, key: string): boolean | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`${at(key, k)} must be true or false, got ${show(v)}`);
  return v;
}

function oneOf<T extends string>(o: Obj, k: string, key: string, values: readonly T[]): T | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (!values.includes(v as T))
    throw new ConfigError(`${at(key, k)} must be one of ${values.join(', ')}, got ${show(v)}`);
  return v as T;
}

function int(o: Obj, k: string, key: string, min: number, max: number, required = false): number | undefined {
  const v = o[k];
  if (v === undefined) {
    if (required) throw new ConfigError(`${at(key, k)} is required (a whole number from ${min} to ${max})`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(`${at(key, k)} must be a whole number from ${min} to ${max}, got ${show(v)}`);
  }
  return v;
}

/** `250ms`, `5s`, `2m`, `1h` or a number of ms. */
export function parseDuration(v: unknown, key: string, minMs: number, maxMs: number): number {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(v.trim());
    if (!m) throw new ConfigError(`${key} must be a duration like 250ms, 5s or 2m, got ${show(v)}`);
    const n = Number(m[1]);
    ms = m[2] === 's' ? n * 1_000 : m[2] === 'm' ? n * 60_000 : m[2] === 'h' ? n * 3_600_000 : n;
  } else throw new ConfigError(`${key} must be a duration like 250ms, 5s or 2m, got ${show(v)}`);
  if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
    throw new ConfigError(`${key} must be between ${minMs}ms and ${maxMs}ms, got ${show(v)}`);
  }
  return ms;
}

/** `64KiB`, `1MiB`, `1GiB` or a number of bytes. */
export function parseSize(v: unknown, key: string, min: number, max: number): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/i.exec(v.trim());
    if (!m) throw new ConfigError(`${key} must be a size like 64KiB or 1MiB, got ${show(v)}`);
    const unit = (m[2] ?? 'B').toLowerCase();
    const mult: Record<string, number> = {
      b: 1,
      kib: 1024,
      mib: 1024 ** 2,
      gib: 1024 ** 3,
      kb: 1e3,
      mb: 1e6,
      gb: 1e9,
    };
    n = Math.round(Number(m[1]) * (mult[unit] ?? 1));
  } else throw new ConfigError(`${key} must be a size like 64KiB or 1MiB, got ${show(v)}`);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ConfigError(`${key} must be between ${min} and ${max} bytes, got ${show(v)}`);
  return n;
}

function optDuration(o: Obj, k: string, key: string, minMs: number, maxMs: number): number | undefined {
  return o[k] === undefined ? undefined : parseDuration(o[k], `${at(key, k)}`, minMs, maxMs);
}

function optSize(o: Obj, k: string, key: string, min: number, max: number): number | undefined {
  return o[k] === undefined ? undefined : parseSize(o[k], `${at(key, k)}`, min, max);
}

function fieldsOf(v: unknown, key: string): Record<string, FieldValue> | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) throw new ConfigError(`${key} must be a map of field names to values, got ${show(v)}`);
  const out: Record<string, FieldValue> = {};
  const walk = (o: Obj, prefix: string) => {
    for (const [k, val] of Object.entries(o)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[path] = val;
      else if (Array.isArray(val) && val.every((x) => typeof x === 'string')) out[path] = val as string[];
      else if (isObj(val)) walk(val, path);
      else
        throw new ConfigError(
          `${key}.${path} must be a string, number, boolean or list of strings, got ${show(val)}`,
        );
    }
  };
  walk(v, '');
  return out;
}

function tagsOf(v: unknown, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && t !== '')) {
    throw new ConfigError(`${key} must be a list of non-empty strings, got ${show(v)}`);
  }
  return v as string[];
}

function multilineOf(v: unknown, key: string): MultilineConfig | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    if (!MULTILINE_PRESETS.includes(v as MultilinePreset)) {
      throw new ConfigError(`${key} must be one of ${MULTILINE_PRESETS.join(', ')} or a map, got ${show(v)}`);
    }
    return { preset: v as MultilinePreset };
  }
  if (!isObj(v)) throw new ConfigError(`${key} must be a preset name or a map, got ${show(v)}`);
  onlyKeys(v, key, ['preset', 'pattern', 'negate', 'match', 'timeout', 'maxLines', 'maxBytes']);
  const preset = oneOf(v, 'preset', key, MULTILINE_PRESETS);
  const pattern = str(v, 'pattern', key);
  const negate = bool(v, 'negate', key);
  const match = oneOf(v, 'match', key, ['after', 'before'] as const);
  const timeoutMs = optDuration(v, 'timeout', key, 1, 3_600_000);
  const maxLines = int(v, 'maxLines', key, 1, 1_000_000);
  const maxBytes = optSize(v, 'maxBytes', key, 1, 1024 ** 3);
  const config: MultilineConfig = {
    ...(preset ? { preset } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    ...(negate !== undefined ? { negate } : {}),
    ...(match ? { match } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxLines !== undefined ? { maxLines } : {}),
    ...(maxBytes !== undefined ? { maxBytes } : {}),
  };
  validateMultiline(config, key);
  return config;
}

/** `multiline` and `module` of an input that joins lines. */
function joining(o: Obj, key: string): JoiningInput {
  const multiline = multilineOf(o.multiline, `${key}.multiline`);
  const module = str(o, 'module', key);
  return { ...(multiline ? { multiline } : {}), ...(module ? { module } : {}) };
}

function common(o: Obj, key: string): CommonInput {
  const fields = fieldsOf(o.fields, `${key}.fields`);
  const tags = tagsOf(o.tags, `${key}.tags`);
  return { ...(fields ? { fields } : {}), ...(tags ? { tags } : {}) };
}

function inputOf(v: unknown, key: string): InputConfig {
  if (!isObj(v)) throw new ConfigError(`${key} must be a map with a type, got ${show(v)}`);
  const type = oneOf(v, 'type', key, ['file', 'stdin', 'tcp', 'udp', 'syslog'] as const);
  if (!type) throw new ConfigError(`${key}.type is required (file, stdin, tcp, udp or syslog)`);
  const base = ['type', 'fields', 'tags'];
  switch (type) {
    case 'file': {
      onlyKeys(v, key, [
        ...base,
        'paths',
        'follow',
        'startAt',
        'scanInterval',
        'pollInterval',
        'closeInactive',
        'multiline',
        'module',
      ]);
      const raw = typeof v.paths === 'string' ? [v.paths] : v.paths;
      if (!Array.isArray(raw) || raw.length === 0 || !raw.every((p) => typeof p === 'string' && p !== '')) {
        throw new ConfigError(
          `${key}.paths must be a path or a non-empty list of paths/globs, got ${show(v.paths)}`,
        );
      }
      const follow = bool(v, 'follow', key);
      const startAt = oneOf(v, 'startAt', key, ['beginning', 'end'] as const);
      const scanIntervalMs = optDuration(v, 'scanInterval', key, 10, 3_600_000);
      const pollIntervalMs = optDuration(v, 'pollInterval', key, 10, 60_000);
      const closeInactiveMs = optDuration(v, 'closeInactive', key, 100, 7 * 24 * 3_600_000);
      return {
        type,
        paths: raw as string[],
        ...common(v, key),
        ...(follow !== undefined ? { follow } : {}),
        ...(startAt ? { startAt } : {}),
        ...(scanIntervalMs !== undefined ? { scanIntervalMs } : {}),
        ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
        ...(closeInactiveMs !== undefined ? { closeInactiveMs } : {}),
        ...joining(v, key),
      };
    }
    case 'stdin': {
      onlyKeys(v, key, [...base, 'multiline', 'module']);
      return { type, ...common(v, key), ...joining(v, key) };
    }
    case 'tcp': {
      onlyKeys(v, key, [...base, 'host', 'port', 'multiline', 'module', 'maxConnections']);
      const port = int(v, 'port', key, 0, 65_535, true) as number;
      const host = str(v, 'host', key);
      const maxConnections = int(v, 'maxConnections', key, 1, 100_000);
      return {
        type,
        port,
        ...common(v, key),
        ...(host ? { host } : {}),
        ...(maxConnections !== undefined ? { maxConnections } : {}),
        ...joining(v, key),
      };
    }
    case 'udp': {
      onlyKeys(v, key, [...base, 'host', 'port', 'codec']);
      const port = int(v, 'port', key, 0, 65_535, true) as number;
      const host = str(v, 'host', key);
      const codec = oneOf(v, 'codec', key, ['plain', 'json'] as const);
      return { type, port, ...common(v, key), ...(host ? { host } : {}), ...(codec ? { codec } : {}) };
    }
    case 'syslog': {
      onlyKeys(v, key, [...base, 'host', 'port', 'protocol']);
      const port = int(v, 'port', key, 0, 65_535, true) as number;
      const host = str(v, 'host', key);
      const protocol = oneOf(v, 'protocol', key, ['udp', 'tcp'] as const);
      return { type, port, ...common(v, key), ...(host ? { host } : {}), ...(protocol ? { protocol } : {}) };
    }
  }
}

/** Checks a parsed config document; every message names the key, the value and what is valid. */
export function validateShipperConfig(doc: unknown): ShipperConfig {
  if (!isObj(doc))
    throw new ConfigError(`the shipper config must be a map with output and inputs, got ${show(doc)}`);
  onlyKeys(doc, '', [
    'output',
    'inputs',
    'registry',
    'metrics',
    'shipperId',
    'fields',
    'tags',
    'maxLineBytes',
    'queue',
  ]);
  if (!isObj(doc.output))
    throw new ConfigError(
      'output is required: a map with url, e.g. output: { url: kafka://127.0.0.1:9092/logs }',
    );
  onlyKeys(doc.output, 'output', ['url', 'batchSize', 'batchBytes', 'linger', 'maxInFlight']);
  const url = str(doc.output, 'url', 'output', true);
  const batchSize = int(doc.output, 'batchSize', 'output', 1, 100_000);
  const batchBytes = optSize(doc.output, 'batchBytes', 'output', 1024, 512 * 1024 * 1024);
  const lingerMs = optDuration(doc.output, 'linger', 'output', 0, 60_000);
  const maxInFlight = int(doc.output, 'maxInFlight', 'output', 1, 64);
  if (!Array.isArray(doc.inputs) || doc.inputs.length === 0) {
    throw new ConfigError(`inputs must be a non-empty list, got ${show(doc.inputs)}`, {
      hint: 'for example: inputs: [{ type: file, paths: ["/var/log/*.log"] }]',
    });
  }
  const inputs = doc.inputs.map((v, i) => inputOf(v, `inputs[${i}]`));
  if (inputs.filter((i) => i.type === 'stdin').length > 1)
    throw new ConfigError('only one stdin input is possible');
  let registry: ShipperConfig['registry'];
  if (doc.registry !== undefined) {
    if (!isObj(doc.registry))
      throw new ConfigError(`registry must be a map with path, got ${show(doc.registry)}`);
    onlyKeys(doc.registry, 'registry', ['path']);
    registry = { path: str(doc.registry, 'path', 'registry', true) };
  }
  let metrics: ShipperConfig['metrics'];
  if (doc.metrics !== undefined) {
    if (!isObj(doc.metrics))
      throw new ConfigError(`metrics must be a map with address, got ${show(doc.metrics)}`);
    onlyKeys(doc.metrics, 'metrics', ['address']);
    metrics = { address: str(doc.metrics, 'address', 'metrics', true) };
  }
  const shipperId = str(doc, 'shipperId', '');
  const fields = fieldsOf(doc.fields, 'fields');
  const tags = tagsOf(doc.tags, 'tags');
  const maxLineBytes = optSize(doc, 'maxLineBytes', '', 16, 1024 ** 3);
  let queue: ShipperConfig['queue'];
  if (doc.queue !== undefined) {
    if (!isObj(doc.queue)) throw new ConfigError(`queue must be a map, got ${show(doc.queue)}`);
    onlyKeys(doc.queue, 'queue', ['maxEvents', 'maxBytes']);
    const maxEvents = int(doc.queue, 'maxEvents', 'queue', 1, 10_000_000);
    const maxBytes = optSize(doc.queue, 'maxBytes', 'queue', 1024, 8 * 1024 ** 3);
    queue = {
      ...(maxEvents !== undefined ? { maxEvents } : {}),
      ...(maxBytes !== undefined ? { maxBytes } : {}),
    };
  }
  return {
    output: {
      url,
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(batchBytes !== undefined ? { batchBytes } : {}),
      ...(lingerMs !== undefined ? { lingerMs } : {}),
      ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    },
    inputs,
    ...(registry ? { registry } : {}),
    ...(metrics ? { metrics } : {}),
    ...(shipperId ? { shipperId } : {}),
    ...(fields ? { fields } : {}),
    ...(tags ? { tags } : {}),
    ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
    ...(queue ? { queue } : {}),
  };
}

/** Reads and validates a YAML (or JSON) shipper config. Config keys are written like `config.key` in messages. */
export async function loadShipperConfig(path: string): Promise<ShipperConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'check the path given to --config',
      },
    );
  }
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = parsed.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new ConfigError(`${path}:${line}: not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  // ${VAR} and ${VAR:-default} in values (packages/core/src/env-substitution.ts).
  const substitutions = expandEnvInYaml(parsed, path, lineCounter);
  try {
    return validateShipperConfig(parsed.toJS());
  } catch (error) {
    if (error instanceof ConfigError) {
      throw maskSubstitutions(
        new ConfigError(`${path}: ${error.message}`, {
          cause: error,
          ...(error.hint ? { hint: error.hint } : {}),
        }),
        substitutions,
      );
    }
    throw error;
  }
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
  if (!catalog.names.includes(input.module)) {
    throw new ConfigError(
      `${key}.module must be one of ${catalog.names.join(', ')}, got ${show(input.module)}`,
      { hint: 'sluice modules lists them with what each reads' },
    );
  }
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
  const inputs = inputConfigs.map((c) => INPUT_FACTORIES[c.type](c, context));
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

export { QUEUE_DEFAULTS };

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
