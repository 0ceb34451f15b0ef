#!/usr/bin/env bash
# test-doadmin.sh: doadmin against a real dosvc and a private nginx on a loopback port, in the style of
# systemd's TEST-13-NSPAWN.importctl.sh: every verb, --help, --json parsed back, (! doadmin ...) for the
# failures, cmp of every transferred file, and a trap that leaves nothing behind.
#
# Environment (set by meson): DOADMIN (the doadmin binary), DOSVC_DAEMON (the dosvc binary; libdosvc
# starts it on first use). Everything else lives in one temp dir: XDG_RUNTIME_DIR and XDG_STATE_HOME
# (so the daemon is a private instance), nginx's prefix and docroot, and the download destinations.
# Waits are bounded loops on the job's state, never sleeps that assume a speed.
set -eux
set -o pipefail

: "${DOADMIN:?DOADMIN must name the doadmin binary}"
: "${DOSVC_DAEMON:?DOSVC_DAEMON must name the dosvc binary}"
# Absolute, since the test changes directory to check relative local paths.
DOADMIN=$(realpath "$DOADMIN")
DOSVC_DAEMON=$(realpath "$DOSVC_DAEMON")
export DOSVC_DAEMON
unset DOSVC_BUS_ADDRESS

WORK=$(mktemp -d /tmp/test-doadmin.XXXXXXXX)
export XDG_RUNTIME_DIR="$WORK/runtime" XDG_STATE_HOME="$WORK/state"
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME"
NGINX_PREFIX="$WORK/nginx"
DOCROOT="$WORK/www"
DEST="$WORK/dest"
mkdir -p "$NGINX_PREFIX/tmp" "$DOCROOT" "$DEST"
NGINX_PID=
BG_PID=

cleanup() {
    set +e
    local pid i
    [[ -n "$BG_PID" ]] && kill "$BG_PID" 2>/dev/null
    if [[ -s "$XDG_RUNTIME_DIR/dosvc/pid" ]]; then
        pid=$(cat "$XDG_RUNTIME_DIR/dosvc/pid")
        kill "$pid" 2>/dev/null
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    fi
    if [[ -n "$NGINX_PID" ]]; then
        kill "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
    fi
    # On failure the daemon's and nginx's logs are the first thing to look at.
    [[ -f "$XDG_STATE_HOME/dosvc/dosvc.log" ]] && tail -n 50 "$XDG_STATE_HOME/dosvc/dosvc.log"
    [[ -f "$NGINX_PREFIX/error.log" ]] && tail -n 20 "$NGINX_PREFIX/error.log"
    rm -rf "$WORK"
}
trap cleanup EXIT

doadmin() {
    "$DOADMIN" "$@"
}

# Exit status of a command that is expected to fail, without tripping set -e.
status_of() {
    local rc=0
    "$@" || rc=$?
    echo "$rc"
}

# Stderr and stdout of a command expected to fail, for grep; its status is checked separately.
errors_of() {
    "$@" 2>&1 || :
}

# grep that reads all of its input: `grep -q` may exit early and make the writer die of SIGPIPE,
# which pipefail would report as a failure. Not for use under `(! ...)`: bash 5.2 does not extend the
# negation's errexit exemption to a function run as a pipeline element there, so those use grep.
contains() {
    grep "$@" >/dev/null
}

