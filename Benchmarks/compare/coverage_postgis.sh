#!/usr/bin/env bash
# Straight-line coverage with PostGIS (KNN on GiST indexes), compared with `cim coverage`.
#
#   Benchmarks/compare/coverage_postgis.sh STORE [coverage_postgis.py options: --result COVERAGE.gpkg --json OUT ...]
#
# Starts a throwaway PostgreSQL 15 + PostGIS 3 cluster under /tmp, on 127.0.0.1 only, port $CIM_PG_PORT
# (default 54329), runs coverage_postgis.py against it, then stops the server and removes the cluster
# (also on error or Ctrl-C). Installs postgresql-15-postgis-3 with apt-get when missing.
# The cluster is for benchmarking only: fsync off, trust authentication on loopback.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${CIM_PG_PORT:-54329}"
pgbin="${CIM_PG_BIN:-/usr/lib/postgresql/15/bin}"

if [[ $# -lt 1 ]]; then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi

if [[ ! -x "$pgbin/postgres" || ! -f /usr/share/postgresql/15/extension/postgis.control ]]; then
    echo "installing PostgreSQL 15 and PostGIS 3 (apt-get)" >&2
    if ! apt-cache policy postgresql-15-postgis-3 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >&2
fi
id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "error: port $port on 127.0.0.1 is already in use; set CIM_PG_PORT to a free port" >&2
    exit 1
fi

cluster="$(mktemp -d /tmp/cim-postgis.XXXXXX)"
chmod 755 "$cluster"
[[ "$(id -u)" == 0 ]] && chown postgres "$cluster"
cleanup() {
    if [[ -f "$cluster/data/postmaster.pid" ]]; then
        as_postgres "$pgbin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_postgres "$pgbin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
     -c shared_buffers=${CIM_PG_SHARED_BUFFERS:-1GB} -c work_mem=64MB -c maintenance_work_mem=1GB \
     -c max_wal_size=4GB -c checkpoint_timeout=30min" >/dev/null
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, cluster $cluster" >&2

status=0
python3 "$here/coverage_postgis.py" "$@" --port "$port" --server-pid-file "$cluster/data/postmaster.pid" || status=$?
exit "$status"
