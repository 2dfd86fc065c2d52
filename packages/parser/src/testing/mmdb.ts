/**
 * Writes small MaxMind DB (.mmdb) files for tests, so the geoip processor's reader path is
 * tested on real files without downloading a database. Follows the published MaxMind DB
 * format, version 2.0: an IPv4 binary search tree with 24-bit records, a 16-byte separator,
 * the data section, then the metadata after its marker. Only the data types the geoip
 * processor reads are encoded (maps, strings, doubles, unsigned integers, arrays).
 */
import { writeFileSync } from 'node:fs';

export type MmdbValue =
  | string
  | number
  | boolean
  | readonly MmdbValue[]
  | { readonly [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** `A.B.C.D/LEN`. */
  readonly cidr: string;
  readonly data: { readonly [key: string]: MmdbValue };
}

const RECORD_BITS = 24;

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const first = (extended ? 0 : type) << 5;
  let head: Buffer;
  if (size < 29) head = Buffer.from([first | size]);
  else if (size < 29 + 256) head = Buffer.from([first | 29, size - 29]);
  else if (size < 285 + 65536) head = Buffer.from([first | 30, (size - 285) >> 8, (size - 285) & 0xff]);
  else throw new Error('value too large for this test writer');
  if (!extended) return head;
  return Buffer.concat([head.subarray(0, 1), Buffer.from([type - 7]), head.subarray(1)]);
}

function unsigned(type: number, value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return unsigned(6, value);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([control(11, value.length), ...value.map((v: MmdbValue) => encodeValue(v))]);
  }
  const entries = Object.entries(value as { [key: string]: MmdbValue });
  return Buffer.concat([
    control(7, entries.length),
    ...entries.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)]),
  ]);
}

interface TrieNode {
  children: [TrieNode | number | undefined, TrieNode | number | undefined];
}

function ipv4Bits(cidr: string): boolean[] {
  const [address, length] = cidr.split('/') as [string, string];
  const value = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  return Array.from({ length: Number(length) }, (_, i) => Math.floor(value / 2 ** (31 - i)) % 2 === 1);
}

/** The bytes of an IPv4 .mmdb holding `networks` (which must not overlap). */
export function buildMmdb(databaseType: string, networks: readonly MmdbNetwork[]): Buffer {
  const data: Buffer[] = [];
  let dataLength = 0;
  const root: TrieNode = { children: [undefined, undefined] };
  for (const network of networks) {
    const offset = dataLength;
    const encoded = encodeValue(network.data);
    data.push(encoded);
    dataLength += encoded.length;
    const bits = ipv4Bits(network.cidr);
    let node = root;
    bits.forEach((bit, i) => {
      const side = bit ? 1 : 0;
      if (i === bits.length - 1) {
        node.children[side] = -(offset + 1); // data, resolved once the node count is known
        return;
      }
      let next = node.children[side];
      if (typeof next !== 'object') {
        next = { children: [undefined, undefined] };
        node.children[side] = next;
      }
      node = next;
    });
  }
  // Number the nodes breadth first; records hold a node number, node_count (no data) or a data pointer.
  const nodes: TrieNode[] = [];
  const queue: TrieNode[] = [root];
  while (queue.length > 0) {
    const node = queue.shift() as TrieNode;
    nodes.push(node);
    for (const child of node.children) if (typeof child === 'object') queue.push(child);
  }
  const index = new Map(nodes.map((n, i) => [n, i]));
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((node, i) => {
    node.children.forEach((child, side) => {
      let record = nodeCount;
      if (typeof child === 'object') record = index.get(child) as number;
      else if (typeof child === 'number') record = nodeCount + 16 + (-child - 1);
      tree.writeUIntBE(record, i * 6 + side * 3, RECORD_BITS / 8);
    });
  });
  const metadata = encodeValue({
    node_count: nodeCount,
    record_size: RECORD_BITS,
    ip_version: 4,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    description: { en: 'Sluice test database' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...data,
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com'),
    metadata,
  ]);
}

export function writeMmdb(path: string, databaseType: string, networks: readonly MmdbNetwork[]): void {
  writeFileSync(path, buildMmdb(databaseType, networks));
}
