// start-cluster.sh and stop-cluster.sh: POSIX sh, run from anywhere (they find their own directory), each
// member's config, log and pid file named after the member in that directory.
import type { ClusterPlan } from './cluster-plan';
import { shellQuote } from './shell-quote';

export const startScriptName = 'start-cluster.sh';
export const stopScriptName = 'stop-cluster.sh';
/**
 * How long start-cluster.sh waits before checking that every member it started is still running (a config
 * the server refuses stops it well within this); CAIRN_START_CHECK_SECONDS overrides it.
 */
export const startCheckSecondsDefault = 2;
/** How long stop-cluster.sh waits for a member to exit after SIGTERM before it sends SIGKILL (tenths of a second). */
export const stopWaitTenthsMax = 100;

export interface ClusterScripts {
  readonly start: string;
  readonly stop: string;
}

function memberList(plan: ClusterPlan): string {
  return shellQuote(plan.members.map((m) => m.name).join(' '));
}

const findDir = 'DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd) || exit 1';

/** kill -0 alone counts a zombie (exited, not yet reaped by its parent) as running; ps tells them apart. */
const runningFunction = `running() {
  kill -0 "$1" 2>/dev/null || return 1
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in Z*) return 1 ;; esac
}`;

function startScript(plan: ClusterPlan): string {
  return `#!/bin/sh
# Starts the members of cluster ${plan.token} in the background (written by \`cairn init\`).
#   ./${startScriptName}              every member
#   ./${startScriptName} NAME...      only these members (one per host when the members live on several hosts)
# CAIRN_SERVER is the server command (default "cairn server"); CAIRN_SERVER=etcd runs the real etcd.
# Each member's output goes to NAME.log and its pid to NAME.pid in this script's directory. After
# CAIRN_START_CHECK_SECONDS (default ${startCheckSecondsDefault}) it reports the members that have exited already.
set -u
${findDir}
${runningFunction}
SERVER=\${CAIRN_SERVER:-cairn server}
CHECK=\${CAIRN_START_CHECK_SECONDS:-${startCheckSecondsDefault}}
case "$CHECK" in ''|*[!0-9]*) CHECK=${startCheckSecondsDefault} ;; esac
MEMBERS=${memberList(plan)}
[ "$#" -gt 0 ] || set -- $MEMBERS
status=0
started=
for name in "$@"; do
  case " $MEMBERS " in
    *" $name "*) ;;
    *) echo "unknown member: $name (members: $MEMBERS)" >&2; status=2; continue ;;
  esac
  pidfile="$DIR/$name.pid"
  if [ -f "$pidfile" ] && running "$(cat "$pidfile")"; then
    echo "$name is already running (pid $(cat "$pidfile"))"
    continue
  fi
  # $SERVER is split into words on purpose: "cairn server" is a command and its argument
  nohup $SERVER --config-file "$DIR/$name.yaml" >>"$DIR/$name.log" 2>&1 </dev/null &
  echo "$!" >"$pidfile"
  started="$started $name"
  echo "started $name (pid $!), log $DIR/$name.log"
done
[ -n "$started" ] || exit $status
sleep "$CHECK"
for name in $started; do
  if ! running "$(cat "$DIR/$name.pid")"; then
    echo "$name exited at once; the end of $DIR/$name.log:" >&2
    tail -n 5 "$DIR/$name.log" >&2
    rm -f "$DIR/$name.pid"
    status=1
  fi
done
exit $status
`;
}

function stopScript(plan: ClusterPlan): string {
  const waitSeconds = stopWaitTenthsMax / 10;
  return `#!/bin/sh
# Stops the members that ./${startScriptName} started, one at a time: SIGTERM, then SIGKILL after ${waitSeconds} s.
# (Stopping them all at once makes etcd's leader hand its leadership to a member that is stopping too, and
# wait seconds for it.)
#   ./${stopScriptName}              every member
#   ./${stopScriptName} NAME...      only these members
set -u
${findDir}
${runningFunction}
MEMBERS=${memberList(plan)}
[ "$#" -gt 0 ] || set -- $MEMBERS
for name in "$@"; do
  pidfile="$DIR/$name.pid"
  if [ ! -f "$pidfile" ]; then
    echo "$name is not running (no $pidfile)"
    continue
  fi
  pid=$(cat "$pidfile")
  if ! running "$pid"; then
    echo "$name is not running"
    rm -f "$pidfile"
    continue
  fi
  echo "stopping $name (pid $pid)"
  kill -TERM "$pid"
  tenths=0
  while running "$pid"; do
    if [ "$tenths" -ge ${stopWaitTenthsMax} ]; then
      echo "$name did not stop in ${waitSeconds} s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 0.1
    tenths=$((tenths + 1))
  done
  rm -f "$pidfile"
done
exit 0
`;
}

export function clusterScripts(plan: ClusterPlan): ClusterScripts {
  return { start: startScript(plan), stop: stopScript(plan) };
}
