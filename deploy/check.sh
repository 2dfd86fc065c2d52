#!/usr/bin/env bash
# Checks what in deploy/ a real tool can check on a machine without Docker or Kubernetes:
# Prometheus config and alert rules with promtool (`check config`, `check rules`, and the rule
# unit tests in prometheus/rules.test.yaml). promtool comes with Debian's `prometheus` package;
# when it is missing and apt-get can run (as root), it is installed first.
# The rest of deploy/ (YAML/JSON syntax, compose structure, Kubernetes schemas, Grafana PromQL,
# Kibana saved objects) is checked by the vitest suite in test/deploy/.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "check.sh: installing promtool (Debian package prometheus)" >&2
    # The package also ships the Prometheus server as a service; a policy-rc.d that says "no"
    # keeps apt from starting it (only when the machine has no policy of its own).
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
    install || { apt-get update -qq && install; } || status=$?
    [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "${status:-0}" = 0 ] || { echo "check.sh: could not install promtool" >&2; exit 1; }
  else
    echo "check.sh: promtool not found and apt-get unavailable (install Prometheus' promtool)" >&2
    exit 2
  fi
fi

promtool check config prometheus/prometheus.yml
promtool check rules prometheus/rules.yaml
promtool test rules prometheus/rules.test.yaml
