import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

/**
 * A loopback HTTP proxy in front of a real Elasticsearch that can refuse bulk work the
 * way a loaded or locked-down cluster does. Everything else passes through unchanged.
 * Bounded: bodies are read fully, one request at a time per connection, and the only
 * state is a map of document ids seen (the ids of one test).
 */
export interface BulkFault {
  /** Answer the whole bulk request with this instead of forwarding it; status 0 resets the connection (Elasticsearch down). */
  readonly rejectRequest?: (n: number, body: string) => { status: number; body?: unknown } | undefined;
  /**
   * Refuse single items: return a status + error for an item (by its `_id` and how often
   * this id was seen), which is then not forwarded; the rest are forwarded and the
   * answers merged in order.
   */
  readonly rejectItem?: (
    id: string,
    seen: number,
  ) => { status: number; error: { type: string; reason: string } } | undefined;
}

export interface EsProxy {
  readonly url: string;
  readonly bulkRequests: number;
  readonly rejectedRequests: number;
  readonly rejectedItems: number;
  /** Content-Encoding of the last bulk request, if any. */
  readonly lastBulkEncoding: string | undefined;
  setFault(fault: BulkFault): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
  res.end(text);
}

export async function startEsProxy(elasticsearchUrl: string, initial: BulkFault = {}): Promise<EsProxy> {
  const target = new URL(elasticsearchUrl);
  let fault = initial;
  let bulkRequests = 0;
  let rejectedRequests = 0;
  let rejectedItems = 0;
  let lastBulkEncoding: string | undefined;
  const seen = new Map<string, number>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const isBulk = req.method === 'POST' && /^\/(?:[^/]+\/)?_bulk(?:\?|$)/.test(req.url ?? '');
      if (!isBulk) {
        const answer = await forward(target, req, body);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
      const n = bulkRequests++;
      lastBulkEncoding = req.headers['content-encoding'];
      const whole = fault.rejectRequest?.(n, body.toString('utf8'));
      if (whole) {
        rejectedRequests++;
        if (whole.status === 0) req.socket.destroy();
        else send(res, whole.status, whole.body);
        return;
      }
      if (!fault.rejectItem) {
        const answer = await forward(target, req, body);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
      // Split into (action, source) pairs, refuse some, forward the rest, merge in order.
      const lines = body.toString('utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const merged: Array<Record<string, unknown> | undefined> = [];
      let forwarded = '';
      for (let i = 0; i < lines.length; i += 2) {
        const action = JSON.parse(lines[i] as string) as { create: { _index: string; _id: string } };
        const id = action.create._id;
        const count = (seen.get(id) ?? 0) + 1;
        seen.set(id, count);
        const refuse = fault.rejectItem(id, count);
        if (refuse) {
          rejectedItems++;
          merged.push({
            create: { _index: action.create._index, _id: id, status: refuse.status, error: refuse.error },
          });
        } else {
          merged.push(undefined);
          forwarded += `${lines[i]}\n${lines[i + 1]}\n`;
        }
      }
      let items: Array<Record<string, unknown>> = [];
      if (forwarded) {
        const answer = await forward(target, req, Buffer.from(forwarded));
        const parsed = JSON.parse(answer.body.toString('utf8')) as { items?: Array<Record<string, unknown>> };
        if (answer.status !== 200 || !parsed.items) {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        }
        items = parsed.items;
      }
      let k = 0;
      const all = merged.map((m) => m ?? (items[k++] as Record<string, unknown>));
      send(res, 200, { errors: true, took: 1, items: all });
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get bulkRequests() {
      return bulkRequests;
    },
    get rejectedRequests() {
      return rejectedRequests;
    },
    get rejectedItems() {
      return rejectedItems;
    },
    get lastBulkEncoding() {
      return lastBulkEncoding;
    },
    setFault(next) {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