# json_get FIELD: prints one field of the JSON object on stdin (python3 expression on `d`).
json_get() {
    python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

job_state() {
    doadmin --json info "$1" | json_get 'd["state"]'
}

# wait_state JOB STATE...: until the job is in one of the states (bounded: 60 s).
wait_state() {
    local job=$1 state i
    shift
    for ((i = 0; i < 600; i++)); do
        state=$(job_state "$job")
        for s in "$@"; do
            [[ "$state" == "$s" ]] && return 0
        done
        sleep 0.1
    done
    echo "job $job stuck in $state, wanted $*" >&2
    return 1
}

# --- nginx on a free loopback port ------------------------------------------------------------------
head -c $((1024 * 1024 + 17)) /dev/urandom >"$DOCROOT/one.bin"
head -c 4096 /dev/urandom >"$DOCROOT/small.bin"
head -c $((3 * 1024 * 1024)) /dev/urandom >"$DOCROOT/big.bin"
: >"$DOCROOT/empty.bin"
chmod -R a+rX "$DOCROOT"

start_nginx() {
    local i
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    {
        # Started as root, workers would run as nobody and could not read a 0700 temp dir.
        [[ $(id -u) -eq 0 ]] && echo "user root;"
        cat <<EOF
daemon off;
worker_processes 1;
pid $NGINX_PREFIX/nginx.pid;
error_log $NGINX_PREFIX/error.log;
events { worker_connections 64; }
http {
    access_log $NGINX_PREFIX/access.log;
    client_body_temp_path $NGINX_PREFIX/tmp/body;
    proxy_temp_path $NGINX_PREFIX/tmp/proxy;
    fastcgi_temp_path $NGINX_PREFIX/tmp/fastcgi;
    uwsgi_temp_path $NGINX_PREFIX/tmp/uwsgi;
    scgi_temp_path $NGINX_PREFIX/tmp/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$PORT;
        root $DOCROOT;
        # Slow enough that a transfer is still running when the test suspends or interrupts it.
        location /slow/ {
            alias $DOCROOT/;
            limit_rate 512k;
        }
    }
}
EOF
    } >"$NGINX_PREFIX/nginx.conf"
    nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -e "$NGINX_PREFIX/error.log" &
    NGINX_PID=$!
    for ((i = 0; i < 100; i++)); do
        if curl -sf -o /dev/null "http://127.0.0.1:$PORT/small.bin"; then
            return 0
        fi
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill "$NGINX_PID" 2>/dev/null || :
    wait "$NGINX_PID" || :
    NGINX_PID=
    return 1
}
# The port was free a moment ago; another process may take it in between, so try a few.
for attempt in 1 2 3 4 5; do
    start_nginx && break
    [[ $attempt -lt 5 ]]
done
URL="http://127.0.0.1:$PORT"

# --- help, version, usage errors (no daemon needed) ---------------------------------------------------
doadmin --help | contains '^SYNOPSIS'
doadmin --help | contains 'EXIT STATUS'
doadmin --help | contains 'DOSVC_DAEMON'
doadmin help | contains 'XDG_RUNTIME_DIR'
doadmin --version | contains '^doadmin [0-9]'
for verb in create addfile resume suspend cancel complete info list setpriority transfer help; do
    doadmin "$verb" --help | contains "^Usage: doadmin \[OPTIONS\] $verb"
done
doadmin help transfer | contains 'SIGINT'
[[ $(status_of doadmin) -eq 2 ]]
[[ $(status_of doadmin frobnicate) -eq 2 ]]
[[ $(status_of doadmin --frobnicate list) -eq 2 ]]
[[ $(status_of doadmin info) -eq 2 ]]
[[ $(status_of doadmin info not-a-guid) -eq 2 ]]
[[ $(status_of doadmin info '{3f2504e0-4f89-11d3-9a0c-0305e82c330}') -eq 2 ]]
[[ $(status_of doadmin list extra) -eq 2 ]]
[[ $(status_of doadmin resume --priority high 3f2504e0-4f89-11d3-9a0c-0305e82c3301) -eq 2 ]]
[[ $(status_of doadmin transfer name "$URL/one.bin") -eq 2 ]]
[[ $(status_of doadmin transfer --priority urgent name "$URL/one.bin" "$DEST/x") -eq 2 ]]
errors_of doadmin info not-a-guid | contains "doadmin: info: 'not-a-guid' is not a job GUID"
# Usage errors never start the service.
[[ ! -e "$XDG_RUNTIME_DIR/dosvc/pid" ]]

