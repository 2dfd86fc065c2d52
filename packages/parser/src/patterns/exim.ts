import type { PatternFile } from './library.js';

/**
 * Logstash's `exim` file: Exim's main log, for message arrivals (`<=` lines), e.g.
 * `2014-06-09 10:22:51 1WtsNG-0001KC-2Z <= sender@example.com H=mail.example.com
 * (helo.example.com) [192.0.2.10]:52311 P=esmtps S=3127 id=msg@example.com T="Subject"
 * for rcpt@example.org` (https://www.exim.org/exim-html-current/doc/html/spec_html/ch-log_files.html).
 *
 * The named fields after the sender come in any order and unknown `X=value` fields are
 * skipped, as Exim adds fields with its log_selector.
 */
/**
 * The fields after the sender: Logstash writes `(?: (?:H=...|I=...|P=...|...))*`. Oniguruma
 * keeps what a capture inside a repetition matched in an earlier turn; a JavaScript RegExp
 * clears it at every turn, which would keep only the last field's capture. The repetition is
 * therefore written out, one optional copy per field (Exim writes about a dozen on an
 * arrival line), then the same repetition without captures for any further fields.
 */
const FIELD = String.raw` (?:%{EXIM_REMOTE_HOST}|%{EXIM_INTERFACE}|%{EXIM_PROTOCOL}|%{EXIM_MSG_SIZE}|%{EXIM_HEADER_ID}|%{EXIM_SUBJECT}|%{EXIM_UNKNOWN_FIELD})`;
const UNROLLED_FIELDS = 16;
const namedFields = `${`(?:${FIELD}`.repeat(UNROLLED_FIELDS)}${')?'.repeat(UNROLLED_FIELDS)}(?: (?:[A-Za-z0-9]{1,4}=(?:"(?:\\\\.|[^\\\\"])*"|\\S+)|H=[^ ]+(?: \\([^)]*\\))? \\[[^\\]]*\\]\\S*))*`;

export const eximPatterns: PatternFile = {
  name: 'exim',
  shared: {
    EXIM_MSGID: String.raw`[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}`,
    // Time on queue: 1y2w3d4h5m6s, every unit optional.
    EXIM_QT: String.raw`(?:(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?)`,
    EXIM_EXCLUDE_TERMS: String.raw`(?:Message is frozen|(?:Start|End) queue run| Warning: | retry time not reached | no (?:IP address|host name) found for (?:IP address|host) | unexpected disconnection while reading SMTP command | no immediate delivery: |another process is handling this message)`,
  },
  ecs: {
    // <= arrival, => delivery, -> additional address, *> suppressed by -N, ** bounced,
    // == deferred, <> bounce arrival, >> cutthrough.
    EXIM_FLAGS: String.raw`(?:<=|=>|->|\*>|\*\*|==|<>|>>)`,
    // The optional ":" is in Logstash's definition (it reads "(:?" where "(?:" was meant).
    EXIM_DATE: String.raw`(?::?%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{TIME})`,
    EXIM_PID: String.raw`\[%{POSINT:[process][pid]:int}\]`,
    EXIM_REMOTE_HOST: String.raw`(?:H=(?:%{NOTSPACE:[source][address]} )?(?:\(%{NOTSPACE:[exim][log][remote_address]}\) )?\[%{IP:[source][ip]}\](?::%{POSINT:[source][port]:int})?)`,
    EXIM_INTERFACE: String.raw`(?:I=\[%{IP:[destination][ip]}\](?::%{NUMBER:[destination][port]:int}))`,
    EXIM_PROTOCOL: String.raw`(?:P=%{NOTSPACE:[network][protocol]})`,
    EXIM_MSG_SIZE: String.raw`(?:S=%{NUMBER:[exim][log][message][size]:int})`,
    EXIM_HEADER_ID: String.raw`(?:id=%{NOTSPACE:[exim][log][header_id]})`,
    // Exim quotes the subject with backslash escapes for quotes inside it.
    EXIM_QUOTED_CONTENT: String.raw`(?:\\.|[^\\"])*`,
    EXIM_SUBJECT: String.raw`(?:T="%{EXIM_QUOTED_CONTENT:[exim][log][message][subject]}")`,
    EXIM_UNKNOWN_FIELD: String.raw`(?:[A-Za-z0-9]{1,4}=(?:%{QUOTEDSTRING}|%{NOTSPACE}))`,
    EXIM_NAMED_FIELDS: namedFields,
    // "from <address>" is the envelope sender when it differs from the From: header.
    EXIM_MESSAGE_ARRIVAL: String.raw`%{EXIM_DATE:timestamp} (?:%{EXIM_PID} )?%{EXIM_MSGID:[exim][log][message][id]} (?<[exim][log][flags]><=) (?<[exim][log][status]>[a-z:] )?%{EMAILADDRESS:[exim][log][sender][email]}%{EXIM_NAMED_FIELDS}(?:(?: from <?%{DATA:[exim][log][sender][original]}>?)? for %{EMAILADDRESS:[exim][log][recipient][email]})?`,
    EXIM: String.raw`%{EXIM_MESSAGE_ARRIVAL}`,
  },
  legacy: {
    EXIM_FLAGS: String.raw`(?:<=|[-=>*]>|[*]{2}|==)`,
    EXIM_DATE: String.raw`%{YEAR:exim_year}-%{MONTHNUM:exim_month}-%{MONTHDAY:exim_day} %{TIME:exim_time}`,
    EXIM_PID: String.raw`\[%{POSINT:pid}\]`,
    EXIM_REMOTE_HOST: String.raw`(?:H=(?:%{NOTSPACE:remote_hostname} )?(?:\(%{NOTSPACE:remote_heloname}\) )?\[%{IP:remote_host}\])(?::%{POSINT:remote_port})?`,
    EXIM_INTERFACE: String.raw`(?:I=\[%{IP:exim_interface}\](?::%{NUMBER:exim_interface_port}))`,
    EXIM_PROTOCOL: String.raw`(?:P=%{NOTSPACE:protocol})`,
    EXIM_MSG_SIZE: String.raw`(?:S=%{NUMBER:exim_msg_size})`,
    EXIM_HEADER_ID: String.raw`(?:id=%{NOTSPACE:exim_header_id})`,
    EXIM_SUBJECT: String.raw`(?:T=%{QS:exim_subject})`,
    EXIM_UNKNOWN_FIELD: String.raw`(?:[A-Za-z]{1,4}=%{NOTSPACE})`,
    EXIM_NAMED_FIELDS: namedFields,
    EXIM_MESSAGE_ARRIVAL: String.raw`%{EXIM_DATE:timestamp} (?:%{EXIM_PID} )?%{EXIM_MSGID:exim_msgid} (?<exim_flags><=) (?:%{EXIM_FLAGS:exim_flags} )?(?<exim_status>[a-z:] )?%{EMAILADDRESS:exim_sender_email}%{EXIM_NAMED_FIELDS}(?: for %{EMAILADDRESS:exim_recipient_email})?`,
    EXIM: String.raw`%{EXIM_MESSAGE_ARRIVAL}`,
  },
};
