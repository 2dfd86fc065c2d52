/**
 * The web modules' own patterns (apart from Logstash's standard HTTPD_* in httpd.ts), written
 * so that every field Filebeat's nginx and apache modules extract comes out with the same
 * name and value, and the variants real servers write still parse.
 *
 * nginx, from the ngx_http_log_module documentation: the predefined `combined` format
 * `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 * "$http_referer" "$http_user_agent"`, commonly followed by `"$http_x_forwarded_for"` (the
 * stock nginx.conf "main" format) and by anything a custom log_format appends. nginx writes
 * `"` and non-printable bytes as `\xHH`. The client part follows Filebeat: an optional
 * `$host[:port] ` in front, then a list of addresses (X-Forwarded-For written into
 * $remote_addr, possibly quoted) or a single token such as `unix:`.
 *
 * Error log layout of ngx_log_error: `yyyy/mm/dd hh:mm:ss [level] pid#tid: *cid message`,
 * with `, client: ..., server: ..., request: "...", upstream: "...", host: "..."` appended.
 *
 * Apache httpd, from the mod_log_config documentation: Common Log Format `%h %l %u %t "%r"
 * %>s %b`, Combined adds `"%{Referer}i" "%{User-agent}i"`, vhost_combined puts `%v:%p ` in
 * front, and mod_ssl's ssl_request_log writes `%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b`.
 * httpd escapes `"` in %r and headers as `\"`. Error logs of httpd 2.2 (`[date] [level]
 * [client ip] message`) and 2.4 (`[date] [module:level] [pid N:tid N] [client ip:port]
 * message`, default ErrorLogFormat).
 */