# A daemon that cannot be started: DO_E_NO_SERVICE, exit 1.
(
    export XDG_RUNTIME_DIR="$WORK/runtime-none" DOSVC_DAEMON=/nonexistent/dosvc
    mkdir -m 0700 "$XDG_RUNTIME_DIR"
    [[ $(status_of doadmin list) -eq 1 ]]
    errors_of doadmin list | contains '0x80D01001 DO_E_NO_SERVICE'
)

# --- list with no jobs (starts the daemon) --------------------------------------------------------
doadmin list
[[ "$(doadmin list --json | json_get 'len(d)')" == 0 ]]
[[ -s "$XDG_RUNTIME_DIR/dosvc/pid" ]]

# --- create, info, setpriority ------------------------------------------------------------------------
JOB=$(doadmin create "first job")
[[ "$JOB" =~ ^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$ ]]
doadmin info "$JOB" | contains '^State: *SUSPENDED$'
doadmin info "$JOB" | contains '^Name: *first job$'
doadmin --json info "$JOB" | python3 -c '
import json, re, sys
d = json.load(sys.stdin)
assert sorted(d) == sorted(["id", "name", "state", "priority", "bytes_total", "bytes_transferred",
    "files_total", "files_transferred", "error", "files", "creation_time", "modification_time",
    "transfer_completion_time", "description", "owner"]), sorted(d)
assert d["id"] == sys.argv[1], d
assert d["name"] == "first job" and d["state"] == "SUSPENDED" and d["priority"] == "NORMAL", d
assert d["files_total"] == 0 and d["files_transferred"] == 0 and d["files"] == [], d
assert d["error"] is None and d["transfer_completion_time"] is None, d
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["creation_time"]), d
assert d["owner"] == sys.argv[2], d
' "$JOB" "$(id -u)"

# The GUID is accepted without braces and in upper case.
BARE=${JOB#\{}
BARE=${BARE%\}}
doadmin info "$BARE" >/dev/null
doadmin info "${BARE^^}" >/dev/null
doadmin info "${BARE//-/}" >/dev/null

doadmin setpriority "$JOB" high
[[ "$(doadmin --json info "$JOB" | json_get 'd["priority"]')" == HIGH ]]
doadmin setpriority "$JOB" FOREGROUND
[[ "$(doadmin --json info "$JOB" | json_get 'd["priority"]')" == FOREGROUND ]]
[[ $(status_of doadmin setpriority "$JOB" urgent) -eq 2 ]]

# Resume on a job with no files: DO_E_JOB_EMPTY, the job stays SUSPENDED.
[[ $(status_of doadmin resume "$JOB") -eq 1 ]]
errors_of doadmin resume "$JOB" | contains '^doadmin: resume: 0x80D02004 DO_E_JOB_EMPTY: '
[[ "$(job_state "$JOB")" == SUSPENDED ]]

# --- list -------------------------------------------------------------------------------------------
JOB2=$(doadmin create --priority low "second job")
doadmin list | contains '^GUID  *STATE  *PRIORITY  *PROGRESS  *NAME'
doadmin list | grep -F "$JOB" | contains 'first job'
doadmin list | grep -F "$JOB2" | contains 'LOW'
doadmin --json list | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, list) and len(d) == 2, d
ids = [j["id"] for j in d]
assert ids == [sys.argv[1], sys.argv[2]], ids   # oldest first
for j in d:
    assert sorted(j) == sorted(["id", "name", "state", "priority", "bytes_total", "bytes_transferred",
        "files_total", "files_transferred", "error"]), sorted(j)
assert d[1]["priority"] == "LOW" and d[1]["name"] == "second job"
' "$JOB" "$JOB2"
doadmin --json create "json job" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["name"] == "json job" and d["id"].startswith("{"), d
'

