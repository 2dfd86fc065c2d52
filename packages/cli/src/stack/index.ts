/** The local stack: Elasticsearch and the native brokers started here, the machine's brokers checked. */
export {
  brokerOfService,
  ELASTICSEARCH_VERSION,
  ENV_VARS,
  isMachineService,
  KAFKA_VERSION,
  type ResolvedEndpoints,
  resolveEndpoints,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  type StackPaths,
  serviceLabel,
  stackPaths,
} from './config.js';
// The pieces a test that runs a private Elasticsearch or Kafka needs, beside the shared stack:
// the same download, Java, user and process-group handling `sluice stack` uses.
export { chownTree, elasticsearchHome, type RunAs, runAs } from './elasticsearch.js';
export { findJava, type JavaRuntime } from './java.js';
export { type ProbeResult, probeElasticsearch } from './probe.js';
export {
  groupAlive,
  type Listener,
  listenerOn,
  markedProcesses,
  type SpawnDetachedOptions,
  type StopResult,
  spawnDetached,
  stopGroup,
} from './process.js';
export type { Owner, ServiceStatus } from './services.js';
export {
  type StackOptions,
  type StackUpResult,
  type StopReport,
  stackDown,
  stackStatus,
  stackUp,
} from './stack.js';
