#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the scenario library's tests and print its SQLAlchemy URL on stdout.
# Installs Debian's postgresql when root and it is missing. The server lives in a temporary folder, listens on
# 127.0.0.1 only (port $GMV_TEST_POSTGRES_PORT, default a free one), and is stopped by scripts/test.sh when the tests end.
set -euo pipefail
port="${GMV_TEST_POSTGRES_PORT:-$(python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bindir" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's postgresql for the scenario library's tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  else
    echo "warning: PostgreSQL is not installed and we are not root; the library's PostgreSQL tests will be skipped" >&2
    exit 0
  fi
fi
folder="$(mktemp -d /tmp/gmv-postgres-XXXXXX)"
as_user=()
if [ "$(id -u)" = "0" ]; then  # the server refuses to run as root
  chown postgres "$folder"
  as_user=(runuser -u postgres --)
fi
"${as_user[@]}" "$bindir/initdb" -D "$folder/data" -U gmv --auth=trust -E UTF8 >/dev/null
"${as_user[@]}" "$bindir/pg_ctl" -D "$folder/data" -o "-p $port -k $folder -c listen_addresses=127.0.0.1" -l "$folder/log" -w start >/dev/null
"${as_user[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U gmv gmv_test
echo "$folder" > "${GMV_TEST_POSTGRES_FOLDER_FILE:-/dev/null}"
echo "postgresql+psycopg://gmv@127.0.0.1:$port/gmv_test"
