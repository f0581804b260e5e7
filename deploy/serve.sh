#!/usr/bin/env bash
# Serve GMV Planner from several Streamlit processes behind Debian's nginx (deploy/nginx.conf), each browser kept on
# one process, all sharing one artifacts folder and one scenario library.
#
#   bash deploy/serve.sh [--servers N] [--listen ADDRESS:PORT] [--first-port PORT]
#
#   --servers N         Streamlit processes (default 2; about one per core, see docs/team.md "A team on several servers")
#   --listen A:P        where nginx listens (default 127.0.0.1:8500); another address needs sign-in (README)
#   --first-port P      the processes listen on 127.0.0.1:P, P+1, ... (default 8601)
#
# What the processes share comes from the environment, as for one process:
#   GMV_ARTIFACTS       the artifacts folder (default artifacts/); on a fresh install the first process to start
#                       trains the default model once and the others wait for it
#   GMV_DATABASE_URL    the team's scenario library: with several processes use PostgreSQL
#                       (postgresql+psycopg://user:password@host/db); the default SQLite file works on one machine
#   GMV_RUN_DIR         nginx's config, logs and pid (default: a new temporary folder)
#   STREAMLIT_SERVER_COOKIE_SECRET   one secret for every process (made here if unset), so a browser's cookies
#                       stay valid whichever process signs them (set it yourself to keep it across restarts)
# Needs: apt-get install nginx. Stops every process it started on Ctrl-C or TERM.
set -euo pipefail
cd "$(dirname "$0")/.."
servers=2
listen=127.0.0.1:8500
first_port=8601
while [ $# -gt 0 ]; do
  case "$1" in
    --servers) servers="$2"; shift 2 ;;
    --listen) listen="$2"; shift 2 ;;
    --first-port) first_port="$2"; shift 2 ;;
    *) echo "deploy/serve.sh: unknown option '$1' (valid: --servers, --listen, --first-port)" >&2; exit 2 ;;
  esac
done
if ! [[ "$servers" =~ ^[1-9][0-9]*$ ]]; then
  echo "deploy/serve.sh: --servers must be a whole number of at least 1, not '$servers'" >&2
  exit 2
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
if [ ! -x "$nginx_bin" ]; then
  echo "deploy/serve.sh: nginx is not installed (apt-get install nginx)" >&2
  exit 2
fi
run_dir="${GMV_RUN_DIR:-$(mktemp -d -t gmv-serve-XXXXXX)}"
mkdir -p "$run_dir"
chmod 711 "$run_dir"  # started as root, nginx's workers run as nobody and must reach their temporary folders
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(python -c 'import secrets; print(secrets.token_urlsafe(32))')}"

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

upstreams=""
for ((i = 0; i < servers; i++)); do
  port=$((first_port + i))
  python -m streamlit run app.py --server.address 127.0.0.1 --server.port "$port" --server.headless true \
    >"$run_dir/streamlit-$port.log" 2>&1 &
  pids+=($!)
  upstreams+="        server 127.0.0.1:$port;"$'\n'
done
sed -e "s#@RUN_DIR@#$run_dir#g" -e "s#@LISTEN@#$listen#g" deploy/nginx.conf \
  | awk -v servers="$upstreams" '{ if ($0 == "@UPSTREAM_SERVERS@") printf "%s", servers; else print }' >"$run_dir/nginx.conf"
"$nginx_bin" -t -q -p "$run_dir" -e "$run_dir/error.log" -c "$run_dir/nginx.conf"
for ((i = 0; i < servers; i++)); do  # nginx starts once every process answers, so no one meets a 502
  port=$((first_port + i))
  for _ in $(seq 600); do
    if python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:$port/_stcore/health', timeout=2).read() != b'ok')" 2>/dev/null; then
      break
    fi
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "deploy/serve.sh: the process on port $port stopped; its log:" >&2
      tail -20 "$run_dir/streamlit-$port.log" >&2
      exit 1
    fi
    sleep 0.2
  done
done
"$nginx_bin" -p "$run_dir" -e "$run_dir/error.log" -c "$run_dir/nginx.conf" -g "daemon off;" &
pids+=($!)
echo "GMV Planner: http://$listen ($servers processes on 127.0.0.1:$first_port-$((first_port + servers - 1)); logs in $run_dir)"
wait -n "${pids[@]}"  # one of them stopped: stop the rest
echo "deploy/serve.sh: a process stopped; stopping the others (logs in $run_dir)" >&2
exit 1
