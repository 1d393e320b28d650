#!/usr/bin/env bash
# A PostgreSQL server on loopback for the storage tests: installs it if missing, starts a
# cluster, creates a test role and database, and prints the SQLAlchemy URL on stdout:
#   export STATION_TEST_PG_URL=$(bash .ci/postgres.sh)
# Idempotent: running it again reuses the cluster, role and database. Progress goes to stderr.
# Settings (all optional): STATION_PG_PORT (5432), STATION_PG_USER (station_test),
# STATION_PG_PASSWORD (station_test), STATION_PG_DB (station_test), STATION_PG_CLUSTER (main).
set -euo pipefail

PORT="${STATION_PG_PORT:-5432}"
USER_NAME="${STATION_PG_USER:-station_test}"
PASSWORD="${STATION_PG_PASSWORD:-station_test}"
DB_NAME="${STATION_PG_DB:-station_test}"
CLUSTER="${STATION_PG_CLUSTER:-main}"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    as_root() { "$@"; }
    as_postgres() { runuser -u postgres -- "$@"; }
elif command -v sudo >/dev/null 2>&1; then
    as_root() { sudo -n "$@"; }
    as_postgres() { sudo -n -u postgres "$@"; }
else
    die "needs root or sudo to install and start PostgreSQL"
fi

pg_bindir() {
    local version
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/postgres" ] || return 1
    echo "/usr/lib/postgresql/$version/bin"
}

# 1. Install (Debian/Ubuntu) unless a server is already there.
if ! pg_bindir >/dev/null; then
    say "installing PostgreSQL with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >&2
    as_root apt-get install -y -qq postgresql >&2
fi
BIN=$(pg_bindir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
VERSION=$(basename "$(dirname "$BIN")")

# 2. A cluster on loopback, started.
if command -v pg_ctlcluster >/dev/null 2>&1; then
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
        say "creating cluster $VERSION/$CLUSTER on port $PORT"
        as_root pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" \
            -- --auth-local=peer --auth-host=scram-sha-256 >&2
    fi
    status=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')
    if [ "$status" != "online" ]; then
        say "starting cluster $VERSION/$CLUSTER"
        as_root pg_ctlcluster "$VERSION" "$CLUSTER" start -- -o "-c listen_addresses=127.0.0.1" >&2 \
            || as_root pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
    fi
    SOCKET_DIR=/var/run/postgresql
else
    # No Debian wrappers: a private cluster made with initdb and run with pg_ctl.
    DATA="${STATION_PG_DATA:-/var/tmp/station-pg/data}"
    SOCKET_DIR=$(dirname "$DATA")
    as_root mkdir -p "$SOCKET_DIR"
    as_root chown postgres: "$SOCKET_DIR"
    if [ ! -s "$DATA/PG_VERSION" ]; then
        say "initdb in $DATA"
        as_postgres "$BIN/initdb" -D "$DATA" --auth-local=peer --auth-host=scram-sha-256 >&2
    fi
    if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        say "starting server in $DATA"
        as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$SOCKET_DIR/server.log" -w start \
            -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$SOCKET_DIR" >&2
    fi
fi

for _ in $(seq 1 60); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
        break
    fi
    sleep 0.5
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || die "server not accepting connections on 127.0.0.1:$PORT"

# 3. The test role (it may create databases and schemas) and its database.
psql_admin() {
    as_postgres "$BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}
psql_admin -v user="$USER_NAME" -v pass="$PASSWORD" >&2 <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass') \gexec
SQL
psql_admin -v user="$USER_NAME" -v db="$DB_NAME" >&2 <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'user', 'UTF8')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL

# 4. Check the URL really works over TCP before handing it out.
PGPASSWORD="$PASSWORD" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d "$DB_NAME" \
    -qAt -c "SELECT 1" >/dev/null || die "cannot log in as $USER_NAME over 127.0.0.1:$PORT"

encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
echo "postgresql+psycopg://$(encode "$USER_NAME"):$(encode "$PASSWORD")@127.0.0.1:$PORT/$(encode "$DB_NAME")"
