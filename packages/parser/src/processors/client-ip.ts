import { BlockList, isIP } from 'node:net';
import { fieldPath, getField, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/**
 * Ranges that are not a client's own public address: private (RFC 1918, RFC 4193),
 * loopback, link-local, carrier-grade NAT (RFC 6598) and the unspecified addresses.
 */
export const NON_PUBLIC_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '0.0.0.0/8',
  '::1/128',
  '::/128',
  'fc00::/7',
  'fe80::/10',
];

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const CLIENT_IP_OPTIONS = ['field', 'target', 'skip'] as const;

/**
 * `client_ip`: picks the client's address out of a proxy chain (an X-Forwarded-For list
 * such as `10.0.0.2, 203.0.113.9, 10.0.0.1`): the first element, left to right, that is
 * not an IP address inside one of the `skip` ranges; when every element is inside them,
 * the first element. Host names and other non-IP elements are never skipped.
 *
 * Options:
 *   field   required: a list, or a string of elements separated by commas and/or spaces
 *           (surrounding double quotes are ignored)
 *   target  default "source.address"
 *   skip    CIDR ranges to pass over; default NON_PUBLIC_RANGES
 *
 * An absent field or an empty list writes nothing; this is not a failure.
 */
export const clientIp: ProcessorFactory = withOptions(CLIENT_IP_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, CLIENT_IP_OPTIONS);
  const source = fieldPath(o.requiredField('field'));
  const target = fieldPath(o.field('target', 'source.address'));
  const ranges = o.stringList('skip', { what: 'CIDR ranges such as "10.0.0.0/8"' }) ?? NON_PUBLIC_RANGES;
  const skip = new BlockList();
  for (const range of ranges) {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(range);
    const family = m ? isIP(m[1] as string) : 0;
    const prefix = m ? Number(m[2]) : -1;
    if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) {
      throw o.invalid('skip', 'a list of CIDR ranges such as ["10.0.0.0/8", "fc00::/7"]', range);
    }
    skip.addSubnet(m[1] as string, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  const skipped = (element: string): boolean => {
    const family = isIP(element);
    return family !== 0 && skip.check(element, family === 4 ? 'ipv4' : 'ipv6');
  };

  return {
    name: 'client_ip',
    apply(event) {
      const value = getField(event, source);
      const elements = Array.isArray(value)
        ? value.filter((v): v is string => typeof v === 'string' && v !== '')
        : typeof value === 'string'
          ? value.split(/[\s,"]+/).filter((v) => v !== '')
          : [];
      const first = elements[0];
      if (first === undefined) return event;
      setField(event, target, elements.find((e) => !skipped(e)) ?? first);
      return event;
    },
  };
});
