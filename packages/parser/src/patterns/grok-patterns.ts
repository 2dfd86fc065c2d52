import type { PatternFile } from './library.js';

/**
 * Logstash's core file, `grok-patterns`: the primitives every other file builds on, in both
 * naming modes. Users paste `%{IP}`, `%{TIMESTAMP_ISO8601}` or `%{SYSLOGBASE}` from Logstash
 * configurations and expect the same match, so each definition reproduces Logstash's
 * behaviour, quirks included: an unanchored search, the first alternative that matches
 * wins, and no implicit word boundary where Logstash has none (`%{INT}` finds the `12` in
 * `x12`, `%{TIME}` needs seconds, `%{IPV4}` finds `1.2.3.4` in `1.2.3.4.5`).
 *
 * Where Logstash relies on an atomic group (BASE10NUM, QUOTEDSTRING, WINPATH) the same
 * atomicity is kept, because it decides what a composite pattern can match after it.
 * Oniguruma's nested `(X+)+` shapes are written as the single repetition they are
 * equivalent to, so no definition here backtracks exponentially.
 */

// One IPv4 octet as Logstash orders the alternatives: up to three digits starting 0 or 1
// first, so "256" is no octet and "1.2.3.4" is found inside "1.2.3.4.5".
const OCTET = String.raw`(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])`;
// The dotted quad inside IPv6 (RFC 4291 section 2.2, form 3) is written without the digit
// guards of IPV4, as Logstash does.
const V4_IN_V6 = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
const H16 = '[0-9A-Fa-f]{1,4}';

/**
 * IPv6 in RFC 4291's three text forms, tried by the number of leading groups before a
 * "::" (7 down to 0), each followed by: the remaining groups, a dotted quad, or the "::"
 * itself. The order matters: it decides which prefix an unanchored search settles on
 * (`1:2:3:4:5:6:7:8:9` gives `1:2:3:4:5:6:7:8`). A zone id (`%eth0`) takes the rest of
 * the line, as in Logstash.
 */
function ipv6(): string {
  const alternatives: string[] = [`(?:${H16}:){7}(?:${H16}|:)`, `(?:${H16}:){6}(?::${H16}|${V4_IN_V6}|:)`];
  for (let leading = 5; leading >= 0; leading--) {
    const head = leading === 0 ? ':' : `(?:${H16}:){${leading}}`;
    alternatives.push(`${head}(?:(?::${H16}){1,${7 - leading}}|(?::${H16}){0,${5 - leading}}:${V4_IN_V6}|:)`);
  }
  return `(?:${alternatives.map((a) => `(?:${a})`).join('|')})(?:%.+)?`;
}

/**
 * A search restarts at every offset. Where a pattern begins with a repetition that must
 * run to the end of a token before anything can follow, every later start inside that
 * token reaches the same end and the same continuation, so only the first start can be
 * the match Logstash finds first: guards like this one skip the others. The result is
 * unchanged and a failing search on a long token stays linear instead of quadratic.
 * Here: a URI starts at the first letter of a run of scheme characters (a pattern that
 * puts a letter and "+", "-", "." or digits right before %{URI} is the exception).
 */
const SCHEME_START = '(?<![A-Za-z][0-9+.-]*)';

/**
 * Letters and digits beyond ASCII, for Oniguruma's Unicode-aware [[:alnum:]]: Latin-1 and
 * extended Latin, Greek, Cyrillic and the other alphabetic blocks up to U+1FFF, and CJK,
 * leaving out the punctuation, symbol and space blocks in between.
 */
const UNICODE_ALNUM =
  '\\u00AA\\u00B5\\u00BA\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u1FFF\\u3040-\\uD7FF\\uF900-\\uFDCF\\uFE70-\\uFEFE';

const EMAIL_ATOM = "[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]";

