#!/bin/sh
# The official postgres image's entrypoint contract, kept small: on an empty PGDATA create the
# cluster (superuser POSTGRES_USER with POSTGRES_PASSWORD, database POSTGRES_DB), then run the
# server in the foreground as the postgres user.
set -eu

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

# `docker run image -c fsync=off` means `postgres -c fsync=off`.
if [ "${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = postgres ]; then
  if [ "$(id -u)" = 0 ]; then
    install -d -o postgres -g postgres -m 0700 "$PGDATA"
    install -d -o postgres -g postgres -m 2775 /run/postgresql
  fi

  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
      echo "error: POSTGRES_PASSWORD is empty. Set it (docker run -e POSTGRES_PASSWORD=...)," >&2
      echo "       or set POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one." >&2
      exit 1
    fi

    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
    chown postgres "$pwfile" 2>/dev/null || true
    as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" \
      --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" --encoding=UTF8 --locale=C.UTF-8
    rm -f "$pwfile"

    {
      echo "host all all 0.0.0.0/0 $POSTGRES_HOST_AUTH_METHOD"
      echo "host all all ::/0 $POSTGRES_HOST_AUTH_METHOD"
    } >> "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"

    # A temporary server on the unix socket only: clients (and health checks) cannot reach the
    # half-initialised database over TCP.
    as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
    if [ "$POSTGRES_DB" != postgres ]; then
      echo 'CREATE DATABASE :"db";' | as_postgres psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -v db="$POSTGRES_DB"
    fi
    for script in /docker-entrypoint-initdb.d/*; do
      case "$script" in
        *.sql) as_postgres psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f "$script" ;;
        *.sh) . "$script" ;;
      esac
    done
    as_postgres pg_ctl -D "$PGDATA" -m fast -w stop
    echo "PostgreSQL init process complete; ready for start up."
  fi

  rm -f "$PGDATA/postmaster.pid"
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  fi
fi

exec "$@"
