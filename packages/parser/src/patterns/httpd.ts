/**
 * Apache httpd, written from the mod_log_config documentation (Common Log Format
 * `%h %l %u %t "%r" %>s %b`, Combined adds `"%{Referer}i" "%{User-agent}i"`) and from the
 * error log format of httpd 2.2 (`[date] [level] [client ip] message`) and 2.4
 * (`[date with microseconds] [module:level] [pid N:tid N] [client ip:port] AHnnnnn: message`).
 * Captures use ECS names.
 */
export const httpdPatterns: Readonly<Record<string, string>> = {
  HTTPDUSER: String.raw`%{EMAILADDRESS}|%{USER}`,
  // "%r" is the request line; a malformed one (a TLS handshake on port 80, "-") is kept as url.original.
  HTTPD_REQUESTLINE: String.raw`%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?|-|%{DATA:[url][original]}`,
  HTTPD_COMMONLOG: String.raw`%{IPORHOST:[source][address]} (?:-|%{HTTPDUSER:[apache][access][user][identity]}) (?:-|%{HTTPDUSER:[user][name]}) \[%{HTTPDATE:timestamp}\] "(?:%{HTTPD_REQUESTLINE})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})`,
  // Referrer and user agent are quoted with backslash escapes for embedded quotes.
  HTTPD_COMBINED_TAIL: String.raw`"(?:-|(?<[http][request][referrer]>[^"\\]*(?:\\.[^"\\]*)*))" "(?:-|(?<[user_agent][original]>[^"\\]*(?:\\.[^"\\]*)*))"`,
  HTTPD_COMBINEDLOG: String.raw`%{HTTPD_COMMONLOG} %{HTTPD_COMBINED_TAIL}`,
  // Either format in one pass: the combined fields are an optional tail of the common ones.
  HTTPD_ACCESSLOG: String.raw`%{HTTPD_COMMONLOG}(?: %{HTTPD_COMBINED_TAIL})?`,
  COMMONAPACHELOG: String.raw`%{HTTPD_COMMONLOG}`,
  COMBINEDAPACHELOG: String.raw`%{HTTPD_COMBINEDLOG}`,
  HTTPD20_ERRORLOG: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:[log][level]}\] (?:\[client %{IPORHOST:[source][address]}\] )?%{GREEDYDATA:message}`,
  HTTPD24_ERRORLOG: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:[apache][error][module]})?:%{LOGLEVEL:[log][level]}\] \[pid %{POSINT:[process][pid]:int}(?::tid %{INT:[process][thread][id]:int})?\](?: \(%{POSINT:[apache][error][proxy][error][code]}\)%{DATA:[apache][error][proxy][error][message]}:)?(?: \[client (?:%{IPV4:[source][address]}|%{DATA:[source][address]}):%{POSINT:[source][port]:int}\])?(?: (?<[error][code]>AH[0-9]+):)? %{GREEDYDATA:message}`,
  HTTPD_ERRORLOG: String.raw`%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG}`,
};
