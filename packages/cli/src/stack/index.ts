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
export { type ProbeResult, probeElasticsearch } from './probe.js';
export {
  type Owner,
  type ServiceStatus,
  type StackOptions,
  type StackUpResult,
  type StopReport,
  stackDown,
  stackStatus,
  stackUp,
} from './stack.js';
