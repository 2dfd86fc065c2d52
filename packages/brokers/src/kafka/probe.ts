import { Kafka, logLevel } from 'kafkajs';
import type { ProbeResult } from '../descriptor.js';

/**
 * Cluster metadata through the admin client: brokers are registered and the controller is
 * known. A port that accepts connections is not enough: Kafka accepts before its controller
 * is ready.
 */
export async function probeKafka(brokers: readonly string[], timeoutMs = 3000): Promise<ProbeResult> {
  const kafka = new Kafka({
    clientId: 'sluice-stack-probe',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return {
      ok: cluster.brokers.length > 0,
      detail: `${cluster.brokers.length} broker(s), controller ${cluster.controller}`,
    };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
