#!/usr/bin/env bash
# Starts the PostgreSQL server the store's tests run against, and prints its URL (also
# written to $GOOSEPOD_CACHE/postgres/url): a `goosepod_test` role with a password and
# CREATEDB, on 127.0.0.1 and a spare port; the tests make a database of their own per test.
#
# The cluster lives under ${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/postgres/cluster, run by
# the `postgres` user when called as root (PostgreSQL refuses to run as root) and by the
# caller otherwise. When the `postgres` user cannot reach the cache (a private home such
# as /root), the cluster goes to ~postgres/goosepod-<hash of the cache path> instead.
#
# Idempotent and quick: when the server is already up and the role signs in, it only prints
# the URL. A server that died (stale postmaster.pid, a pid reused by another process) or
# hangs is cleaned up and started again; a half-made cluster is made again. It is a
# throwaway test server: fsync is off.
#
# Usage: URL=$(scripts/start-postgres.sh)    # progress goes to stderr
#        scripts/start-postgres.sh --stop    # stops the server if it runs
set -euo pipefail

base="${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/postgres"
role=goosepod_test
database=goosepod_test

die() {
  echo "start-postgres: error: $*" >&2
  exit 1
}
log() { echo "start-postgres: $*" >&2; }

# The newest installed server (Debian: /usr/lib/postgresql/<major>/bin).
bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && bin="$dir"
done
[ -n "$bin" ] || die "no PostgreSQL server under /usr/lib/postgresql (scripts/setup.sh installs it)"
version="$(basename "$(dirname "$bin")")"

mkdir -p "$base"
# Others may pass through (to reach the cluster as the server's user), not list it.
chmod 711 "$base"
# One run at a time; a second caller waits, then finds the server up.
exec 9>"$base/.lock"
flock 9

# Who runs the server, and where its files are.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' user (is the postgresql package installed?)"
  as_server() { runuser -u postgres -- "$@"; }
  cluster="$base/cluster"
  mkdir -p "$cluster"
  chown postgres:postgres "$cluster"
  if ! as_server test -w "$cluster" 2>/dev/null; then
    rmdir "$cluster" 2>/dev/null || true
    home="$(getent passwd postgres | cut -d: -f6)"
    cluster="$home/goosepod-$(printf %s "$base" | sha256sum | cut -c1-12)"
    mkdir -p "$cluster"
    chown postgres:postgres "$cluster"
  fi
else
  as_server() { "$@"; }
  cluster="$base/cluster"
  mkdir -p "$cluster"