export const webModulePatterns: Readonly<Record<string, string>> = {
  // A double-quoted field's content with backslash escapes.
  WEB_QUOTED: String.raw`(?:[^"\\]|\\.)*`,
  // The content of "%r" / "$request". Method, target and version only all together (or
  // without a version, HTTP/0.9 style); a malformed line (a TLS handshake sent to port 80,
  // "-", "") sets nothing, as in Filebeat. The target may hold spaces, as Filebeat's allows.
  WEB_REQUESTLINE: String.raw`%{WORD:[http][request][method]} (?<[url][original]>(?:[^"\\]|\\.)*?) HTTP/%{NUMBER:[http][version]}|%{WORD:[http][request][method]} (?<[url][original]>(?:[^"\\\s]|\\.)+)|%{WEB_QUOTED}`,

  NGINX_QUOTED: String.raw`%{WEB_QUOTED}`,
  // %{IP} and %{IPORHOST}, trying IPv6 only where one can start: every IPv6 form begins
  // with ":" or 1-4 hex digits and ":". Not a different match, only fewer dead ends: a
  // lookahead that every successful path satisfies removes no result and changes no
  // order (the guards below follow the same rule). Without them, IPv6's alternatives
  // failing one by one on each IPv4 client, and the optional vhost/host and list
  // branches failing on every line, cost more than the rest of the line's match.
  WEB_IP: String.raw`(?:(?=[0-9A-Fa-f]{0,4}:)%{IPV6}|%{IPV4})`,
  WEB_IPORHOST: String.raw`(?:(?=[0-9A-Fa-f]{0,4}:)%{IPV6}|%{IPV4}|%{HOSTNAME})`,
  // `$host` or `$host:$server_port` some formats put first (Filebeat's destination.*).
  NGINX_HOST: String.raw`(?:%{WEB_IP:[destination][ip]}|(?<[destination][domain]>[^\t ,:]+))(?::%{POSINT:[destination][port]:int})?`,
  // $remote_addr as the realip module or a proxy header left it: addresses and words
  // separated by commas and/or spaces, possibly with the quotes of a "$http_x_forwarded_for".
  // Elements need a separator (a comma or blank): with both optional, as in Filebeat's
  // definition, "::1::1::1..." splits into addresses in exponentially many ways.
  NGINX_ADDRESS_LIST: String.raw`(?:%{WEB_IP}|%{WORD})(?:"?(?:,\s*|\s+)(?:%{WEB_IP}|%{WORD}))*`,
  // The host is tried only where what follows it can be a client: see WEB_IP. Before a
  // space, a host holds no blank (nor "%", unless in an IPv6 zone, where the guard gives
  // way); after it come an address or word, or a non-blank token right before " - " and
  // what NGINX_ACCESS wants next: a user that is "-" or does not start with "[", or one
  // that does and is followed by the " [date] " somewhere. Without that last part, the
  // most common line of all, `1.2.3.4 - - [date] ...`, took its "- -" for a host's client
  // and user and read the whole line once per way of matching the host, to no end.
  NGINX_CLIENT: String.raw`(?:(?=[^ \t%]*(?:%| "?(?:[0-9A-Za-z_:]|\S+ - (?:(?!\[)|(?=[^\n]*? \[%{HTTPDATE}\] )))))%{NGINX_HOST} )?"?(?:%{NGINX_ADDRESS_LIST:[nginx][access][remote_ip_list]}|%{NOTSPACE:[source][address]})`,
  // Status and size are `-` in a few custom formats ($upstream_status); the quoted
  // referrer/agent pair is optional (common-style formats), and whatever follows it (a
  // custom log_format's $request_time, $upstream_*, $host...) is left in `message`.
  NGINX_ACCESS: String.raw`%{NGINX_CLIENT} - (?:-|%{DATA:[user][name]}) \[%{HTTPDATE:timestamp}\] "(?:%{WEB_REQUESTLINE})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})(?: "(?:-|%{NGINX_QUOTED:[http][request][referrer]})" "(?:-|%{NGINX_QUOTED:[user_agent][original]})"(?: "(?:-|%{NGINX_QUOTED:[nginx][access][forwarded_for]})")?)?`,
  NGINX_ERROR_DATE: String.raw`%{YEAR}/%{MONTHNUM2}/%{MONTHDAY} %{TIME}`,
  // The message may span lines (FastCGI stderr is logged with its newlines).
  NGINX_ERROR: String.raw`%{NGINX_ERROR_DATE:timestamp} \[(?<[log][level]>\w+)\] %{POSINT:[process][pid]:int}#%{NONNEGINT:[process][thread][id]:int}: (?:\*%{NONNEGINT:[nginx][error][connection_id]:int} )?(?<message>[\s\S]*)`,

  APACHE_USER: String.raw`%{EMAILADDRESS}|%{USER}`,
  // `%v` or `%v:%p` of the vhost_combined format.
  APACHE_VHOST: String.raw`%{WEB_IPORHOST:[destination][domain]}(?::%{POSINT:[destination][port]:int})?`,
  // Filebeat keeps a `-` user, referrer and agent as the text "-"; so do these patterns.
  // A `%{X-Forwarded-For}i` list in place of %h leaves its last element as the client, as
  // Filebeat's unanchored match does.
  // The vhost and list branches are tried only where they can lead to a match (see WEB_IP):
  // an address or host name before "%" (an IPv6 zone) or a blank holds only
  // [0-9A-Za-z.:-], so a vhost ends at the first other character, which must be a blank
  // before a client's first character, and a list element at a comma.
  APACHE_ACCESS: String.raw`(?:(?=[0-9A-Za-z.:-]*(?:%| [0-9A-Za-z:]))%{APACHE_VHOST} )?(?:(?=[0-9A-Za-z.:-]*[%,])%{WEB_IPORHOST},\s*)*%{WEB_IPORHOST:[source][address]} (?:-|%{APACHE_USER:[apache][access][user][identity]}) %{DATA:[user][name]} \[%{HTTPDATE:timestamp}\] "(?:%{WEB_REQUESTLINE})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})(?: "%{WEB_QUOTED:[http][request][referrer]}")?(?: "%{WEB_QUOTED:[user_agent][original]}")?`,
  APACHE_SSL_REQUEST: String.raw`\[%{HTTPDATE:timestamp}\] %{IPORHOST:[source][address]} (?<[apache][access][ssl][protocol]>\S+) (?<[apache][access][ssl][cipher]>\S+) "(?:%{WEB_REQUESTLINE})" (?:-|%{INT:[http][response][body][bytes]:int})`,
  // httpd levels: emerg alert crit error warn notice info debug trace1..trace8.
  APACHE_LOGLEVEL: String.raw`[a-z]+[0-9]*`,
  APACHE20_ERROR: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[%{APACHE_LOGLEVEL:[log][level]}\](?: \[client %{IPORHOST:[source][address]}(?::%{POSINT:[source][port]:int})?\])? (?<message>[\s\S]*)`,
  // 2.4 always writes the client's port: the last `:digits` (IPv6 addresses have colons).
  APACHE24_CLIENT: String.raw`(?<[source][address]>[^\]\s]+):%{POSINT:[source][port]:int}|%{IPORHOST:[source][address]}`,
  APACHE24_ERROR: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[(?<[apache][error][module]>[^:\]\s]*):%{APACHE_LOGLEVEL:[log][level]}\] \[pid %{INT:[process][pid]:int}(?::tid %{INT:[process][thread][id]:int})?\](?: \[client (?:%{APACHE24_CLIENT})\])? (?<message>[\s\S]*)`,
  APACHE_ERROR: String.raw`%{APACHE20_ERROR}|%{APACHE24_ERROR}`,
};
