#!/usr/bin/env bash
# Validates docker-compose.yml with `docker compose config` (the Compose v2 CLI plugin). This machine has no
# Docker engine; the plugin alone is enough to parse, interpolate and validate the file. When the plugin is
# missing it is taken from Debian's docker-compose package (trixie, 2.x) into ~/.docker/cli-plugins.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

install_compose_plugin() {
  local work; work="$(mktemp -d)"
  mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial"
  cat > "$work/sources/trixie.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  local opts=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$work/sources" -o "Dir::State::lists=$work/lists"
    -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  apt-get "${opts[@]}" -qq update >/dev/null
  (cd "$work" && apt-get "${opts[@]}" -qq download docker-compose >/dev/null)
  dpkg -x "$work"/docker-compose_*.deb "$work/x"
  mkdir -p "$HOME/.docker/cli-plugins"
  install -m 0755 "$work/x/usr/libexec/docker/cli-plugins/docker-compose" "$HOME/.docker/cli-plugins/docker-compose"
  rm -rf "$work"
}

if ! command -v docker >/dev/null 2>&1; then
  echo "compose-check: the docker CLI is not installed; install docker.io (Debian) to check docker-compose.yml" >&2
  exit 1
fi
if ! docker compose version >/dev/null 2>&1; then
  echo "compose-check: installing the Compose v2 CLI plugin from Debian's docker-compose package"
  install_compose_plugin || { echo "compose-check: could not fetch docker-compose from Debian's archive" >&2; exit 1; }
fi

cd "$ROOT"
# Without the catalog's client pair (from .env) compose refuses to start: it must say so, then validate with stand-ins.
if env -u PORT_CLIENT_ID -u PORT_CLIENT_SECRET docker compose -f docker-compose.yml --env-file /dev/null config --quiet 2>/dev/null; then
  echo "compose-check: docker-compose.yml starts the catalog without PORT_CLIENT_ID/PORT_CLIENT_SECRET" >&2
  exit 1
fi
# Every profile: the simulator service is validated too.
PORT_CLIENT_ID="${PORT_CLIENT_ID:-compose-check}" PORT_CLIENT_SECRET="${PORT_CLIENT_SECRET:-compose-check}" \
  docker compose -f docker-compose.yml --profile '*' config --quiet
echo "compose-check: docker-compose.yml is valid, with every profile ($(docker compose version --short))"
