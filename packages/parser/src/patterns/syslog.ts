/**
 * Syslog, written from RFC 3164 (BSD: `<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`, where
 * files written by syslogd drop the PRI) and RFC 5424 (`<PRI>VERSION TIMESTAMP HOSTNAME
 * APP-NAME PROCID MSGID STRUCTURED-DATA MSG`, `-` for a missing value). ECS names.
 */
export const syslogPatterns: Readonly<Record<string, string>> = {
  // The TAG: printable ASCII except "[", "]" and ":" (RFC 3164 section 5.3 calls it alphanumeric).
  PROG: String.raw`[\x21-\x39\x3b-\x5a\x5c\x5e-\x7e]+`,
  SYSLOGPROG: String.raw`%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?`,
  SYSLOGHOST: String.raw`%{IPORHOST}`,
  SYSLOGPRI: String.raw`<%{NONNEGINT:[log][syslog][priority]:int}>`,
  SYSLOGFACILITY: String.raw`<%{NONNEGINT:[log][syslog][facility][code]:int}\.%{NONNEGINT:[log][syslog][severity][code]:int}>`,
  SYSLOGBASE: String.raw`(?:%{SYSLOGPRI})?%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:`,
  SYSLOGLINE: String.raw`%{SYSLOGBASE} ?%{GREEDYDATA:message}`,
  // One SD-ELEMENT: [id param="value" ...], where a value escapes '"', '\' and ']' with '\'.
  SYSLOG5424SDELEMENT: String.raw`\[[^\]\s"=]+(?: [^\]\s"=]+="[^"\\]*(?:\\.[^"\\]*)*")*\]`,
  SYSLOG5424SD: String.raw`(?:%{SYSLOG5424SDELEMENT})+`,
  SYSLOG5424PRINTASCII: String.raw`[!-~]+`,
  SYSLOG5424BASE: String.raw`%{SYSLOGPRI}%{NONNEGINT:[log][syslog][version]:int} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{IPORHOST:[host][hostname]}) +(?:-|%{SYSLOG5424PRINTASCII:[log][syslog][appname]}) +(?:-|%{POSINT:[process][pid]:int}(?= )|%{SYSLOG5424PRINTASCII:[log][syslog][procid]}) +(?:-|%{SYSLOG5424PRINTASCII:[log][syslog][msgid]}) +(?:-|%{SYSLOG5424SD:[log][syslog][structured_data]})`,
  // MSG may start with a UTF-8 byte order mark (RFC 5424 section 6.4).
  SYSLOG5424LINE: String.raw`%{SYSLOG5424BASE}(?: \uFEFF?%{GREEDYDATA:message})?$`,
};
