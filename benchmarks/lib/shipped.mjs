/**
 * The fields a Sluice shipper puts on a line it read from `path` at byte `offset` (a file
 * input, host web-1, agent "bench"): what a worker finds on real shipped records, for the
 * benchmarks that build records without a shipper.
 */
export function shipperFields(path, shippedAt, offset) {
  return {
    'host.name': 'web-1',
    'agent.id': 'bench',
    'agent.type': 'sluice',
    'log.file.path': path,
    'event.created': new Date(shippedAt).toISOString(),
    'log.offset': offset,
  };
}
