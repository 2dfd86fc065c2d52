/** The local stack: Kafka and Elasticsearch started natively, Redis and RabbitMQ checked. */
export {
  DEFAULT_ENDPOINTS,
  ELASTICSEARCH_VERSION,
  ENV_VARS,
  KAFKA_VERSION,
  type ResolvedEndpoints,
  resolveEndpoints,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  type StackPaths,
  stackPaths,
} from './config.js';
export { type ProbeResult, probeAmqp, probeElasticsearch, probeKafka, probeRedis } from './probe.js';
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
