import { fileInputKind } from './file-kind.js';
import { stdinInputKind } from './stdin.js';
import { syslogInputKind } from './syslog.js';
import { tcpInputKind } from './tcp.js';
import { udpInputKind } from './udp.js';

/**
 * Every shipper input, one line each: a new input is one file in inputs/ (its config type,
 * schema and factory; see kind.ts) plus one entry here. The shipper YAML's `inputs:` schema,
 * the published JSON Schema and buildShipper are all derived from this list.
 */
export const INPUT_KINDS = [
  fileInputKind,
  stdinInputKind,
  tcpInputKind,
  udpInputKind,
  syslogInputKind,
] as const;

type KindConfig<K> = K extends { create(config: infer C, ...rest: never[]): unknown } ? C : never;
/** The config of any input, told apart by `type`. */
export type InputConfig = KindConfig<(typeof INPUT_KINDS)[number]>;
