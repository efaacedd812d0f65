#!/usr/bin/env bash
# Runs a command against a private, throw-away PostgreSQL cluster: a temporary folder, a unix
# socket only (no TCP listener), stopped and deleted afterwards whatever the command's outcome.
# The command sees DATABASE_URL pointing at the cluster.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found; run scripts/system-packages.sh postgresql" >&2; exit 1; }
dir=$(mktemp -d /tmp/sangdam-pg.XXXXXX)
port=$((20000 + RANDOM % 20000))
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    # The server refuses to run as root.
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi
cleanup() {
    "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
"${as_owner[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
export DATABASE_URL="postgres://postgres@/sangdam?host=$dir&port=$port"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on $dir:$port"
"$@"
