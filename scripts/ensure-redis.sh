#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing: the cluster tests (and the Rust SessionManager
# tests run against Redis) start their own throwaway redis-server on a free loopback port.
set -euo pipefail
command -v redis-server >/dev/null && exit 0

echo "redis-server is missing: installing Debian's redis-server package"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "error: need root (or sudo) to apt-get install redis-server" >&2
  exit 1
fi
install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }
# A fresh image may have no (or stale) package lists: update only when installing without them fails.
install || { $sudo apt-get update -qq && install; }
redis-server --version
