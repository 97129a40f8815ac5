#!/usr/bin/env bash
# benchmark/run.sh: the gateway against nginx as a plain reverse proxy, on this machine (issue 4).
#
#   benchmark/run.sh [bench.py options]      e.g. --duration 5 --huge 0 --no-jmh for a quick look
#
# Installs what it needs when missing (Debian: nginx, wrk, gnuplot-nox; etcd via `make deps`),
# builds the jar and the JMH benchmarks, then runs benchmark/bench.py, which starts an upstream
# nginx, a reference nginx proxy, etcd and the gateway on free 127.0.0.1 ports, measures, and
# writes benchmark/results/<date>.md and <date>.png. Every process is stopped by PID on exit.
# With 2+ cores the load side runs on CPU 0 and the system under test on CPU 1 (taskset).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/.." && pwd)"
sudo=""
[[ "$(id -u)" == 0 ]] || sudo="sudo"

no_jmh=0
no_pin=0
for arg in "$@"; do
  case "$arg" in
    --no-jmh) no_jmh=1 ;;
    --no-pin) no_pin=1 ;;
    -h|--help) exec python3 "$here/bench.py" --help ;;
  esac
done

# --- tools -----------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
if ((${#missing[@]})); then
  echo "run.sh: installing ${missing[*]} (apt-get)"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"
for tool in nginx wrk gnuplot etcd jcmd taskset python3 java mvn; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (make deps installs etcd)" >&2; exit 1; }
done

# --- build -----------------------------------------------------------------------------------
make -C "$home" -s build
if ((!no_jmh)); then
  echo "run.sh: compiling the JMH benchmarks (mvn -Pbenchmark test-compile)"
  (cd "$home" && mvn -B -ntp -q -Pbenchmark test-compile)
fi

# --- run -------------------------------------------------------------------------------------
work="$(mktemp -d /tmp/apigw-bench.XXXXXX)"
driver_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$driver_pid" ]] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # whatever the driver recorded and did not stop itself (it normally stops everything)
  if [[ -f "$work/pids" ]]; then
    while read -r pid name; do
      [[ -n "$pid" ]] || continue
      if kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: stopping leftover $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  # keep the logs, drop the bulky data
  rm -rf "$work/etcd/data" "$work/gateway/logs/config-snapshot.json"*
  echo "run.sh: logs kept in $work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

driver=(python3 "$here/bench.py" --work "$work" "$@")
if ((!no_pin)) && (($(nproc) >= 2)); then
  driver=(taskset -c 0 "${driver[@]}")
fi
"${driver[@]}" &
driver_pid=$!
wait "$driver_pid"
