import { describe, expect, it } from 'vitest';
import { counter, disableMetrics, histogram, metricsRegistry } from './metrics.js';

// Its own file: disableMetrics is for the whole process (vitest runs each file in its own fork).
describe('disableMetrics', () => {
  it('keeps metrics declared before it and hands out ones that record nothing after it', async () => {
    const before = counter({ name: 'sluice_test_before_total', help: 'declared before' });
    before.inc(2);
    disableMetrics();
    const after = counter<'input'>({
      name: 'sluice_test_after_total',
      help: 'declared after',
      labelNames: ['input'],
    });
    after.inc({ input: 'file' }, 3);
    after.labels({ input: 'file' }).inc();
    histogram({ name: 'sluice_test_after_seconds', help: 'declared after' }).observe(1);
    expect(metricsRegistry.getSingleMetric('sluice_test_after_total')).toBeUndefined();
    expect(await metricsRegistry.metrics()).toContain('sluice_test_before_total 2');
  });
});
