import { describe, expect, it } from 'vitest';
import { brokerHelp, isBrokerUrl } from './help.js';
import { BROKERS } from './registry.js';

describe('brokerHelp', () => {
  it('lists every registered backend, in registry order', () => {
    const urls = brokerHelp.urls();
    let last = -1;
    for (const d of BROKERS) {
      const at = urls.indexOf(d.help.usage);
      expect(at, d.kind).toBeGreaterThan(last);
      last = at;
      expect(brokerHelp.labels()).toContain(d.label);
      expect(brokerHelp.lag()).toContain(`${d.label}: ${d.help.lag}`);
    }
  });

  it('groups backends by what --group means for them', () => {
    expect(brokerHelp.group()).toBe(
      'consumer group (Kafka, Redis Streams) / consumer name prefix (Redis, RabbitMQ)',
    );
  });

  it('tells broker URLs from index names by the registered schemes', () => {
    for (const scheme of brokerHelp.schemes()) expect(isBrokerUrl(`${scheme.toUpperCase()}//h/x`)).toBe(true);
    expect(isBrokerUrl('sluice-dlq-%{+yyyy.MM.dd}')).toBe(false);
    expect(isBrokerUrl('nats://h/x')).toBe(false);
  });
});
