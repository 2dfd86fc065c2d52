import type { ProcessorSpec } from '../pipeline/compile.js';

/**
 * The steps every module ends with: the parsed `timestamp` becomes `@timestamp` (the date
 * processor), and is removed only when it was understood, so a date no format fits stays
 * visible next to its `_dateparsefailure` tag. `event.module` / `event.dataset` say which
 * module parsed the event, as Filebeat modules do.
 */
export function finish(dataset: string, formats: readonly string[], timezone?: string): ProcessorSpec[] {
  const [module] = dataset.split('.');
  return [
    {
      date: { field: 'timestamp', formats: [...formats], ...(timezone === undefined ? {} : { timezone }) },
      if: { exists: 'timestamp' },
    },
    { mutate: { remove: ['timestamp'] }, if: { not: { tag: '_dateparsefailure' } } },
    { mutate: { add: { 'event.module': module as string, 'event.dataset': dataset } } },
  ];
}

/**
 * `source.address` is what the log wrote (an IP or a host name); ECS wants `source.ip` as
 * well when it is an address, so that IP aggregations, ranges and geoip work on it.
 */
export const sourceIp: ProcessorSpec = {
  mutate: { copy: { 'source.address': 'source.ip' } },
  if: {
    field: 'source.address',
    matches: '^(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$',
  },
};

/** `event.kind: event` and the host in `related.hosts`, as Filebeat's system module sets them. */
export const relatedHost: ProcessorSpec[] = [
  { mutate: { add: { 'event.kind': 'event' } } },
  { mutate: { append: { 'related.hosts': '%{[host][hostname]}' } }, if: { exists: 'host.hostname' } },
];