const shared: Record<string, string> = {
  USERNAME: '[a-zA-Z0-9._-]+',
  USER: '%{USERNAME}',
  EMAILADDRESS: '%{EMAILLOCALPART}@%{HOSTNAME}',
  // No boundary: "x12" contains an INT.
  INT: '(?:[+-]?[0-9]+)',
  // Atomic as in Logstash: "1.5" is one number, never "1" followed by ".5".
  BASE10NUM: String.raw`(?<![0-9.+-])(?>[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))`,
  NUMBER: '(?:%{BASE10NUM})',
  BASE16NUM: '(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?[0-9A-Fa-f]+)',
  BASE16FLOAT: String.raw`\b(?<![0-9A-Fa-f.])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+))\b`,
  POSINT: String.raw`\b[1-9][0-9]*\b`,
  NONNEGINT: String.raw`\b[0-9]+\b`,
  WORD: String.raw`\b\w+\b`,
  NOTSPACE: String.raw`\S+`,
  SPACE: String.raw`\s*`,
  DATA: '.*?',
  GREEDYDATA: '.*',
  // Double, single or back quotes with backslash escapes, not opened right after a
  // backslash; "unrolled" so the content is read once and only the first closing quote
  // ends it (what Logstash's atomic groups guarantee).
  QUOTEDSTRING:
    String.raw`(?<!\\)(?:"(?!")[^"\\]*(?:\\.[^"\\]*)*"|""|'(?!')[^'\\]*(?:\\.[^'\\]*)*'|''|` +
    '`(?!`)[^`\\\\]*(?:\\\\.[^`\\\\]*)*`|``)',
  QS: '%{QUOTEDSTRING}',
  UUID: '[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}',
  // RFC 2141 URNs, with the reserved characters of its section 2.3.
  URN: "urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+",

  MAC: '(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})',
  CISCOMAC: String.raw`(?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4})`,
  WINDOWSMAC: '(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})',
  COMMONMAC: '(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})',
  IPV6: ipv6(),
  IPV4: String.raw`(?<![0-9])(?:${OCTET}\.){3}${OCTET}(?![0-9])`,
  // IPv6 first, as Logstash tries it.
  IP: '(?:%{IPV6}|%{IPV4})',
  // RFC 1123 labels of up to 63 characters; no underscore. DNS allows at most 127 labels;
  // the bound (Logstash has none) keeps a search on a long dotted line linear instead of
  // rescanning the whole run from every label.
  HOSTNAME: String.raw`\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\.[0-9A-Za-z][0-9A-Za-z-]{0,62}){0,126}(?:\.?|\b)`,
  IPORHOST: '(?:%{IP}|%{HOSTNAME})',
  HOSTPORT: '%{IPORHOST}:%{POSINT}',

  // Absolute paths only.
  PATH: '(?:%{UNIXPATH}|%{WINPATH})',
  // Logstash's [[:alnum:]] is Unicode-aware ("/home/josé"): letters of other scripts count.
  UNIXPATH: `(?:/[A-Za-z0-9${UNICODE_ALNUM}_%!$@:.,+~-]*)+`,
  TTY: String.raw`(?:/dev/(?:pts|tty[pq]?)(?:\w+)?/?[0-9]+)`,
  // A drive ("C:", or any letters and a colon) or a UNC start, then backslash segments
  // that may hold spaces.
  WINPATH: String.raw`(?>[A-Za-z]+:|\\)(?:\\[^\\?*]*)+`,
  // At least two characters, as in Logstash.
  URIPROTO: String.raw`[A-Za-z][A-Za-z0-9+\-.]+`,
  // Loosely RFC 1738: the characters browsers leave unescaped.
  URIPATH: String.raw`(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+`,

  // English and German month names (Mär, März, Mai, Okt, Dez).
  MONTH: String.raw`\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b`,
  MONTHNUM: '(?:0?[1-9]|1[0-2])',
  MONTHNUM2: '(?:0[1-9]|1[0-2])',
  MONTHDAY: '(?:0[1-9]|[12][0-9]|3[01]|[1-9])',
  DAY: '(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)',
  YEAR: String.raw`(?:\d\d){1,2}`,
  HOUR: '(?:2[0123]|[01]?[0-9])',
  MINUTE: '(?:[0-5][0-9])',
  // 60 is a leap second; the fraction may follow a dot, a comma (log4j) or a colon.
  SECOND: '(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)',
  // Seconds are required; Logstash's guard before the hour is a no-op, kept as such.
  TIME: '%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])',
  DATE_US: '%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}',
  DATE_EU: '%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}',
  ISO8601_TIMEZONE: '(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))',
  ISO8601_SECOND: '%{SECOND}',
  TIMESTAMP_ISO8601:
    '%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?',
  TIMESTAMP_CN: String.raw`%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND}\.\d{3}`,
  DATE: '%{DATE_US}|%{DATE_EU}',
  DATESTAMP: '%{DATE}[- ]%{TIME}',
  TZ: '(?:[APMCE][SD]T|UTC)',
  DATESTAMP_RFC822: '%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}',
  DATESTAMP_RFC2822: '%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}',
  DATESTAMP_OTHER: '%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}',
  DATESTAMP_EVENTLOG: '%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}',

  // BSD syslog: "Oct  1 09:12:03", the day padded with spaces.
  SYSLOGTIMESTAMP: '%{MONTH} +%{MONTHDAY} %{TIME}',
  // Printable ASCII except "[" and "]"; a colon is allowed (backtracking finds the tag's).
  PROG: String.raw`[\x21-\x5a\x5c\x5e-\x7e]+`,
  SYSLOGHOST: '%{IPORHOST}',
  // Common Log Format: 10/Oct/2000:13:55:36 -0700
  HTTPDATE: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}',

  // No word boundary, as in Logstash: "Information", "warn", "ERR", "crit" and the start
  // of longer words all count.
  LOGLEVEL:
    '(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)',
};