# --- cancel -------------------------------------------------------------------------------------------
doadmin addfile "$JOB2" "$URL/small.bin" "$DEST/cancelled.bin"
doadmin cancel "$JOB2"
[[ $(status_of doadmin info "$JOB2") -eq 1 ]]
errors_of doadmin info "$JOB2" | contains "^doadmin: info: 0x80D02003 DO_E_JOB_NOT_FOUND: "
[[ $(status_of doadmin cancel "$JOB2") -eq 1 ]]
(! doadmin list | grep -F "$JOB2")
[[ ! -e "$DEST/cancelled.bin" ]]

# --- addfile (relative path), resume, complete ---------------------------------------------------------
(cd "$DEST" && doadmin addfile "$JOB" "$URL/one.bin" one.bin)
(cd "$DEST" && doadmin addfile "$JOB" "$URL/empty.bin" ./empty.bin)
doadmin --json info "$JOB" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["files"]
assert [x["local_name"] for x in f] == [sys.argv[1] + "/one.bin", sys.argv[1] + "/empty.bin"], f
assert f[0]["remote_name"].endswith("/one.bin") and f[0]["completed"] is False, f
assert d["files_total"] == 2, d
' "$DEST"
[[ $(status_of doadmin addfile "$JOB" "ftp://127.0.0.1/x" "$DEST/x") -eq 1 ]]
errors_of doadmin addfile "$JOB" "ftp://127.0.0.1/x" "$DEST/x" | contains '0x80070057 E_INVALIDARG'

doadmin resume "$JOB"
wait_state "$JOB" TRANSFERRED
# Not under its name before Complete.
[[ ! -e "$DEST/one.bin" ]]
doadmin info "$JOB" | contains '^State: *TRANSFERRED$'
doadmin --json info "$JOB" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["bytes_total"] == 1024 * 1024 + 17 and d["bytes_transferred"] == d["bytes_total"], d
assert d["files_transferred"] == 2 and d["transfer_completion_time"] is not None, d
'
doadmin complete "$JOB"
cmp "$DOCROOT/one.bin" "$DEST/one.bin"
cmp "$DOCROOT/empty.bin" "$DEST/empty.bin"
[[ $(status_of doadmin info "$JOB") -eq 1 ]]
[[ $(status_of doadmin complete "$JOB") -eq 1 ]]

# --- suspend and resume during a transfer ---------------------------------------------------------------
JOB3=$(doadmin create "slow job")
doadmin addfile "$JOB3" "$URL/slow/big.bin" "$DEST/big.bin"
doadmin suspend "$JOB3"            # already SUSPENDED: S_OK
doadmin resume "$JOB3"
wait_state "$JOB3" TRANSFERRING TRANSFERRED
doadmin suspend "$JOB3"
[[ "$(job_state "$JOB3")" == SUSPENDED ]]
doadmin list | grep -F "$JOB3" | contains SUSPENDED
doadmin resume "$JOB3"
wait_state "$JOB3" TRANSFERRED
doadmin complete "$JOB3"
cmp "$DOCROOT/big.bin" "$DEST/big.bin"

# --- errors: info --json on an ERROR job, complete keeping only the finished file -----------------------
JOB4=$(doadmin create "partly broken")
doadmin addfile "$JOB4" "$URL/small.bin" "$DEST/kept.bin"
doadmin addfile "$JOB4" "$URL/missing.bin" "$DEST/missing.bin"
doadmin resume "$JOB4"
wait_state "$JOB4" ERROR
doadmin --json info "$JOB4" | python3 -c '
import json, sys
d = json.load(sys.stdin)
e = d["error"]
assert e is not None and sorted(e) == ["context", "description", "hresult", "name"], e
assert e["hresult"] == "0x80190194" and e["name"] == "BG_E_HTTP_ERROR_404", e
assert isinstance(e["context"], int), e
assert d["state"] == "ERROR" and d["files_transferred"] == 1, d
'
doadmin info "$JOB4" | contains '^Error: *0x80190194 BG_E_HTTP_ERROR_404: '
doadmin --json list | python3 -c '
import json, sys
d = [j for j in json.load(sys.stdin) if j["id"] == sys.argv[1]]
assert len(d) == 1 and d[0]["error"]["hresult"] == "0x80190194", d
' "$JOB4"
doadmin complete "$JOB4" 2>"$WORK/complete.err"
grep -q 'BG_S_PARTIAL_COMPLETE' "$WORK/complete.err"
cmp "$DOCROOT/small.bin" "$DEST/kept.bin"
[[ ! -e "$DEST/missing.bin" ]]

