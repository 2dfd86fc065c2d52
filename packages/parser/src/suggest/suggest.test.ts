import { ConfigError, getField } from '@sluice/core';
import { describe, expect, test } from 'vitest';
import { absorbIntoRest, align } from './align.js';
import { compileSuggestion, evaluate, suggestPipeline } from './index.js';
import { buildGrok } from './pattern.js';
import { classifyWord, tokenize } from './tokenize.js';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const now = () => NOW;

describe('tokenize', () => {
  test('recognises timestamps with the date formats that read them', () => {
    const cases: [string, string, string[]][] = [
      ['2026-12-04T10:00:00.123Z rest', 'iso8601', ['ISO8601']],
      ['2026-12-04 10:00:00,123 rest', 'iso8601', ['ISO8601']],
      [
        '2026-12-04 10:00:00.123 UTC rest',
        'iso_zone_name',
        ['yyyy-MM-dd HH:mm:ss.SSS z', 'yyyy-MM-dd HH:mm:ss z'],
      ],
      ['04/Dec/2026:10:00:00 +0000 rest', 'httpdate', ['dd/MMM/yyyy:HH:mm:ss Z']],
      ['04/Dec/2026:10:00:00.123 rest', 'clf_no_zone', ['dd/MMM/yyyy:HH:mm:ss.SSS', 'dd/MMM/yyyy:HH:mm:ss']],
      ['Dec  4 10:00:00 rest', 'rfc3164', ['MMM  d HH:mm:ss', 'MMM d HH:mm:ss', 'MMM dd HH:mm:ss']],
      ['04 Dec 2026 10:00:00.123 rest', 'day_month_year', ['d MMM yyyy HH:mm:ss.SSS', 'd MMM yyyy HH:mm:ss']],
      [
        '04-Dec-2026 10:00:00.123 rest',
        'day_month_year_dashed',
        ['d-MMM-yyyy HH:mm:ss.SSS', 'd-MMM-yyyy HH:mm:ss'],
      ],
      ['2026/12/04 10:00:00 rest', 'slashed', ['yyyy/MM/dd HH:mm:ss.SSS', 'yyyy/MM/dd HH:mm:ss']],
      ['I1204 10:00:00.123456 rest', 'glog', ['MMdd HH:mm:ss.SSSSSS']],
      ['1733306400.123 rest', 'epoch', ['UNIX']],
      ['1733306400123 rest', 'epoch_ms', ['UNIX_MS']],
    ];
    for (const [line, id, formats] of cases) {
      const first = tokenize(line)[0];
      expect(first?.kind, line).toBe('value');
      const stamp = first?.kind === 'value' ? first.stamp : undefined;
      expect(stamp?.id, line).toBe(id);
      expect(stamp?.formats([first?.text ?? '']), line).toEqual(formats);
    }
  });

  test('classifies words', () => {
    expect(classifyWord('10.0.0.1').value).toBe('ip');
    expect(classifyWord('10.0.0.1:8080').value).toBe('ipport');
    expect(classifyWord('2001:db8::1').value).toBe('ip');
    expect(classifyWord('10:00:00').value).toBe('word');
    expect(classifyWord('123e4567-e89b-12d3-a456-426614174000').value).toBe('uuid');
    expect(classifyWord('https://example.com/x?y=1').value).toBe('url');
    expect(classifyWord('/var/log/app.log').value).toBe('path');
    expect(classifyWord('42').value).toBe('int');
    expect(classifyWord('-1').value).toBe('int');
    expect(classifyWord('4.2').value).toBe('float');
    expect(classifyWord('WARN').value).toBe('level');
    expect(classifyWord('warning').value).toBe('level');
    expect(classifyWord('wArN').value).toBe('word');
    expect(classifyWord('GET').value).toBe('method');
    expect(classifyWord('0x1f').value).toBe('hex');
    expect(classifyWord('user=bob').value).toBe('kv');
    expect(classifyWord('org.example.Main').value).toBe('javaclass');
    expect(classifyWord('example.com').value).toBe('word');
  });

  test('cuts brackets, quotes and key="quoted value" as one token each; a group inside a word stays in it', () => {
    const tokens = tokenize(
      'app[12]: [INFO ] "GET / HTTP/1.1" msg="a b" Mozilla/5.0+(X11)+Gecko web/<NOSRV>',
    );
    expect(tokens.filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${t.text}`)).toEqual([
      'value:app',
      'group:[12]',
      'punct::',
      'group:[INFO ]',
      'quoted:"GET / HTTP/1.1"',
      'value:msg="a b"',
      'value:Mozilla/5.0+(X11)+Gecko',
      'value:web/<NOSRV>',
    ]);
  });
});

describe('align and buildGrok', () => {
  const grokOf = (lines: string[]) => {
    const alignment = align(
      lines.map((l) => tokenize(l)),
      { strict: false, rest: true },
    );
    if (alignment === undefined) throw new Error('no alignment');
    return buildGrok(absorbIntoRest(alignment.columns));
  };

  test('fixed literals where the lines agree, typed captures where they vary, the rest as message', () => {
    const grok = grokOf([
      'Dec  4 10:00:00 web1 sshd[123]: Accepted key for bob',
      'Dec  4 10:00:01 web2 cron[4567]: Failed password for alice from 10.0.0.1',
      'Dec 14 10:00:02 web1 sshd[89]: Connection closed',
    ]);
    expect(grok.pattern).toBe(
      String.raw`^(?<[timestamp]>%{SYSLOGTIMESTAMP}) (?<[host][hostname]>\S+?) (?<[process][name]>\S+?)\[\s*%{INT:[process][pid]:int}\s*\]: %{GREEDYDATA:[message]}$`,
    );
    expect(grok.timestamp).toEqual({
      field: 'timestamp',
      formats: ['MMM  d HH:mm:ss', 'MMM d HH:mm:ss', 'MMM dd HH:mm:ss'],
    });
  });

  test('an HTTP request line, its status and size get ECS names; a column with "-" is optional', () => {
    const grok = grokOf([
      '10.0.0.1 "GET /a HTTP/1.1" 200 512 -',
      '10.0.0.2 "POST /b HTTP/1.0" 404 - bob',
      '10.0.0.3 "GET /c HTTP/1.1" 500 17 carol',
    ]);
    expect(grok.pattern).toBe(
      String.raw`^%{IP:[source][ip]} "%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?" %{INT:[http][response][status_code]:int} (?:%{INT:[http][response][body][bytes]:int}|-) (?:(?<[word_1]>\S+)|-)$`,
    );
  });

  test('a word only some lines have before the level is optional', () => {
    const grok = grokOf([
      '[12] app@db LOG:  one',
      '[13] LOG:  two',
      '[14] app@shop ERROR:  three',
      '[15] FATAL:  four',
    ]);
    expect(grok.pattern).toContain(String.raw`(?:(?<[word_1]>\S+?)\s+)?(?<[log][level]>[A-Za-z]+[0-9]?):`);
  });

  test('a tail every line ends with stays out of the message', () => {
    const grok = grokOf([
      '[2026-12-04 10:00:00,001] INFO Started (kafka.server.KafkaServer)',
      '[2026-12-04 10:00:01,002] WARN Lost leadership of two partitions (kafka.cluster.Partition)',
      '[2026-12-04 10:00:02,003] INFO Shutting down now (kafka.server.KafkaServer)',
    ]);
    expect(grok.pattern).toBe(
      String.raw`^\[\s*(?<[timestamp]>%{TIMESTAMP_ISO8601})\s*\] %{LOGLEVEL:[log][level]} %{DATA:[message]}\s*\(\s*(?<[log][logger]>[^\)]+?)\s*\)$`,
    );
  });
});

describe('suggestPipeline', () => {
  test('proposes the module for formats Sluice has a module for', () => {
    const combined = Array.from(
      { length: 30 },
      (_, i) =>
        `10.0.${i}.1 - ${i % 3 === 0 ? 'bob' : '-'} [04/Dec/2026:10:00:${String(i).padStart(2, '0')} +0000] "GET /p/${i}?q=${i} HTTP/1.1" ${i % 5 === 0 ? 404 : 200} ${100 + i} "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
    );
    const web = suggestPipeline(combined, { now });
    expect(web.kind).toBe('module');
    expect(['nginx.access', 'apache.access']).toContain(web.module);
    expect(web.yaml).toContain(`- module: ${web.module}`);

    const apacheError = Array.from(
      { length: 30 },
      (_, i) =>
        `[Fri Dec 04 10:00:${String(i).padStart(2, '0')}.${String(i * 1000).padStart(6, '0')} 2026] [core:${i % 2 === 0 ? 'error' : 'warn'}] [pid ${100 + i}] [client 10.0.0.${i}:5${i}] AH00128: File does not exist: /var/www/${i}`,
    );
    const apache = suggestPipeline(apacheError, { now });
    expect(apache.module).toBe('apache.error');

    const messages = [
      'Starting Clean php session files...',
      'Started Daily apt upgrade and clean activities.',
      'Reached target Timers.',
      'Stopping User Manager for UID 1000...',
      '(root) CMD (run-parts /etc/cron.hourly)',
      'Listening on D-Bus System Message Bus Socket.',
      'Received SIGHUP; reloading.',
      'Finished Rotate log files.',
      'Created slice User Slice of UID 1000.',
      'Deactivated successfully.',
    ];
    const syslog = Array.from(
      { length: 30 },
      (_, i) =>
        `Dec  4 10:00:${String(i).padStart(2, '0')} host${i % 3} ${i % 2 === 0 ? 'cron' : 'systemd'}[${200 + i}]: ${messages[i % messages.length]}`,
    );
    const rfc3164 = suggestPipeline(syslog, { now });
    expect(rfc3164.module).toBe('syslog.rfc3164');
    expect(rfc3164.fit.rate).toBe(1);
  });

  test('proposes the json processor for JSON lines, with the timestamp and level fields it found', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `{"ts":"2026-12-04T10:00:${String(i).padStart(2, '0')}.5Z","level":"${i % 2 ? 'info' : 'error'}","msg":"m${i}","n":${i}}`,
    );
    const suggestion = suggestPipeline(lines, { now });
    expect(suggestion.kind).toBe('json');
    expect(suggestion.fit.rate).toBe(1);
    const event = compileSuggestion(suggestion.yaml, { now })({ message: lines[3] as string });
    expect(event).toMatchObject({
      '@timestamp': '2026-12-04T10:00:03.500Z',
      log: { level: 'info' },
      message: 'm3',
      n: 3,
    });
    expect(event).not.toHaveProperty('ts');
  });

  test('proposes kv for key=value lines; a line without the time key does not match', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `time=2026-12-04T10:00:${String(i).padStart(2, '0')}Z level=${i % 2 ? 'info' : 'warn'} msg="req ${i} done" user=u${i}`,
    );
    lines.push('level=info msg="no time here"');
    const suggestion = suggestPipeline(lines, { now });
    expect(suggestion.kind).toBe('kv');
    expect(suggestion.fit.matched).toBe(20);
    expect(suggestion.fit.misses[0]).toEqual({ index: 20, line: lines[20], why: '_grokparsefailure' });
    const event = compileSuggestion(suggestion.yaml, { now })({ message: lines[1] as string });
    expect(event).toMatchObject({
      '@timestamp': '2026-12-04T10:00:01.000Z',
      log: { level: 'info' },
      message: 'req 1 done',
      labels: { user: 'u1' },
    });
  });

  test('reports the match rate, the first misses and the field types measured by running the pipeline', () => {
    const lines = [
      '2026-12-04 10:00:00,100 INFO [main] Started in 12 ms',
      '2026-12-04 10:00:01,200 WARN [worker-1] Slow query: 1200 ms',
      'a stray line',
      '2026-12-04 10:00:02,300 ERROR [worker-2] Connection refused',
    ];
    const suggestion = suggestPipeline(lines, { now });
    const fit = evaluate(compileSuggestion(suggestion.yaml, { now }), lines, { now });
    expect(fit.matched).toBe(3);
    expect(fit.misses).toEqual([{ index: 2, line: 'a stray line', why: '_grokparsefailure' }]);
    expect(fit.fieldTypes.get('log.level')).toEqual(new Set(['string']));
    const event = fit.events[1];
    expect(event?.['@timestamp']).toBe('2026-12-04T10:00:01.200Z');
    expect(getField(event ?? {}, 'process.thread.name')).toBe('worker-1');
  });

  test('a hostile line (200,000 unclosed brackets) is not learnt from, only measured as a miss', () => {
    const lines = Array.from({ length: 5 }, (_, i) => `2026-12-04 10:00:0${i},000 INFO job ${i} done`);
    lines.push('['.repeat(200_000));
    const started = Date.now();
    const suggestion = suggestPipeline(lines, { now });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(suggestion.fit.matched).toBe(5);
    expect(suggestion.fit.misses.map((m) => m.index)).toEqual([5]);
  });

  test('an empty sample is a ConfigError (exit 2)', () => {
    expect(() => suggestPipeline(['', '  '])).toThrow(ConfigError);
    expect(() => suggestPipeline([])).toThrow('the sample has no lines to learn from');
  });
});
