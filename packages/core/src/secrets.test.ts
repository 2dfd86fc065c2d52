import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './secrets.js';

const MARK = 'S3CR3TMARK';

describe('redactUrl and redactText never let a password through, however the URL is written', () => {
  const cases: Array<[string, string]> = [
    [`amqp://guest:${MARK}@127.0.0.1:5672/q`, 'amqp://guest:***@127.0.0.1:5672/q'],
    [`user:${MARK}@127.0.0.1:6379/x`, 'user:***@127.0.0.1:6379/x'],
    [`redis://u:${MARK}/PW@127.0.0.1:6379/l`, 'redis://u:***@127.0.0.1:6379/l'],
    [`redis://u:${MARK}@x@127.0.0.1:6379/l`, 'redis://u:***@127.0.0.1:6379/l'],
    [`redis://u:a?${MARK}#x@127.0.0.1:6379/l`, 'redis://u:***@127.0.0.1:6379/l'],
    [`redis://${MARK}@127.0.0.1:6379/l`, 'redis://***@127.0.0.1:6379/l'],
    [`redis://127.0.0.1:6379/l?password=${MARK}`, 'redis://127.0.0.1:6379/l?password=***'],
    [
      `redis://127.0.0.1:6379/l?db=1&sasl_password=${MARK}&x=1`,
      'redis://127.0.0.1:6379/l?db=1&sasl_password=***&x=1',
    ],
    [`kafka://h:9092/t?token=${MARK}`, 'kafka://h:9092/t?token=***'],
    ['redis://127.0.0.1:6379/l?db=2', 'redis://127.0.0.1:6379/l?db=2'],
    ['kafka://127.0.0.1:9092/logs?sasl=plain', 'kafka://127.0.0.1:9092/logs?sasl=plain'],
  ];
  for (const [url, shown] of cases) {
    it(url.replace(MARK, 'MARK'), () => {
      expect(redactUrl(url)).toBe(shown);
      expect(redactText(`could not connect to "${url}": refused`)).toBe(
        `could not connect to "${shown}": refused`,
      );
    });
  }

  it('leaves text without credentials alone', () => {
    expect(redactText('127.0.0.1:9200 answered 200 in 3 ms')).toBe('127.0.0.1:9200 answered 200 in 3 ms');
    expect(redactText('sent 3 records to kafka://127.0.0.1:9092/logs')).toBe(
      'sent 3 records to kafka://127.0.0.1:9092/logs',
    );
  });
});
