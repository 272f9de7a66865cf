# Sourced by bin/dev and bin/test: make sure a PostgreSQL is reachable and holds Tollgate's role
# and database. Uses the configured server if it answers; otherwise starts the local cluster, or
# installs PostgreSQL with apt-get when it is missing and we are root. Says what it does.

: "${TOLLGATE_DB_HOST:=127.0.0.1}"
: "${TOLLGATE_DB_PORT:=5432}"
: "${TOLLGATE_DB_USER:=tollgate}"
export TOLLGATE_DB_HOST TOLLGATE_DB_PORT TOLLGATE_DB_USER

pg_say() { printf '[postgres] %s\n' "$*" >&2; }

pg_reachable() {
  (exec 3<>"/dev/tcp/$TOLLGATE_DB_HOST/$TOLLGATE_DB_PORT") 2>/dev/null
}

pg_is_local() {
  case "$TOLLGATE_DB_HOST" in localhost|127.0.0.1|::1) return 0 ;; *) return 1 ;; esac
}

# Runs a command as the postgres OS user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null && sudo -n -u postgres true 2>/dev/null; then
    sudo -n -u postgres "$@"
  else
    return 97
  fi
}

pg_install() {
  if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    pg_say "PostgreSQL is not installed and I cannot install it (need root and apt-get)."
    pg_say "Install it, or point TOLLGATE_DB_HOST/PORT/USER/PASSWORD at a running server."
    return 1
  fi
  pg_say "PostgreSQL is not installed: installing Debian's postgresql package with apt-get."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

pg_start_local() {
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! [ -d "/etc/postgresql/$version/main" ]; then
    pg_say "Creating the local cluster $version/main."
    if [ "$(id -u)" = 0 ]; then pg_createcluster "$version" main >/dev/null; else return 1; fi
  fi
  pg_say "Starting the local cluster $version/main on port $TOLLGATE_DB_PORT."
  if [ "$(id -u)" = 0 ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  else
    as_postgres pg_ctlcluster "$version" main start || true
  fi
  for _ in $(seq 1 60); do pg_reachable && return 0; sleep 0.5; done
  pg_say "The local cluster did not come up."
  return 1
}

# A local password for the tollgate role, made once and kept out of git (.dev/ is ignored).
pg_password() {
  if [ -n "${TOLLGATE_DB_PASSWORD:-}" ]; then
    return 0
  fi
  local file=.dev/db-password
  if ! [ -s "$file" ]; then
    mkdir -p .dev && chmod 700 .dev
    head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$file"
    chmod 600 "$file"
  fi
  TOLLGATE_DB_PASSWORD=$(cat "$file")
  export TOLLGATE_DB_PASSWORD
}

# ensure_postgres DBNAME: reachable server, role and database present.
ensure_postgres() {
  local db=$1
  pg_password
  if ! pg_reachable; then
    if ! pg_is_local; then
      pg_say "Cannot reach $TOLLGATE_DB_HOST:$TOLLGATE_DB_PORT."
      return 1
    fi
    pg_install && pg_start_local || return 1
  fi
  if ! pg_is_local; then
    pg_say "Using $TOLLGATE_DB_HOST:$TOLLGATE_DB_PORT as configured; role and database '$db' must exist."
    return 0
  fi
  local quoted_pw=${TOLLGATE_DB_PASSWORD//\'/\'\'}
  if ! as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TOLLGATE_DB_USER') THEN
    CREATE ROLE "$TOLLGATE_DB_USER" LOGIN PASSWORD '$quoted_pw';
  ELSE
    ALTER ROLE "$TOLLGATE_DB_USER" LOGIN PASSWORD '$quoted_pw';
  END IF;
END \$\$;
SQL
  then
    pg_say "Could not manage roles as the postgres user; assuming role '$TOLLGATE_DB_USER' and database '$db' exist."
    return 0
  fi
  if [ -z "$(as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    pg_say "Creating database '$db' owned by '$TOLLGATE_DB_USER'."
    as_postgres createdb -O "$TOLLGATE_DB_USER" "$db"
  fi
}

# fresh_database DBNAME: drops the database and creates it empty, so the schema is migrated from
# V1 as on a new machine. Without the postgres OS user (a remote server), empties its public
# schema as the configured role instead.
fresh_database() {
  local db=$1
  if pg_is_local && as_postgres true 2>/dev/null; then
    pg_say "Creating database '$db' anew."
    as_postgres dropdb --if-exists --force "$db"
    as_postgres createdb -O "$TOLLGATE_DB_USER" "$db"
  else
    pg_say "Emptying the public schema of '$db' on $TOLLGATE_DB_HOST:$TOLLGATE_DB_PORT."
    PGPASSWORD=$TOLLGATE_DB_PASSWORD psql -q -v ON_ERROR_STOP=1 -h "$TOLLGATE_DB_HOST" -p "$TOLLGATE_DB_PORT" \
      -U "$TOLLGATE_DB_USER" -d "$db" -c 'DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;' >/dev/null
  fi
}
