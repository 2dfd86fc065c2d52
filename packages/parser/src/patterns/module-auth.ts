/**
 * Linux authentication logs (auth.log / secure): the messages of sshd, sudo, useradd,
 * groupadd and PAM, with the fields and value boundaries of Filebeat's system/auth
 * module, so that its dashboards and detection rules read our events unchanged. That
 * includes its edges: the event and method are the words before ` for `, the user of
 * `for invalid user admin` is ` admin` (with the space), and an unmatched tail after
 * `shell=` stays in the shell.
 */
export const authModulePatterns: Readonly<Record<string, string>> = {
  // The header: like the syslog module's, but the message loses its leading blanks.
  AUTH_HEADER: String.raw`(?:%{SLUICE_SYSLOGPRI})?%{SLUICE_SYSLOGTIME} (?:%{SLUICE_SYSLOGHOST:[host][hostname]} )?%{SLUICE_SYSLOGPROG}:\s*%{SLUICE_SYSLOGMESSAGE:message}$`,

  // "Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 SHA256:..."
  // "Failed password for invalid user admin from 203.0.113.9 port 41234 ssh2"
  // The event is the first word: the shortest prefix Filebeat's lazy match could take is
  // always that word, and saying so keeps long lines from backtracking cubically.
  SSHD_LOGIN: String.raw`(?<[system][auth][ssh][event]>[^ 
]*) %{DATA:[system][auth][ssh][method]} for (?:invalid user)?%{DATA:[user][name]} from %{IPORHOST:[source][address]} port %{NUMBER:[source][port]:int} ssh2(?:: %{GREEDYDATA:[system][auth][ssh][signature]})?`,
  // "Invalid user oracle from 203.0.113.9 port 41300"
  SSHD_INVALID_USER: String.raw`%{DATA:[system][auth][ssh][event]} user %{DATA:[user][name]} from %{IPORHOST:[source][address]}`,
  // "Did not receive identification string from 203.0.113.9 port 51000"
  SSHD_DROPPED: String.raw`Did not receive identification string from %{IPORHOST:[system][auth][ssh][dropped_ip]}`,
  // "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx"
  // "bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls"
  SUDO_COMMAND: String.raw`%{DATA:[user][name]} :(?: %{DATA:[system][auth][sudo][error]} ;)? TTY=%{DATA:[system][auth][sudo][tty]} ; PWD=%{DATA:[system][auth][sudo][pwd]} ; USER=%{DATA:[system][auth][sudo][user]} ; COMMAND=%{GREEDYDATA:[system][auth][sudo][command]}`,
  // "new group: name=deploy, GID=1001"
  GROUPADD_NEW: String.raw`new group: name=%{DATA:[group][name]}, GID=%{NUMBER:[group][id]}`,
  // "new user: name=deploy, UID=1001, GID=1001, home=/home/deploy, shell=/bin/bash, from=/dev/pts/0"
  USERADD_NEW: String.raw`new user: name=%{DATA:[user][name]}, UID=%{NUMBER:[user][id]}, GID=%{NUMBER:[group][id]}, home=%{DATA:[system][auth][useradd][home]}, shell=%{DATA:[system][auth][useradd][shell]}$`,

  // The users PAM and others name in free text ("session opened for user root(uid=0) by
  // alice(uid=1000)", "not met by user \"root\""): who acted is user.name (and user.id),
  // whom the session is for is user.effective.name. Filebeat's rules, one pattern each,
  // the first that matches wins.
  PAM_QUOTE: String.raw`['"]`,
  // "... for user alice(uid=1000) by (uid=0)": nobody named after "by", only a uid.
  PAM_FOR_BY_UID: String.raw`for user %{PAM_QUOTE}?%{DATA:[user][effective][name]}%{PAM_QUOTE}? by %{PAM_QUOTE}?%{PAM_QUOTE}?(?:\(uid=%{NUMBER:[user][id]}\))?$`,
  // "... for user root(uid=0) by alice(uid=1000)"
  PAM_FOR_BY: String.raw`for user %{PAM_QUOTE}?%{DATA:[user][effective][name]}%{PAM_QUOTE}? by %{PAM_QUOTE}?%{DATA:[user][name]}%{PAM_QUOTE}?(?:\(uid=%{NUMBER:[user][id]}\))?$`,
  // "pam_unix(cron:session): session closed for user root"
  PAM_FOR: String.raw`for user %{PAM_QUOTE}?%{DATA:[user][name]}%{PAM_QUOTE}?$`,
  // "pam_succeed_if(sshd:auth): requirement \"uid >= 1000\" not met by user \"root\""
  PAM_BY: String.raw`by user %{PAM_QUOTE}?%{DATA:[user][name]}%{PAM_QUOTE}?$`,
  // "... user 'bob' ..." after a single blank.
  PAM_QUOTED_USER: String.raw`(?<! ) user %{PAM_QUOTE}%{DATA:[user][name]}%{PAM_QUOTE}`,
};
