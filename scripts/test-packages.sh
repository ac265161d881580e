#!/usr/bin/env bash
# Installs every Debian package the test servers need, in one apt-get run, before any of them starts: PostgreSQL 15,
# pg_auto_failover (the failover formation; left out with CEDROS_SKIP_HA=1) and PgBouncer. Installed one by one as each
# server started, pg_auto_failover's install upgraded postgresql-15 (15.18 -> 15.20, 26 Nov) under the already running
# test server, whose new backends then failed to load the upgraded libraries ("plpgsql.so: undefined symbol").
# Root on Debian; does nothing when every package is installed. The start scripts still install what they need when
# run on their own.
set -Eeuo pipefail

log() { printf '[test-packages] %s\n' "$*" >&2; }

packages=(postgresql-15 pgbouncer)
[[ "${CEDROS_SKIP_HA:-}" == 1 ]] || packages+=(postgresql-15-auto-failover pg-auto-failover-cli)

missing=()
for p in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" == installed ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
[[ $EUID -eq 0 ]] || { log "not root: cannot install ${missing[*]}; the start scripts will say what is missing"; exit 0; }
command -v apt-get >/dev/null || { log "apt-get not found; install ${missing[*]} by hand"; exit 1; }

started=$SECONDS
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600)
if ! apt-get "${apt_opts[@]}" install -y "${packages[@]}" >&2; then
  for attempt in 1 2 3; do
    log "refreshing the package lists (attempt $attempt) ..."
    apt-get "${apt_opts[@]}" update >&2 && apt-get "${apt_opts[@]}" install -y "${packages[@]}" >&2 && break
    (( attempt < 3 )) || { log "apt-get install ${packages[*]} failed"; exit 1; }
    sleep 10
  done
fi
log "installed ${missing[*]} (with ${packages[*]} brought to a consistent set) in $((SECONDS - started))s"
