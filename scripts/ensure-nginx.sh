#!/usr/bin/env bash
# Installs Debian's nginx when it is missing: the cluster tests behind a load balancer (web/test/nginx.ts)
# start their own throwaway nginx, in the foreground, on a free loopback port. (Outside a container,
# the package also enables the system's nginx service on port 80; the tests do not use it.) The
# tests run ${JAM_NGINX:-/usr/sbin/nginx} (/usr/sbin is not on every user's PATH).
set -euo pipefail
"$(dirname "$0")/ensure-package.sh" "${JAM_NGINX:-/usr/sbin/nginx}" nginx
