#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS 3 server for the demo and the tests, on loopback only.
#
#   Scripts/postgis.sh start    # creates the cluster when missing, starts it, waits until it accepts connections
#   Scripts/postgis.sh stop     # stops it (the data stays under .build/postgis)
#   Scripts/postgis.sh status   # says whether it runs (exit status 0 when it does)
#   Scripts/postgis.sh url      # prints postgresql://postgres@127.0.0.1:55432/cim
#
# The cluster lives in .build/postgis/data of the work tree, listens on 127.0.0.1 only, port 55432 unless
# CIM_PG_PORT is set, with trust authentication for 127.0.0.1 (nobody else can connect), and holds a
# database `cim` with the postgis extension. PostgreSQL refuses to run as root: run as root (CI), the server
# runs as the `postgres` OS user (created by Debian's package) and owns the data folder; run as a normal user,
# the server runs as that user. `start` is idempotent. Scripts/setup.sh installs the packages.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${CIM_PG_PORT:-55432}"
root="$PWD/.build/postgis"
data="$root/data"
log="$root/server.log"
url="postgresql://postgres@127.0.0.1:$port/cim"

bin=""
for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/pg_ctl" ]; then bin="$candidate"; break; fi
done

# Runs a server program as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when the server accepts connections to the database `postgres`.
accepting() {
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" >/dev/null 2>&1
}

need_binaries() {
  if [ -z "$bin" ]; then
    echo "postgis.sh: PostgreSQL's server programs are missing (run Scripts/setup.sh)" >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "postgis.sh: running as root needs the OS user 'postgres' (Debian's postgresql package creates it)" >&2
    exit 1
  fi
}

create_cluster() {
  mkdir -p "$root"
  if [ "$(id -u)" = 0 ]; then
    # The owner must be able to reach the folder: open the path to it for traversal.
    chown postgres: "$root"
    dir="$root"
    while [ "$dir" != "/" ]; do
      chmod o+x "$dir" 2>/dev/null || true
      dir="$(dirname "$dir")"
    done
  fi
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 || {
    echo "postgis.sh: initdb failed (see $root/initdb.log)" >&2
    tail -5 "$root/initdb.log" >&2
    exit 1
  }
  # Loopback only, trust for 127.0.0.1 and nothing else; the socket in the data folder (not /run/postgresql).
  cat >"$data/pg_hba.conf" <<EOF
# cim's private test server: trust on loopback only (Scripts/postgis.sh)
host all all 127.0.0.1/32 trust
local all all trust
EOF
  cat >>"$data/postgresql.conf" <<EOF
# Scripts/postgis.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 2GB
shared_buffers = 256MB
maintenance_work_mem = 256MB
EOF
}

start() {
  need_binaries
  if accepting; then
    echo "postgis.sh: running on port $port ($url)"
    return 0
  fi
  [ -f "$data/PG_VERSION" ] || create_cluster
  if [ "$(id -u)" = 0 ]; then touch "$log" && chown postgres: "$log"; fi
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -o "-p $port" -w -t 60 start >/dev/null || {
    echo "postgis.sh: the server did not start (see $log)" >&2
    tail -5 "$log" >&2
    exit 1
  }
  for _ in $(seq 1 60); do
    accepting && break
    sleep 0.5
  done
  accepting || { echo "postgis.sh: the server does not accept connections on port $port (see $log)" >&2; exit 1; }
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cim'" | grep -q 1; then
    "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE cim" >/dev/null
  fi
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d cim -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  echo "postgis.sh: running on port $port ($url)"
}

stop() {
  need_binaries
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
  fi
  echo "postgis.sh: stopped"
}

status() {
  need_binaries
  if accepting; then
    echo "postgis.sh: running on port $port ($url)"
  else
    echo "postgis.sh: not running (port $port)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "$url" ;;
  *) echo "usage: Scripts/postgis.sh start|stop|status|url" >&2; exit 2 ;;
esac
