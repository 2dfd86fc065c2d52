/**
 * Linux authentication logs (auth.log / secure), written from the messages OpenSSH's sshd
 * (auth.c, auth2.c) and sudo print: one pattern per message shape, ECS names, so that a
 * failed login's user and source address are fields and brute-force sources are one
 * terms aggregation on `source.ip` filtered by `event.outcome: failure`.
 */
export const authModulePatterns: Readonly<Record<string, string>> = {
  SSHD_METHOD: String.raw`password|publickey|keyboard-interactive(?:/pam)?|hostbased|gssapi-with-mic|none`,
  // "Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 SHA256:..."
  // "Failed password for invalid user admin from 203.0.113.9 port 41234 ssh2"
  SSHD_LOGIN: String.raw`(?<[system][auth][ssh][event]>Accepted|Failed) %{SSHD_METHOD:[system][auth][ssh][method]} for (?:invalid user )?%{NOTSPACE:[user][name]} from %{IP:[source][ip]} port %{POSINT:[source][port]:int}(?: ssh2)?(?:: %{NOTSPACE:[system][auth][ssh][signature][algorithm]} %{NOTSPACE:[system][auth][ssh][signature][fingerprint]})?`,
  // "Invalid user admin from 203.0.113.9 port 41234"
  SSHD_INVALID_USER: String.raw`(?<[system][auth][ssh][event]>Invalid) user (?:%{NOTSPACE:[user][name]} )?from %{IP:[source][ip]}(?: port %{POSINT:[source][port]:int})?`,
  // "Connection closed by authenticating user root 203.0.113.9 port 52144 [preauth]"
  SSHD_PREAUTH: String.raw`(?<[system][auth][ssh][event]>Connection closed|Disconnected|Received disconnect) (?:by|from) (?:(?:authenticating|invalid) user %{NOTSPACE:[user][name]} )?%{IP:[source][ip]} port %{POSINT:[source][port]:int}`,
  SSHD_MESSAGE: String.raw`%{SSHD_LOGIN}|%{SSHD_INVALID_USER}|%{SSHD_PREAUTH}`,
  // "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx"
  SUDO_COMMAND: String.raw`^ *%{USERNAME:[user][name]} : (?:%{DATA:[system][auth][sudo][error]} ; )?TTY=%{NOTSPACE:[system][auth][sudo][tty]} ; PWD=%{NOTSPACE:[system][auth][sudo][pwd]} ; USER=%{USERNAME:[user][effective][name]} ; (?:GROUP=%{NOTSPACE:[group][effective][name]} ; )?COMMAND=%{GREEDYDATA:[system][auth][sudo][command]}`,
  // "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)"
  PAM_SESSION: String.raw`pam_unix\(%{NOTSPACE:[system][auth][pam][module]}\): session (?<[system][auth][pam][session]>opened|closed) for user %{USERNAME:[user][name]}`,
};
