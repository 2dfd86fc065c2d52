/**
 * The base pattern set, written for Sluice from the formats' specifications (RFC 791/4291
 * for addresses, RFC 3986 for URIs, RFC 5322 for e-mail, ISO 8601 and RFC 2822 for dates).
 *
 * Every repetition is written so that a failing match stays linear: no quantified group
 * contains a quantifier over the same characters (the `(a+)*` shape behind catastrophic
 * backtracking), and alternatives inside repetitions start with distinct characters.
 */
export const basePatterns: Readonly<Record<string, string>> = {
  // Words and free text
  WORD: String.raw`\b\w+\b`,
  NOTSPACE: String.raw`\S+`,
  SPACE: String.raw`\s*`,
  DATA: String.raw`.*?`,
  GREEDYDATA: String.raw`.*`,
  // Quoted strings with backslash escapes, "unrolled" so each character is examined once.
  QUOTEDSTRING:
    String.raw`"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'|` + '`[^`\\\\]*(?:\\\\.[^`\\\\]*)*`',
  QS: String.raw`%{QUOTEDSTRING}`,
  UUID: String.raw`[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}`,

  // Numbers. The lookbehinds keep a number from starting in the middle of another one.
  INT: String.raw`(?<![0-9])[+-]?[0-9]+`,
  BASE10NUM: String.raw`(?<![0-9.+-])[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)`,
  NUMBER: String.raw`%{BASE10NUM}`,
  BASE16NUM: String.raw`(?<![0-9A-Fa-f])[+-]?(?:0[xX])?[0-9A-Fa-f]+`,
  BASE16FLOAT: String.raw`\b[+-]?(?:0[xX])?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+)\b`,
  POSINT: String.raw`\b[1-9][0-9]*\b`,
  NONNEGINT: String.raw`\b[0-9]+\b`,

  // Users and e-mail (RFC 5322 dot-atom local part)
  USERNAME: String.raw`[a-zA-Z0-9._-]+`,
  USER: String.raw`%{USERNAME}`,
  EMAILLOCALPART: "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*",
  EMAILADDRESS: String.raw`%{EMAILLOCALPART}@%{HOSTNAME}`,

  // Network addresses
  MAC: String.raw`%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC}`,
  CISCOMAC: String.raw`(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4}`,
  WINDOWSMAC: String.raw`(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2}`,
  COMMONMAC: String.raw`(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2}`,
  IPV4OCTET: String.raw`25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]`,
  IPV4: String.raw`(?<![0-9])(?:%{IPV4OCTET})(?:\.(?:%{IPV4OCTET})){3}(?![0-9])`,
  IPV6H16: String.raw`[0-9A-Fa-f]{1,4}`,
  // RFC 4291 section 2.2: eight groups, "::" for one run of zero groups, an IPv4 tail, and a
  // zone id. The longest forms come first and the final lookahead rejects a partial address.
  IPV6: [
    String.raw`(?:(?:%{IPV6H16}:){6}|::(?:%{IPV6H16}:){0,5}|(?:%{IPV6H16}:){1,5}:(?:%{IPV6H16}:){0,4})%{IPV4}`,
    String.raw`(?:%{IPV6H16}:){7}%{IPV6H16}`,
    String.raw`(?:%{IPV6H16}:){1,6}(?::%{IPV6H16}){1,6}`,
    String.raw`(?:%{IPV6H16}:){1,7}:`,
    String.raw`::(?:%{IPV6H16}(?::%{IPV6H16}){0,6})?`,
  ]
    .map((alt) => `(?:${alt})`)
    .join('|')
    .replace(/^/, '(?:')
    .concat(String.raw`)(?:%[0-9A-Za-z._~-]+)?(?![0-9A-Fa-f:])`),
  // IPv4 first: it is the common case, and no IPv6 address starts with a dotted quad.
  IP: String.raw`%{IPV4}|%{IPV6}`,
  // RFC 1123 labels; underscores are accepted because real host names carry them.
  HOSTNAME: String.raw`\b[0-9A-Za-z_](?:[0-9A-Za-z_-]{0,61}[0-9A-Za-z_])?(?:\.[0-9A-Za-z_](?:[0-9A-Za-z_-]{0,61}[0-9A-Za-z_])?)*\.?`,
  HOST: String.raw`%{HOSTNAME}`,
  IPORHOST: String.raw`%{IP}|%{HOSTNAME}`,
  HOSTPORT: String.raw`%{IPORHOST}:%{POSINT}`,

  // Paths and URIs (RFC 3986)
  PATH: String.raw`%{UNIXPATH}|%{WINPATH}`,
  UNIXPATH: String.raw`/(?:[\w%!$@:.,+~/-]|\\.)*`,
  TTY: String.raw`/dev/(?:pts|tty[pq]?)(?:\w+)?/?(?:[0-9]+)?`,
  WINPATH: String.raw`(?:[A-Za-z]:|\\\\[^\\\s]+)(?:\\[^\\?*\s]*)+`,
  URIPROTO: String.raw`[A-Za-z][A-Za-z0-9+.-]*`,
  URIHOST: String.raw`%{IPORHOST}(?::%{POSINT})?`,
  URIPATH: String.raw`(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_-]*)+`,
  URIQUERY: String.raw`[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>^]*`,
  URIPARAM: String.raw`\?%{URIQUERY}`,
  URIPATHPARAM: String.raw`%{URIPATH}(?:\?%{URIQUERY})?`,
  URI: String.raw`%{URIPROTO}://(?:%{USER}(?::[^@\s]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?`,

  // Dates and times
  MONTH: String.raw`\b(?:[Jj]an(?:uary)?|JAN|[Ff]eb(?:ruary)?|FEB|[Mm]ar(?:ch)?|MAR|[Aa]pr(?:il)?|APR|[Mm]ay|MAY|[Jj]un(?:e)?|JUN|[Jj]ul(?:y)?|JUL|[Aa]ug(?:ust)?|AUG|[Ss]ep(?:t(?:ember)?)?|SEP|[Oo]ct(?:ober)?|OCT|[Nn]ov(?:ember)?|NOV|[Dd]ec(?:ember)?|DEC)\b`,
  MONTHNUM: String.raw`0?[1-9]|1[0-2]`,
  MONTHNUM2: String.raw`0[1-9]|1[0-2]`,
  MONTHDAY: String.raw`0[1-9]|[12][0-9]|3[01]|[1-9]`,
  DAY: String.raw`\b(?:[Mm]on(?:day)?|MON|[Tt]ue(?:s(?:day)?)?|TUE|[Ww]ed(?:nesday)?|WED|[Tt]hu(?:r(?:s(?:day)?)?)?|THU|[Ff]ri(?:day)?|FRI|[Ss]at(?:urday)?|SAT|[Ss]un(?:day)?|SUN)\b`,
  YEAR: String.raw`(?:[0-9]{2}){1,2}`,
  HOUR: String.raw`2[0-3]|[01]?[0-9]`,
  MINUTE: String.raw`[0-5][0-9]`,
  // 60 is a leap second; the fraction may follow a dot, a comma (log4j) or a colon.
  SECOND: String.raw`(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?`,
  TIME: String.raw`(?<![0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})?(?![0-9])`,
  DATE_US: String.raw`%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}`,
  DATE_EU: String.raw`%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}`,
  DATE_X: String.raw`%{YEAR}/%{MONTHNUM2}/%{MONTHDAY}`,
  ISO8601_TIMEZONE: String.raw`Z|[+-]%{HOUR}(?::?%{MINUTE})?`,
  ISO8601_SECOND: String.raw`%{SECOND}`,
  TIMESTAMP_ISO8601: String.raw`%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?(?:%{ISO8601_TIMEZONE})?`,
  DATE: String.raw`%{DATE_US}|%{DATE_EU}`,
  DATESTAMP: String.raw`%{DATE}[- ]%{TIME}`,
  TZ: String.raw`[A-Z]{3,4}|[+-][0-9]{4}`,
  DATESTAMP_RFC822: String.raw`%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}`,
  DATESTAMP_RFC2822: String.raw`%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}|%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{TZ}`,
  DATESTAMP_OTHER: String.raw`%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}`,
  DATESTAMP_EVENTLOG: String.raw`%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}`,
  // Common Log Format: 10/Oct/2000:13:55:36 -0700
  HTTPDATE: String.raw`%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} [+-][0-9]{4}`,
  // BSD syslog (RFC 3164): "Oct  1 09:12:03", day padded with a space
  SYSLOGTIMESTAMP: String.raw`%{MONTH} +%{MONTHDAY} %{TIME}`,
  // Apache error log: "Wed Oct 11 14:32:52 2000" (2.4 adds microseconds to the time)
  HTTPDERROR_DATE: String.raw`%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}`,

  // Log levels, as the common logging libraries spell them
  LOGLEVEL: String.raw`\b(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo(?:rmation)?|INFO(?:RMATION)?|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|[Ee]merg(?:ency)?|EMERG(?:ENCY)?)\b`,
};
