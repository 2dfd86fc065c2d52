/**
 * nginx, written from the ngx_http_log_module documentation (the predefined `combined`
 * format: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 * "$http_referer" "$http_user_agent"`, often followed by `"$http_x_forwarded_for"`) and the
 * error log layout of ngx_log_error (`yyyy/mm/dd hh:mm:ss [level] pid#tid: *cid message`).
 */
export const nginxPatterns: Readonly<Record<string, string>> = {
  NGINX_QUOTED: String.raw`[^"\\]*(?:\\.[^"\\]*)*`,
  // $remote_addr may be a list when set from X-Forwarded-For by the realip module.
  NGINX_ADDRESS_LIST: String.raw`%{IPORHOST}(?:, ?%{IPORHOST})*`,
  NGINX_ACCESS: String.raw`(?:%{IPORHOST:[source][address]}|%{NGINX_ADDRESS_LIST:[nginx][access][remote_ip_list]}) - (?:-|%{NOTSPACE:[user][name]}) \[%{HTTPDATE:timestamp}\] "(?:%{HTTPD_REQUESTLINE})" %{INT:[http][response][status_code]:int} (?:-|%{INT:[http][response][body][bytes]:int})(?: "(?:-|%{NGINX_QUOTED:[http][request][referrer]})" "(?:-|%{NGINX_QUOTED:[user_agent][original]})"(?: "(?:-|%{NGINX_QUOTED:[nginx][access][forwarded_for]})")?)?`,
  NGINX_ERROR_DATE: String.raw`%{YEAR}/%{MONTHNUM2}/%{MONTHDAY} %{TIME}`,
  NGINX_ERROR: String.raw`%{NGINX_ERROR_DATE:timestamp} \[%{LOGLEVEL:[log][level]}\] %{POSINT:[process][pid]:int}#%{NONNEGINT:[process][thread][id]:int}: (?:\*%{NONNEGINT:[nginx][error][connection_id]:int} )?%{GREEDYDATA:message}`,
};