# --- transfer -------------------------------------------------------------------------------------------
doadmin transfer "one-shot" "$URL/one.bin" "$DEST/t1.bin" 2>"$WORK/transfer.err"
cmp "$DOCROOT/one.bin" "$DEST/t1.bin"
grep -q 'done' "$WORK/transfer.err"

# "$DOADMIN" rather than the doadmin function: set -x would trace the function's body into the file.
(cd "$DEST" && "$DOADMIN" --quiet transfer --priority foreground "two files" \
    "$URL/small.bin" t2a.bin "$URL/big.bin" sub-t2b.bin 2>"$WORK/transfer.err")
[[ ! -s "$WORK/transfer.err" ]]
cmp "$DOCROOT/small.bin" "$DEST/t2a.bin"
cmp "$DOCROOT/big.bin" "$DEST/sub-t2b.bin"

# On a terminal: the progress line is redrawn with \r.
if script -qfec true /dev/null >/dev/null 2>&1; then
    script -qfec "\"$DOADMIN\" transfer tty \"$URL/slow/one.bin\" \"$DEST/t3.bin\"" /dev/null >"$WORK/tty.out"
    grep -q $'\r' "$WORK/tty.out"
    grep -q '%' "$WORK/tty.out"
    cmp "$DOCROOT/one.bin" "$DEST/t3.bin"
fi

# A failing transfer prints the HRESULT and cancels its job.
[[ $(status_of doadmin transfer broken "$URL/nope.bin" "$DEST/nope.bin") -eq 1 ]]
errors_of doadmin transfer broken "$URL/nope.bin" "$DEST/nope.bin" | contains '0x80190194 BG_E_HTTP_ERROR_404'
[[ ! -e "$DEST/nope.bin" ]]
(! doadmin list | grep broken >/dev/null)
# Into a directory that does not exist: refused at AddFileSet, and no job is left behind.
[[ $(status_of doadmin transfer nodir "$URL/small.bin" "$DEST/no/such/dir/f") -eq 1 ]]
(! doadmin list | grep nodir >/dev/null)

# SIGINT and SIGTERM cancel the job and exit 130. A background job of a non-interactive shell starts
# with SIGINT ignored, so restore the default for the SIGINT case.
for sig in INT TERM; do
    env --default-signal=INT "$DOADMIN" transfer "interrupted-$sig" "$URL/slow/big.bin" "$DEST/int.bin" &
    BG_PID=$!
    for ((i = 0; i < 600; i++)); do
        doadmin list | grep "interrupted-$sig" | grep TRANSFERRING >/dev/null && break
        sleep 0.1
    done
    kill -s "$sig" "$BG_PID"
    rc=0
    wait "$BG_PID" || rc=$?
    BG_PID=
    [[ $rc -eq 130 ]]
    (! doadmin list | grep "interrupted-$sig" >/dev/null)
    [[ ! -e "$DEST/int.bin" ]]
done

# No temporary files left anywhere in the destination: every job was completed or cancelled.
[[ -z "$(find "$DEST" -name '.*' -type f)" ]]

# What is left ("json job"): cancel it, and the list is empty again.
for id in $(doadmin --json list | json_get '" ".join(j["id"] for j in d)'); do
    doadmin cancel "$id"
done
[[ "$(doadmin --json list | json_get 'len(d)')" == 0 ]]
doadmin list 2>&1 | contains 'No jobs.'

echo "test-doadmin: OK"
