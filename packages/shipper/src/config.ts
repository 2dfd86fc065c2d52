/**
 * The shipper's configuration, split by job: config/schema.ts (the declared YAML schema and the
 * types it reads into; it loads zod, so only config/load.ts imports it, on first use),
 * config/common.ts and common-schema.ts (pieces every input shares), config/load.ts (reading a
 * file through the core config reader), config/build.ts (inputs, registry and Shipper from a
 * config). Each input declares its own config, schema and factory in inputs/ (inputs/registry.ts).
 */
export { durationMs, parseDuration, parseSize, sizeBytes } from '@sluice/core';
export * from './config/build.js';
export type { CommonInput, JoiningInput } from './config/common.js';
export * from './config/load.js';
export type { OutputConfig, ShipperConfig } from './config/schema.js';
export type { FileInputConfig } from './inputs/file-kind.js';
export type { InputContext, InputKind } from './inputs/kind.js';
export { INPUT_KINDS, type InputConfig } from './inputs/registry.js';
export type { StdinInputConfig } from './inputs/stdin.js';
export type { SyslogInputConfig } from './inputs/syslog.js';
export type { TcpInputConfig } from './inputs/tcp.js';
export type { UdpInputConfig } from './inputs/udp.js';
export { QUEUE_DEFAULTS } from './queue.js';
