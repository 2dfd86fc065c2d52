import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { asBrokerError } from './admin.js';

/**
 * kafkajs hands errors back wrapped (a bailed retry in KafkaJSNonRetriableError, exhausted
 * retries in KafkaJSNumberOfRetriesExceeded), so the mapping looks through the wrappers.
 * test/brokers/kafka-security.test.ts shows the same against a live SASL_SSL broker.
 */
// kafkajs's typings declare fewer constructor parameters than the classes take.
type Make = new (e: Error | string, options?: object) => Error;
const [Sasl, NonRetriable, RetriesExceeded, ConnectionError] = [
  KafkaJSSASLAuthenticationError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSConnectionError,
] as unknown as Make[] as [Make, Make, Make, Make];

describe('asBrokerError', () => {
  it('a refused SASL login, even wrapped, is not retriable, exits 2 and says what to check', () => {
    const sasl = new Sasl('SASL PLAIN authentication failed: bad password');
    // As kafkajs's retrier wraps an error it bails on.
    const e = asBrokerError(new NonRetriable(sasl, { cause: sasl }), 'cannot connect');
    expect(e).toMatchObject({ retriable: false, exitCode: 2 });
    expect(e.hint).toContain('check the SASL username, password and mechanism');
  });

  it('an untrusted certificate behind exhausted retries is not retriable and names ?ca=', () => {
    const tls = new ConnectionError('Connection error: self-signed certificate in certificate chain', {
      broker: '127.0.0.1:9094',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const e = asBrokerError(new RetriesExceeded(tls, { retryCount: 8, retryTime: 5000 }), 'cannot connect');
    expect(e).toMatchObject({ retriable: false, exitCode: 2 });
    expect(e.message).toBe('cannot connect: Connection error: self-signed certificate in certificate chain');
    expect(e.hint).toContain('pass its CA with ?ca=');
  });

  it('a broker that is not there stays a retriable outage with the default exit code', () => {
    const refused = new ConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1', {
      broker: '127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
    expect(asBrokerError(refused, 'cannot connect')).toMatchObject({ retriable: true, exitCode: 1 });
  });
});
