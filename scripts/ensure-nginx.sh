#!/usr/bin/env bash
# Installs Debian's nginx when it is missing: the cluster tests behind a load balancer (web/test/nginx.ts)
# start their own throwaway nginx, in the foreground, on a free loopback port. (Outside a container,
# the package also enables the system's nginx service on port 80; the tests do not use it.)
set -euo pipefail
# The tests run ${JAM_NGINX:-/usr/sbin/nginx} (/usr/sbin is not on every user's PATH).
[ -x "${JAM_NGINX:-/usr/sbin/nginx}" ] && exit 0

echo "nginx is missing: installing Debian's nginx package"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "error: need root (or sudo) to apt-get install nginx, or set JAM_NGINX" >&2
  exit 1
fi
install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
# A fresh image may have no (or stale) package lists: update only when installing without them fails.
install || { $sudo apt-get update -qq && install; }
/usr/sbin/nginx -v
