/**
 * nginx, written from the ngx_http_log_module documentation (the predefined `combined`
 * format: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 * "$http_referer" "$http_user_agent"`, often followed by `"$http_x_forwarded_for"`) and the
 * error log layout of ngx_log_error (`yyyy/mm/dd hh:mm:ss [level] pid#tid: *cid message`).
 *
 * Apache httpd, from the mod_log_config documentation (Common Log Format `%h %l %u %t "%r"
 * %>s %b`, Combined adds `"%{Referer}i" "%{User-agent}i"`) and the error log of httpd 2.2
 * and 2.4. These are the web modules' own patterns, apart from Logstash's standard HTTPD_*
 * (httpd.ts), so that the modules can follow Filebeat's field choices.
 */
export const webModulePatterns: Readonly<Record<string, string>> = {
  NGINX_QUOTED: String.raw`[^"\\]*(?:\\.[^"\\]*)*`,
  // $remote_addr may be a list when set from X-Forwarded-For by the realip module.
  NGINX_ADDRESS_LIST: String.raw`%{IPORHOST}(?:, ?%{IPORHOST})*`,
  NGINX_ACCESS: String.raw`(?:%{IPORHOST:[source][address]}|%{NGINX_ADDRESS_LIST:[nginx][access][remote_ip_list]}) - (?:-|%{NOTSPACE:[user][name]}) \[%{HTTPDATE:timestamp}\] "(?:%{WEB_REQUESTLINE})" %{INT:[http][response][status_code]:int} (?:-|%{INT:[http][response][body][bytes]:int})(?: "(?:-|%{NGINX_QUOTED:[http][request][referrer]})" "(?:-|%{NGINX_QUOTED:[user_agent][original]})"(?: "(?:-|%{NGINX_QUOTED:[nginx][access][forwarded_for]})")?)?`,
  NGINX_ERROR_DATE: String.raw`%{YEAR}/%{MONTHNUM2}/%{MONTHDAY} %{TIME}`,
  NGINX_ERROR: String.raw`%{NGINX_ERROR_DATE:timestamp} \[%{LOGLEVEL:[log][level]}\] %{POSINT:[process][pid]:int}#%{NONNEGINT:[process][thread][id]:int}: (?:\*%{NONNEGINT:[nginx][error][connection_id]:int} )?%{GREEDYDATA:message}`,
  APACHE_USER: String.raw`%{EMAILADDRESS}|%{USER}`,
  // "%r" is the request line; a malformed one (a TLS handshake on port 80, "-") is kept as url.original.
  WEB_REQUESTLINE: String.raw`%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?|-|%{DATA:[url][original]}`,
  APACHE_COMMONLOG: String.raw`%{IPORHOST:[source][address]} (?:-|%{APACHE_USER:[apache][access][user][identity]}) (?:-|%{APACHE_USER:[user][name]}) \[%{HTTPDATE:timestamp}\] "(?:%{WEB_REQUESTLINE})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})`,
  // Referrer and user agent are quoted with backslash escapes for embedded quotes.
  APACHE_COMBINED_TAIL: String.raw`"(?:-|(?<[http][request][referrer]>[^"\\]*(?:\\.[^"\\]*)*))" "(?:-|(?<[user_agent][original]>[^"\\]*(?:\\.[^"\\]*)*))"`,
  // Either format in one pass: the combined fields are an optional tail of the common ones.
  APACHE_ACCESS: String.raw`%{APACHE_COMMONLOG}(?: %{APACHE_COMBINED_TAIL})?`,
  APACHE20_ERROR: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:[log][level]}\] (?:\[client %{IPORHOST:[source][address]}\] )?%{GREEDYDATA:message}`,
  APACHE24_ERROR: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:[apache][error][module]})?:%{LOGLEVEL:[log][level]}\] \[pid %{POSINT:[process][pid]:int}(?::tid %{INT:[process][thread][id]:int})?\](?: \(%{POSINT:[apache][error][proxy][error][code]}\)%{DATA:[apache][error][proxy][error][message]}:)?(?: \[client (?:%{IPV4:[source][address]}|%{DATA:[source][address]}):%{POSINT:[source][port]:int}\])?(?: (?<[error][code]>AH[0-9]+):)? %{GREEDYDATA:message}`,
  APACHE_ERROR: String.raw`%{APACHE20_ERROR}|%{APACHE24_ERROR}`,
};
