#!/usr/bin/env bash
# test-daemon.sh: the daemon as a process: foreground start in isolated XDG dirs, one instance per
# runtime dir, a stale socket from a killed daemon replaced, clean exit (status 0) on SIGTERM and
# SIGINT with the pid file and socket removed, jobs kept across restarts. Under ASan+UBSan a leak
# or a sanitizer report makes the daemon exit non-zero, so the exit-status checks catch those too.
#
# Env: DOSVC_DAEMON (daemon binary), DOADMIN (doadmin binary).
set -eux
set -o pipefail

: "${DOSVC_DAEMON:?}" "${DOADMIN:?}"
root=$(mktemp -d /tmp/dosvc-test-daemon.XXXXXX)
export XDG_RUNTIME_DIR=$root/run XDG_STATE_HOME=$root/state
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME"
rundir=$XDG_RUNTIME_DIR/dosvc
daemon_pid=

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib-nginx.sh"

cleanup() {
        set +e
        nginx_stop "$root/nginx"
        [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
        [ -f "$rundir/pid" ] && kill -KILL "$(cat "$rundir/pid")" 2>/dev/null
        rm -rf "$root"
}
trap cleanup EXIT

# Start the daemon in the foreground, wait (bounded) until its socket answers.
start_daemon() {
        "$DOSVC_DAEMON" >>"$root/daemon.log" 2>&1 &
        daemon_pid=$!
        for _ in $(seq 1 200); do
                if [ -S "$rundir/bus" ] && [ -s "$rundir/pid" ] && [ "$(cat "$rundir/pid")" = "$daemon_pid" ]; then
                        return 0
                fi
                kill -0 "$daemon_pid" || return 1
                sleep 0.05
        done
        return 1
}

# Stop with a signal and require exit status 0 (sanitizer reports make it non-zero).
stop_daemon() {
        local sig=$1 status=0
        kill "-$sig" "$daemon_pid"
        wait "$daemon_pid" || status=$?
        daemon_pid=
        [ "$status" -eq 0 ] || { cat "$root/daemon.log"; return 1; }
        [ ! -e "$rundir/pid" ]
        [ ! -e "$rundir/bus" ]
}

"$DOSVC_DAEMON" --help | grep -q "Usage: dosvc"
"$DOSVC_DAEMON" --version | grep -q "^dosvc "
(! "$DOSVC_DAEMON" --no-such-option)
(! "$DOSVC_DAEMON" extra-argument)

start_daemon
# the runtime dir is private
[ "$(stat -c %a "$rundir")" = 700 ]
# a second instance for the same runtime dir refuses to start and leaves the first one alone
(! "$DOSVC_DAEMON" 2>"$root/second.log")
grep -q "already running" "$root/second.log"
kill -0 "$daemon_pid"

# A real transfer, and one stopped mid-way by SIGTERM: the clean shutdown checkpoints it.
mkdir -p "$root/www" "$root/dl"
head -c 3000000 /dev/urandom >"$root/www/f"
nginx_start "$root/nginx" "$root/www"
"$DOADMIN" transfer quick "http://127.0.0.1:$NGINX_PORT/f" "$root/dl/f"
cmp "$root/www/f" "$root/dl/f"
slow=$("$DOADMIN" create "stopped by SIGTERM")
"$DOADMIN" addfile "$slow" "http://127.0.0.1:$NGINX_PORT/veryslow/f" "$root/dl/slow"
"$DOADMIN" resume "$slow"
sleep 1

id=$("$DOADMIN" create "kept across restarts")
"$DOADMIN" setpriority "$id" high
stop_daemon TERM
# the interrupted file kept its durable bytes in its temp file, nothing under its final name
ls -a "$root/dl" | grep -q '^\.dosvc-.*\.part$'
[ ! -e "$root/dl/slow" ]

# SIGKILL leaves a stale socket and pid file behind; the next daemon replaces them.
start_daemon
"$DOADMIN" info "$id" | grep -q "kept across restarts"
kill -KILL "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
[ -S "$rundir/bus" ]
start_daemon
"$DOADMIN" cancel "$slow"
(! ls -a "$root/dl" | grep -q '^\.dosvc-')
"$DOADMIN" info --json "$id" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["priority"]=="HIGH", j; assert j["state"]=="SUSPENDED", j'
"$DOADMIN" cancel "$id"
stop_daemon INT

echo "test-daemon: OK"
