import { connect as connectTcp } from 'node:net';
import type { ProbeResult } from '@sluice/brokers';

/**
 * One question per service, asked with its real client: does it answer a request that only a
 * working server answers? A port that accepts connections is not enough (Elasticsearch answers
 * before the cluster is yellow). Brokers' probes are their descriptors' `local.probe`.
 */
export type { ProbeResult };

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
