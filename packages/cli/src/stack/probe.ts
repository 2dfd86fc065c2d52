import { connect as connectTcp } from 'node:net';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';

/**
 * One question per service, asked with its real client: does it answer a request that only a
 * working server answers? A port that accepts connections is not enough (Kafka accepts before
 * its controller is ready; Elasticsearch answers before the cluster is yellow).
 */
export interface ProbeResult {
  readonly ok: boolean;
  /** What was learnt: version, cluster state, or why it failed. Never contains credentials. */
  readonly detail: string;
}

const failed = (error: unknown): ProbeResult => ({
  ok: false,
  detail: error instanceof Error ? error.message : String(error),
});

export function portOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Cluster metadata through the admin client: brokers are registered and the controller is known. */
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
    return failed(error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Cluster health is at least yellow (a single node never allocates replicas, so yellow is
 * as good as it gets). Credentials in the URL become a Basic header, since fetch refuses them.
 */
export async function probeElasticsearch(url: string, timeoutMs = 3000): Promise<ProbeResult> {
  try {
    const target = new URL('/_cluster/health?wait_for_status=yellow&timeout=1s', url);
    const headers: Record<string, string> = {};
    if (target.username || target.password) {
      const user = decodeURIComponent(target.username);
      const pass = decodeURIComponent(target.password);
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      target.username = '';
      target.password = '';
    }
    const response = await fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ok: false, detail: `HTTP ${response.status}` };
    const body = (await response.json()) as { status?: string; number_of_nodes?: number };
    const ok = body.status === 'yellow' || body.status === 'green';
    return { ok, detail: `cluster ${body.status ?? 'unknown'}, ${body.number_of_nodes ?? 0} node(s)` };
  } catch (error) {
    return failed(error);
  }
}

export async function probeRedis(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() only says "Connection is closed"; the reason (ECONNREFUSED, auth) comes as an event.
  let reason: unknown;
  client.on('error', (error) => {
    reason ??= error;
  });
  try {
    await client.connect();
    const pong = await client.ping();
    return { ok: pong === 'PONG', detail: pong };
  } catch (error) {
    return failed(reason ?? error);
  } finally {
    client.disconnect();
  }
}

export async function probeAmqp(url: string, timeoutMs = 3000): Promise<ProbeResult> {
  try {
    const connection = await amqp.connect(url, { timeout: timeoutMs });
    connection.on('error', () => undefined);
    const product = connection.connection.serverProperties?.product;
    const version = connection.connection.serverProperties?.version;
    await connection.close();
    return { ok: true, detail: [product, version].filter(Boolean).join(' ') || 'connected' };
  } catch (error) {
    return failed(error);
  }
}