export const grokPatterns: PatternFile = {
  name: 'grok-patterns',
  shared,
  ecs: {
    // RFC 5322 dot-atoms: up to 64 characters, then dot-separated atoms.
    EMAILLOCALPART: `${EMAIL_ATOM}{1,64}(?:\\.${EMAIL_ATOM}{1,62}){0,63}`,
    URIHOST: '%{IPORHOST}(?::%{POSINT})?',
    URIQUERY: String.raw`[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*`,
    URIPARAM: String.raw`\?%{URIQUERY}`,
    URIPATHPARAM: String.raw`%{URIPATH}(?:\?%{URIQUERY})?`,
    URI: String.raw`${SCHEME_START}%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATH}(?:\?%{URIQUERY})?)?`,
    SYSLOGPROG: String.raw`%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?`,
    // The separator is any character, as in Logstash.
    SYSLOGFACILITY:
      '<%{NONNEGINT:[log][syslog][facility][code]:int}.%{NONNEGINT:[log][syslog][priority]:int}>',
    SYSLOGBASE:
      '%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:',
  },
  legacy: {
    // The legacy local part: a letter, then letters, digits and the range "+" to "=".
    EMAILLOCALPART: '[a-zA-Z][a-zA-Z0-9_.+-=:]+',
    // Legacy URIs capture the port.
    URIHOST: '%{IPORHOST}(?::%{POSINT:port})?',
    URIPARAM: String.raw`\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*`,
    URIPATHPARAM: '%{URIPATH}(?:%{URIPARAM})?',
    URI: `${SCHEME_START}%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?`,
    SYSLOGPROG: String.raw`%{PROG:program}(?:\[%{POSINT:pid}\])?`,
    SYSLOGFACILITY: '<%{NONNEGINT:facility}.%{NONNEGINT:priority}>',
    SYSLOGBASE: '%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource} %{SYSLOGPROG}:',
  },
};