fi
data="$cluster/data"
run="$cluster/run" # the unix socket, for the superuser's own connections
server_log="$cluster/server.log"
ready="$cluster/ready" # written once the cluster is made and the role exists
echo "$cluster" >"$base/cluster-dir"
((${#run} < 90)) || die "socket directory path too long for a unix socket: $run"

password_file="$base/password"
if [ ! -s "$password_file" ]; then
  (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$password_file")
fi
password="$(cat "$password_file")"
port_file="$cluster/port"

url_for() { echo "postgres://$role:$password@127.0.0.1:$1/$database"; }

# Prints the URL and keeps it in $base/url (it holds the password: the caller's eyes only).
publish_url() {
  (umask 077 && url_for "$1" >"$base/url.new")
  mv -f "$base/url.new" "$base/url"
  cat "$base/url"
}

# The postmaster's pid, if postmaster.pid names a live postgres process of this cluster.
live_pid() {
  local pid
  pid="$(head -n1 "$data/postmaster.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$data" || return 1
  echo "$pid"
}

# Whether the role signs in with the URL's password and reaches its database.
signs_in() { PGCONNECT_TIMEOUT=3 "$bin/psql" -X -q -At "$(url_for "$1")" -c 'SELECT 1' >/dev/null 2>&1; }

stop_server() {
  local pid
  pid="$(live_pid)" || return 0
  log "stopping the server in $data"
  as_server "$bin/pg_ctl" stop -D "$data" -m fast -w -t 10 >/dev/null 2>&1 ||
    as_server "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 5 >/dev/null 2>&1 ||
    { kill -KILL "$pid" && sleep 1; }
  ! live_pid >/dev/null || die "could not stop the server (pid $pid)"
}

if [ "${1:-}" = "--stop" ]; then
  stop_server
  exit 0
fi

# Fast path: up, and the role signs in.
if [ -f "$ready" ] && [ -s "$port_file" ] && live_pid >/dev/null && signs_in "$(cat "$port_file")"; then
  publish_url "$(cat "$port_file")"
  exit 0
fi

# A live postmaster that does not answer: give it time (crash recovery), then stop it.
if pid="$(live_pid)"; then
  port="$(cat "$port_file" 2>/dev/null || true)"
  answers() { [ -n "$port" ] && "$bin/pg_isready" -q -t 1 -h "$run" -p "$port"; }
  for _ in $(seq 20); do
    answers && break
    sleep 0.5
  done
  if ! answers; then
    log "the server (pid $pid) does not answer; stopping it"
    stop_server
  fi
fi

# No live postmaster: whatever lock files remain are stale (a crash, or a reboot that gave
# their pid to another process), and the server would refuse to start over them.
if ! live_pid >/dev/null; then
  rm -f "$data/postmaster.pid" "$run"/.s.PGSQL.*
fi

# A cluster that was never finished, or made by another major version, is made again.
if ! live_pid >/dev/null && { [ ! -f "$ready" ] || [ "$(cat "$data/PG_VERSION" 2>/dev/null)" != "$version" ]; }; then
  log "initialising a PostgreSQL $version cluster in $data"
  rm -rf "$data" "$run" "$ready"
  as_server mkdir -p "$data" "$run"
  as_server chmod 700 "$data"
  as_server "$bin/initdb" -D "$data" -E UTF8 --locale=C --auth-local=peer \
    --auth-host=scram-sha-256 --no-sync >"$cluster/initdb.log" 2>&1 ||
    die "initdb failed; see $cluster/initdb.log"
  as_server tee -a "$data/postgresql.conf" >/dev/null <<EOF

# Goose Pod's test server (scripts/start-postgres.sh): local only, speed over durability.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
include_if_exists = 'port.conf'
EOF
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! pid="$(live_pid)"; then
  port="$(cat "$port_file" 2>/dev/null || true)"
  started=""
  for _ in 1 2 3 4 5; do
    if [ -z "$port" ] || port_taken "$port"; then
      port=$((20000 + RANDOM % 40000))
      port_taken "$port" && { port=""; continue; }
    fi
    echo "port = $port" | as_server tee "$data/port.conf" >/dev/null
    # 9>&-: the server must not inherit (and hold forever) the lock.
    if as_server "$bin/pg_ctl" start -D "$data" -l "$server_log" -w -t 60 >/dev/null 9>&-; then
      started=1
      break
    fi
    log "the server did not start on port $port; see $server_log"
    rm -f "$data/postmaster.pid" "$run"/.s.PGSQL.*
    port=""
  done
  [ -n "$started" ] || die "the server did not start; see $server_log"
  echo "$port" >"$port_file"
  log "started PostgreSQL $version on 127.0.0.1:$port (data: $data)"
fi
port="$(cat "$port_file")"

# The role and its database (idempotent).
as_server "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -d postgres >/dev/null <<EOF ||
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role;
  END IF;
END \$\$;
ALTER ROLE $role WITH LOGIN CREATEDB PASSWORD '$password';
SELECT 'CREATE DATABASE $database OWNER $role'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database') \gexec
EOF
  die "could not create the $role role; see $server_log"
signs_in "$port" || die "the $role role cannot sign in on 127.0.0.1:$port; see $server_log"
touch "$ready"
publish_url "$port"
