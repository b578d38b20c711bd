#!/usr/bin/env bash
# Cold start of `cairn ctl` against Node's own start and etcdctl: each command line is run N times (default 20;
# hyperfine is not installed) and the median and mean wall times are printed in ms. Starts a throwaway etcd
# (/usr/bin/etcd) on free ports for the commands that talk to a server. Needs `npm run build` first.
# Usage: scripts/ctl-coldstart.sh [runs]      (figures: docs/DECISIONS.md, "cairn ctl cold start")
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
RUN_JS=bin/run.js

port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
DATA=$(mktemp -d)
CPORT=$(port); PPORT=$(port)
etcd --name coldstart --data-dir "$DATA" --listen-client-urls "http://127.0.0.1:$CPORT" --advertise-client-urls "http://127.0.0.1:$CPORT" \
  --listen-peer-urls "http://127.0.0.1:$PPORT" --initial-advertise-peer-urls "http://127.0.0.1:$PPORT" \
  --initial-cluster "coldstart=http://127.0.0.1:$PPORT" >"$DATA/etcd.log" 2>&1 &
ETCD_PID=$!
trap 'kill $ETCD_PID 2>/dev/null; wait $ETCD_PID 2>/dev/null; rm -rf "$DATA"' EXIT
EP="127.0.0.1:$CPORT"
for _ in $(seq 50); do etcdctl --endpoints "$EP" put coldstart-key v >/dev/null 2>&1 && break; sleep 0.1; done

# measure <label> <command…>: over RUNS runs, the median and mean wall time and the mean CPU time (user+sys,
# less disturbed than wall time when the machine is busy), in ms
measure() {
  local label=$1; shift
  local tf; tf=$(mktemp)
  "$@" >/dev/null 2>&1 || true   # warm the page cache
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -a -o "$tf" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
  done
  grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$tf" | sort -n | awk -v label="$label" '{ a[NR] = $1; s += $1; c += $2 + $3 }
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
          printf "%-44s wall median %6.0f ms  mean %6.0f ms   cpu mean %6.0f ms  (n=%d)\n", label, m * 1000, s / NR * 1000, c / NR * 1000, NR }'
  rm -f "$tf"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpus, node $(node --version)"
measure 'node -e 0' node -e 0
measure 'etcdctl version' etcdctl version
measure 'cairn ctl version (oclif)' env CAIRN_CTL_NO_FAST_PATH=1 node "$RUN_JS" ctl version
measure 'cairn ctl version (fast path)' node "$RUN_JS" ctl version
measure 'etcdctl get' etcdctl --endpoints "$EP" get coldstart-key
measure 'cairn ctl get (oclif)' env CAIRN_CTL_NO_FAST_PATH=1 node "$RUN_JS" ctl --endpoints "$EP" get coldstart-key
measure 'cairn ctl get (fast path)' node "$RUN_JS" ctl --endpoints "$EP" get coldstart-key
measure 'cairn ctl get -w json (fast path)' node "$RUN_JS" ctl --endpoints "$EP" get coldstart-key -w json
measure 'cairn ctl get --help (oclif, unchanged)' node "$RUN_JS" ctl get --help
