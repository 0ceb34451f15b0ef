#!/usr/bin/env bash
# test-doadmin.sh: doadmin against a real dosvc and a private nginx on a loopback port, in the style of
# systemd's TEST-13-NSPAWN.importctl.sh: every verb, each verb's --help, --json parsed back with
# python3, (! doadmin ...) for the failures, the bitsadmin spellings, cmp of every transferred file,
# the man pages and the bash completion, and a trap that leaves nothing behind.
#
# Environment (set by meson): DOADMIN (the doadmin binary), DOSVC_DAEMON (the dosvc binary; libdosvc
# starts it on first use). Everything else lives in one temp dir: XDG_RUNTIME_DIR and XDG_STATE_HOME
# (so the daemon is a private instance), nginx's prefix and docroot, and the download destinations.
# Waits are bounded loops on the job's state, never sleeps that assume a speed.
#
# Verbs whose API another engineer is still implementing accept either success or exactly the
# E_NOTIMPL line (api_or_notimpl); each says which it got on stderr ("NOTIMPL: ..."), so that the
# check can be tightened once the API is there.
set -eux
set -o pipefail

: "${DOADMIN:?DOADMIN must name the doadmin binary}"
: "${DOSVC_DAEMON:?DOSVC_DAEMON must name the dosvc binary}"
# Absolute, since the test changes directory to check relative local paths.
DOADMIN=$(realpath "$DOADMIN")
DOSVC_DAEMON=$(realpath "$DOSVC_DAEMON")
export DOSVC_DAEMON
unset DOSVC_BUS_ADDRESS
SRCDIR=$(cd "$(dirname "$(realpath "$0")")/../.." && pwd)

WORK=$(mktemp -d /tmp/test-doadmin.XXXXXXXX)
export XDG_RUNTIME_DIR="$WORK/runtime" XDG_STATE_HOME="$WORK/state"
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME"
NGINX_PREFIX="$WORK/nginx"
DOCROOT="$WORK/www"
DEST="$WORK/dest"
mkdir -p "$NGINX_PREFIX/tmp" "$DOCROOT" "$DEST"
NGINX_PID=
BG_PID=
NOBODY_DIR=

stop_daemon_of() {
    local pidfile=$1 pid i
    [[ -s "$pidfile" ]] || return 0
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || :
}

cleanup() {
    set +e
    [[ -n "$BG_PID" ]] && kill "$BG_PID" 2>/dev/null
    stop_daemon_of "$XDG_RUNTIME_DIR/dosvc/pid"
    if [[ -n "$NOBODY_DIR" ]]; then
        stop_daemon_of "$NOBODY_DIR/runtime/dosvc/pid"
        rm -rf "$NOBODY_DIR"
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

# Exit status of a command that is expected to fail, without tripping set -e. Its stdout is dropped
# (wait prints the state even when it fails); its stderr stays in the log.
status_of() {
    local rc=0
    "$@" >/dev/null || rc=$?
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

# json_check 'PYTHON ASSERTIONS on d' [ARGS...]: parses stdin as JSON into d and runs the code.
json_check() {
    local code=$1
    shift
    python3 -c "import json, re, sys
d = json.load(sys.stdin)
$code" "$@"
}

# stdout_of COMMAND...: the standard output of a command expected to fail (its status is checked
# separately), for the JSON that wait prints along with a non-zero status.
stdout_of() {
    "$@" 2>/dev/null || :
}

job_state() {
    doadmin getstate "$1"
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

# api_or_notimpl VERB ARGS...: runs doadmin; succeeds when the verb succeeds (prints "OK"), or when it
# fails with exit 1 and exactly the E_NOTIMPL line (prints "NOTIMPL"). Anything else fails the test.
api_or_notimpl() {
    local rc=0 out verb=${1#/}
    verb=${verb,,}                     # the message names the verb as doadmin spells it
    out=$("$DOADMIN" "$@" 2>&1) || rc=$?
    if [[ $rc -eq 0 ]]; then
        echo OK
    elif [[ $rc -eq 1 && "$out" == "doadmin: $verb: 0x80004001 E_NOTIMPL: The method is not implemented."* ]]; then
        echo "NOTIMPL: doadmin $1 still answers E_NOTIMPL" >&2
        echo NOTIMPL
    else
        echo "doadmin $*: unexpected status $rc: $out" >&2
        return 1
    fi
}

# --- nginx on a free loopback port ------------------------------------------------------------------
head -c $((1024 * 1024 + 17)) /dev/urandom >"$DOCROOT/one.bin"
head -c 4096 /dev/urandom >"$DOCROOT/small.bin"
head -c $((3 * 1024 * 1024)) /dev/urandom >"$DOCROOT/big.bin"
head -c $((8 * 1024 * 1024)) /dev/urandom >"$DOCROOT/huge.bin"
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
        # huge.bin takes ~40 s here: wait --timeout and the monitor see it TRANSFERRING.
        location /veryslow/ {
            alias $DOCROOT/;
            limit_rate 200k;
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
ALL_VERBS="create addfile addfilewithranges resume suspend cancel complete takeownership reset transfer
    info list listfiles getstate getprogress gettimes geterror geterrorcount getdisplayname getdescription
    getowner gettype getpriority getnotifyflags getnotifycmdline getnoprogresstimeout getminretrydelay
    getproxysettings setdisplayname setdescription setpriority setnotifyflags setnotifycmdline
    setnoprogresstimeout setminretrydelay setproxysettings setremotename monitor wait help"
doadmin --help | contains '^SYNOPSIS'
doadmin --help | contains 'EXIT STATUS'
doadmin --help | contains '^  3 .*wait --timeout'
doadmin --help | contains '^  130 '
doadmin --help | contains 'DOSVC_DAEMON'
doadmin help | contains 'XDG_RUNTIME_DIR'
doadmin --version | contains '^doadmin [0-9]'
for verb in $ALL_VERBS; do
    doadmin "$verb" --help | contains "^Usage: doadmin \[OPTIONS\] $verb"
    doadmin help "$verb" | contains "^Usage: doadmin \[OPTIONS\] $verb"
    doadmin "$verb" --help | contains '^EXIT STATUS'
    # Every verb is in the full help and in the man page.
    doadmin --help | contains "^  $verb\b"
    grep -q -- "^\.B[IR]\? \"\?$verb\b" "$SRCDIR/docs/doadmin.1"
    # ... and in the bash completion.
    grep -q -- "\b$verb\b" "$SRCDIR/data/bash-completion/doadmin"
done
# The bitsadmin spelling of each, in any case.
for verb in $ALL_VERBS; do
    doadmin "/$verb" --help | contains "^Usage: doadmin \[OPTIONS\] $verb"
done
doadmin /GETSTATE --help | contains '^Usage: doadmin \[OPTIONS\] getstate'
doadmin '/?' | contains '^SYNOPSIS'
doadmin /getbytestotal --help | contains '^Usage: doadmin \[OPTIONS\] getprogress'
doadmin /GetCreationTime --help | contains '^Usage: doadmin \[OPTIONS\] gettimes'
doadmin /getproxylist --help | contains '^Usage: doadmin \[OPTIONS\] getproxysettings'
doadmin help transfer | contains 'SIGINT'
doadmin help wait | contains 'exits 3'
doadmin help monitor | contains 'press q'

GUID0='{3f2504e0-4f89-11d3-9a0c-0305e82c3301}'
[[ $(status_of doadmin) -eq 2 ]]
[[ $(status_of doadmin frobnicate) -eq 2 ]]
[[ $(status_of doadmin /frobnicate) -eq 2 ]]
# A slash verb is only a verb with the slash: "create" without it is not "/create" with a typo.
[[ $(status_of doadmin CREATE x) -eq 2 ]]
[[ $(status_of doadmin --frobnicate list) -eq 2 ]]
[[ $(status_of doadmin info) -eq 2 ]]
[[ $(status_of doadmin info not-a-guid) -eq 2 ]]
[[ $(status_of doadmin info '{3f2504e0-4f89-11d3-9a0c-0305e82c330}') -eq 2 ]]
[[ $(status_of doadmin list extra) -eq 2 ]]
[[ $(status_of doadmin resume --priority high "$GUID0") -eq 2 ]]
errors_of doadmin resume --priority high "$GUID0" | contains 'is not an option of resume'
[[ $(status_of doadmin list --once) -eq 2 ]]
[[ $(status_of doadmin info --all-users "$GUID0") -eq 2 ]]
[[ $(status_of doadmin getstate --timeout 3 "$GUID0") -eq 2 ]]
[[ $(status_of doadmin create --sha256 "$(printf 'a%.0s' {1..64})" x) -eq 2 ]]
[[ $(status_of doadmin transfer name "$URL/one.bin") -eq 2 ]]
[[ $(status_of doadmin transfer --priority urgent name "$URL/one.bin" "$DEST/x") -eq 2 ]]
[[ $(status_of doadmin wait --timeout soon "$GUID0") -eq 2 ]]
[[ $(status_of doadmin wait --timeout -1 "$GUID0") -eq 2 ]]
[[ $(status_of doadmin wait "$GUID0" extra) -eq 2 ]]
[[ $(status_of doadmin monitor --refresh 0.01) -eq 2 ]]
[[ $(status_of doadmin monitor --refresh x) -eq 2 ]]
[[ $(status_of doadmin monitor extra) -eq 2 ]]
[[ $(status_of doadmin addfile --sha256 abc "$GUID0" "$URL/x" "$DEST/x") -eq 2 ]]
errors_of doadmin addfile --sha256 abc "$GUID0" "$URL/x" "$DEST/x" | contains 'not a SHA-256 digest'
[[ $(status_of doadmin addfile --sha256 "$(printf 'g%.0s' {1..64})" "$GUID0" "$URL/x" "$DEST/x") -eq 2 ]]
for ranges in "" "0" "0:" ":5" "0:5," "0:5;6:7" "-1:5" "0:five" "a:b" "0:5:6" "eof:5" "99999999999999999999:1"; do
    [[ $(status_of doadmin addfilewithranges "$GUID0" "$URL/x" "$DEST/x" "$ranges") -eq 2 ]]
done
errors_of doadmin addfilewithranges "$GUID0" "$URL/x" "$DEST/x" 0:x | contains 'is not a range list'
[[ $(status_of doadmin addfilewithranges "$GUID0" "$URL/x" "$DEST/x") -eq 2 ]]
for flags in "" bogus "transferred,,error" "transferred," 0x 0xfffffffff 99999999999 -1; do
    [[ $(status_of doadmin setnotifyflags "$GUID0" "$flags") -eq 2 ]]
done
for seconds in "" -1 1.5 10x 4294967296 50000d 10ms; do
    [[ $(status_of doadmin setnoprogresstimeout "$GUID0" "$seconds") -eq 2 ]]
    [[ $(status_of doadmin setminretrydelay "$GUID0" "$seconds") -eq 2 ]]
done
[[ $(status_of doadmin setpriority "$GUID0" urgent) -eq 2 ]]
[[ $(status_of doadmin setremotename "$GUID0" first "$URL/x") -eq 2 ]]
[[ $(status_of doadmin setremotename "$GUID0" -1 "$URL/x") -eq 2 ]]
[[ $(status_of doadmin setproxysettings "$GUID0" sometimes) -eq 2 ]]
[[ $(status_of doadmin setproxysettings "$GUID0" override) -eq 2 ]]
[[ $(status_of doadmin setproxysettings "$GUID0" no_proxy http://proxy:3128) -eq 2 ]]
[[ $(status_of doadmin setproxysettings "$GUID0" override a b c) -eq 2 ]]
[[ $(status_of doadmin setnotifycmdline "$GUID0" "" "/bin/true") -eq 2 ]]
[[ $(status_of doadmin setnotifycmdline "$GUID0") -eq 2 ]]
[[ $(status_of doadmin /transfer x /upload "$URL/x" "$DEST/x") -eq 2 ]]
[[ $(status_of doadmin /list /priority) -eq 2 ]]
errors_of doadmin info not-a-guid | contains "doadmin: info: 'not-a-guid' is not a job GUID"
# Usage errors never start the service.
[[ ! -e "$XDG_RUNTIME_DIR/dosvc/pid" ]]

# A daemon that cannot be started: DO_E_NO_SERVICE, exit 1.
(
    export XDG_RUNTIME_DIR="$WORK/runtime-none" DOSVC_DAEMON=/nonexistent/dosvc
    mkdir -m 0700 "$XDG_RUNTIME_DIR"
    [[ $(status_of doadmin list) -eq 1 ]]
    errors_of doadmin list | contains '0x80D01001 DO_E_NO_SERVICE'
    [[ $(status_of doadmin monitor --once) -eq 1 ]]
    [[ $(status_of doadmin wait "$GUID0") -eq 1 ]]
)

# --- the manual pages and the bash completion -----------------------------------------------------------
if command -v man >/dev/null; then
    for page in docs/doadmin.1 docs/dosvc.8; do
        MANWIDTH=100 man -l "$SRCDIR/$page" >"$WORK/man.txt"
        contains '^EXIT STATUS' "$WORK/man.txt"
        contains '^ENVIRONMENT' "$WORK/man.txt"
        contains '^FILES' "$WORK/man.txt"
        contains '^EXAMPLES' "$WORK/man.txt"
        contains '^SEE ALSO' "$WORK/man.txt"
    done
    # Every option of doadmin is in its page.
    for opt in --json --quiet --priority --all-users --sha256 --once --refresh --timeout --help --version; do
        MANWIDTH=100 man -l "$SRCDIR/docs/doadmin.1" | contains -- "$opt"
    done
else
    echo "man is not installed: not rendering the man pages" >&2
fi
if command -v groff >/dev/null; then
    # No roff warnings (bad macros, lines that cannot be broken).
    [[ -z "$(groff -man -Tutf8 -ww -z "$SRCDIR/docs/doadmin.1" 2>&1)" ]]
    [[ -z "$(groff -man -Tutf8 -ww -z "$SRCDIR/docs/dosvc.8" 2>&1)" ]]
fi
bash -c ". '$SRCDIR/data/bash-completion/doadmin'; complete -p doadmin" | contains -- '-F _doadmin doadmin'

# complete_words WORD...: what the completion offers for the command line WORD... (the last word is
# the one being completed), one per line.
complete_words() {
    PATH="$(dirname "$DOADMIN"):$PATH" bash -c '. "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _doadmin; printf "%s\n" "${COMPREPLY[@]}"' _ "$SRCDIR/data/bash-completion/doadmin" "$@"
}
complete_words doadmin getst | contains -x getstate
complete_words doadmin /setp | contains -x /setpriority
complete_words doadmin setpriority "$GUID0" f | contains -x foreground
complete_words doadmin monitor --o | contains -x -- --once
complete_words doadmin wait --t | contains -x -- --timeout
complete_words doadmin setproxysettings "$GUID0" ov | contains -x override
complete_words doadmin --s | contains -x -- --system
complete_words doadmin --system getst | contains -x getstate
# No service runs yet: completing a JOB must not start one.
complete_words doadmin info ''
[[ ! -e "$XDG_RUNTIME_DIR/dosvc/pid" ]]
# Nor with --system, when no system service runs: nothing is asked of a bus that is not there.
[[ -z "$(DOSVC_SYSTEM_BUS_ADDRESS= complete_words doadmin --system info '')" ]] || [[ -d /run/dosvc ]]

# --- list with no jobs (starts the daemon) --------------------------------------------------------
doadmin list
[[ "$(doadmin list --json | json_get 'len(d)')" == 0 ]]
[[ -s "$XDG_RUNTIME_DIR/dosvc/pid" ]]
doadmin list 2>&1 | contains 'No jobs.'
doadmin monitor --once | contains 'No jobs.'
doadmin --json monitor --once | json_check 'assert d["jobs"] == [] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["time"]), d'

# --- create, info, the getters ------------------------------------------------------------------------
JOB=$(doadmin create "first job")
[[ "$JOB" =~ ^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$ ]]
doadmin info "$JOB" | contains '^State: *SUSPENDED$'
doadmin info "$JOB" | contains '^Name: *first job$'
doadmin info "$JOB" | contains '^Type: *DOWNLOAD$'
doadmin info "$JOB" | contains '^Notify flags: *0x3 JOB_TRANSFERRED|JOB_ERROR$'
doadmin --json info "$JOB" | json_check '
assert sorted(d) == sorted(["id", "name", "state", "priority", "bytes_total", "bytes_transferred",
    "files_total", "files_transferred", "error", "files", "creation_time", "modification_time",
    "transfer_completion_time", "description", "owner", "type", "error_count", "notify_flags",
    "no_progress_timeout", "minimum_retry_delay"]), sorted(d)
assert d["id"] == sys.argv[1], d
assert d["name"] == "first job" and d["state"] == "SUSPENDED" and d["priority"] == "NORMAL", d
assert d["files_total"] == 0 and d["files_transferred"] == 0 and d["files"] == [], d
assert d["error"] is None and d["transfer_completion_time"] is None, d
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["creation_time"]), d
assert d["owner"] == sys.argv[2] and d["type"] == "DOWNLOAD" and d["error_count"] == 0, d
assert d["notify_flags"] == 3 and d["no_progress_timeout"] == 86400 and d["minimum_retry_delay"] == 600, d
' "$JOB" "$(id -u)"

# The GUID is accepted without braces, in upper case, and as 32 bare hex digits.
BARE=${JOB#\{}
BARE=${BARE%\}}
doadmin info "$BARE" >/dev/null
doadmin info "${BARE^^}" >/dev/null
doadmin info "${BARE//-/}" >/dev/null

# Each getter, as text and as JSON.
[[ "$(doadmin getstate "$JOB")" == SUSPENDED ]]
doadmin --json getstate "$JOB" | json_check 'assert d == {"state": "SUSPENDED"}, d'
[[ "$(doadmin getpriority "$JOB")" == NORMAL ]]
doadmin getpriority --json "$JOB" | json_check 'assert d == {"priority": "NORMAL"}, d'
[[ "$(doadmin gettype "$JOB")" == DOWNLOAD ]]
doadmin --json gettype "$JOB" | json_check 'assert d == {"type": "DOWNLOAD"}, d'
[[ "$(doadmin getdisplayname "$JOB")" == "first job" ]]
doadmin --json getdisplayname "$JOB" | json_check 'assert d == {"name": "first job"}, d'
[[ "$(doadmin getdescription "$JOB")" == "" ]]
doadmin --json getdescription "$JOB" | json_check 'assert d == {"description": ""}, d'
doadmin getowner "$JOB" | contains "^$(id -u)\b"
doadmin --json getowner "$JOB" | json_check '
import pwd
assert d == {"owner": sys.argv[1], "owner_name": pwd.getpwuid(int(sys.argv[1])).pw_name}, d' "$(id -u)"
[[ "$(doadmin geterrorcount "$JOB")" == 0 ]]
doadmin --json geterrorcount "$JOB" | json_check 'assert d == {"error_count": 0}, d'
[[ "$(doadmin getnotifyflags "$JOB")" == "0x3 JOB_TRANSFERRED|JOB_ERROR" ]]
doadmin --json getnotifyflags "$JOB" | json_check 'assert d == {"notify_flags": 3, "names": ["JOB_TRANSFERRED", "JOB_ERROR"]}, d'
[[ "$(doadmin getnoprogresstimeout "$JOB")" == 86400 ]]
doadmin --json getnoprogresstimeout "$JOB" | json_check 'assert d == {"no_progress_timeout": 86400}, d'
[[ "$(doadmin getminretrydelay "$JOB")" == 600 ]]
doadmin --json getminretrydelay "$JOB" | json_check 'assert d == {"minimum_retry_delay": 600}, d'
doadmin getprogress "$JOB" | contains '^Files total: *0$'
doadmin --json getprogress "$JOB" | json_check '
assert d == {"bytes_total": 0, "bytes_transferred": 0, "files_total": 0, "files_transferred": 0,
             "percent": None}, d'
doadmin gettimes "$JOB" | contains '^Transfer completed: *never$'
doadmin --json gettimes "$JOB" | json_check '
assert sorted(d) == ["creation_time", "modification_time", "transfer_completion_time"], d
assert d["creation_time"] <= d["modification_time"] and d["transfer_completion_time"] is None, d'
# No error yet: geterror reports DO_E_ERROR_INFORMATION_UNAVAILABLE and fails.
[[ $(status_of doadmin geterror "$JOB") -eq 1 ]]
errors_of doadmin geterror "$JOB" | contains '^doadmin: geterror: 0x80D02014 DO_E_ERROR_INFORMATION_UNAVAILABLE: '
(! doadmin --json geterror "$JOB" 2>/dev/null)
doadmin getproxysettings "$JOB" | contains '^Usage: *PRECONFIG$'
doadmin --json getproxysettings "$JOB" | json_check 'assert d == {"usage": "PRECONFIG", "proxy_list": None, "bypass_list": None}, d'
doadmin listfiles "$JOB" 2>&1 | contains 'No files.'
[[ "$(doadmin --json listfiles "$JOB" | json_get 'len(d)')" == 0 ]]

# --- the setters ----------------------------------------------------------------------------------------
doadmin setpriority "$JOB" high
[[ "$(doadmin --json info "$JOB" | json_get 'd["priority"]')" == HIGH ]]
doadmin setpriority "$JOB" FOREGROUND
[[ "$(doadmin getpriority "$JOB")" == FOREGROUND ]]
doadmin setdisplayname "$JOB" "renamed job"
[[ "$(doadmin getdisplayname "$JOB")" == "renamed job" ]]
doadmin setdescription "$JOB" "a \"quoted\" description"
doadmin --json getdescription "$JOB" | json_check 'assert d == {"description": "a \"quoted\" description"}, d'
# Limits are the service's: BG_E_STRING_TOO_LONG past 1024 characters, E_INVALIDARG past 256.
[[ $(status_of doadmin setdescription "$JOB" "$(printf 'x%.0s' {1..1025})") -eq 1 ]]
errors_of doadmin setdescription "$JOB" "$(printf 'x%.0s' {1..1025})" | contains '0x80200021 BG_E_STRING_TOO_LONG'
[[ $(status_of doadmin setdisplayname "$JOB" "$(printf 'x%.0s' {1..257})") -eq 1 ]]
doadmin setnotifyflags "$JOB" transferred,error,modification
[[ "$(doadmin getnotifyflags "$JOB")" == "0xB JOB_TRANSFERRED|JOB_ERROR|JOB_MODIFICATION" ]]
doadmin setnotifyflags "$JOB" 'BG_NOTIFY_FILE_TRANSFERRED|job-error'
[[ "$(doadmin --json getnotifyflags "$JOB" | json_get 'd["notify_flags"]')" == 18 ]]
doadmin setnotifyflags "$JOB" 0x3
doadmin setnotifyflags "$JOB" none
[[ "$(doadmin getnotifyflags "$JOB")" == "0x0 none" ]]
doadmin setnotifyflags "$JOB" 3
# Bits outside BG_NOTIFY_*: the service's E_NOTIMPL (BITS), exit 1.
errors_of doadmin setnotifyflags "$JOB" 0x40 | contains '0x80004001 E_NOTIMPL'
[[ $(status_of doadmin setnotifyflags "$JOB" 0x40) -eq 1 ]]
doadmin setnoprogresstimeout "$JOB" 120
[[ "$(doadmin getnoprogresstimeout "$JOB")" == 120 ]]
doadmin setnoprogresstimeout "$JOB" 2h
[[ "$(doadmin getnoprogresstimeout "$JOB")" == 7200 ]]
doadmin setminretrydelay "$JOB" 1m
[[ "$(doadmin getminretrydelay "$JOB")" == 60 ]]
doadmin setminretrydelay "$JOB" 1
[[ "$(doadmin getminretrydelay "$JOB")" == 5 ]]    # raised to the 5 s minimum
doadmin setproxysettings "$JOB" override http://127.0.0.1:3128 "localhost;127.0.0.1"
doadmin --json getproxysettings "$JOB" | json_check '
assert d == {"usage": "OVERRIDE", "proxy_list": "http://127.0.0.1:3128", "bypass_list": "localhost;127.0.0.1"}, d'
doadmin setproxysettings "$JOB" override http://127.0.0.1:3128 NULL
doadmin getproxysettings "$JOB" | contains '^Bypass list: *(none)$'
doadmin setproxysettings "$JOB" AUTODETECT
[[ "$(doadmin --json getproxysettings "$JOB" | json_get 'd["usage"]')" == AUTODETECT ]]
doadmin setproxysettings "$JOB" no-proxy
doadmin setproxysettings "$JOB" preconfig
[[ "$(doadmin --json getproxysettings "$JOB" | json_get 'd["usage"]')" == PRECONFIG ]]
# The command-line notification (IBackgroundCopyJob2::SetNotifyCmdLine).
CMDLINE=$(api_or_notimpl setnotifycmdline "$JOB" /usr/bin/touch "/usr/bin/touch $DEST/notified")
if [[ $CMDLINE == OK ]]; then
    doadmin --json getnotifycmdline "$JOB" | json_check '
assert d == {"program": "/usr/bin/touch", "parameters": "/usr/bin/touch " + sys.argv[1] + "/notified"}, d' "$DEST"
    doadmin getnotifycmdline "$JOB" | contains '^Program: */usr/bin/touch$'
    doadmin setnotifycmdline "$JOB" NULL
    doadmin --json getnotifycmdline "$JOB" | json_check 'assert d == {"program": None, "parameters": None}, d'
    doadmin getnotifycmdline "$JOB" | contains '^Program: *(none)$'
    # A relative program is the service's E_INVALIDARG.
    [[ $(status_of doadmin setnotifycmdline "$JOB" touch) -eq 1 ]]
else
    api_or_notimpl getnotifycmdline "$JOB" >/dev/null
fi
# takeownership: root takes the job (here its own); anyone else gets E_ACCESSDENIED. The service's
# rules across users are tested in C.
if [[ $(id -u) -eq 0 ]]; then
    doadmin takeownership "$JOB"
    [[ "$(doadmin --json getowner "$JOB" | json_get 'd["owner"]')" == "$(id -u)" ]]
else
    [[ $(status_of doadmin takeownership "$JOB") -eq 1 ]]
    errors_of doadmin /TakeOwnership "$JOB" | contains '^doadmin: takeownership: 0x80070005 E_ACCESSDENIED: '
fi
doadmin setnoprogresstimeout "$JOB" 1d
doadmin setminretrydelay "$JOB" 600

# Resume on a job with no files: DO_E_JOB_EMPTY, the job stays SUSPENDED.
[[ $(status_of doadmin resume "$JOB") -eq 1 ]]
errors_of doadmin resume "$JOB" | contains '^doadmin: resume: 0x80D02004 DO_E_JOB_EMPTY: '
[[ "$(job_state "$JOB")" == SUSPENDED ]]

# --- list ---------------------------------------------------------------------------------------------
JOB2=$(doadmin create --priority low "second job")
doadmin list | contains '^GUID  *STATE  *PRIORITY  *PROGRESS  *NAME'
doadmin list | grep -F "$JOB" | contains 'renamed job'
doadmin list | grep -F "$JOB2" | contains 'LOW'
LIST_KEYS='["id", "name", "state", "priority", "bytes_total", "bytes_transferred", "files_total",
    "files_transferred", "error", "owner"]'
doadmin --json list | json_check "
assert isinstance(d, list) and len(d) == 2, d
ids = [j['id'] for j in d]
assert ids == [sys.argv[1], sys.argv[2]], ids   # oldest first
for j in d:
    assert sorted(j) == sorted($LIST_KEYS), sorted(j)
assert d[1]['priority'] == 'LOW' and d[1]['name'] == 'second job' and d[1]['owner'] == sys.argv[3]
" "$JOB" "$JOB2" "$(id -u)"
doadmin --json create "json job" | json_check 'assert d["name"] == "json job" and d["id"].startswith("{"), d'
# --all-users: root sees every job, with an OWNER column; anyone else gets E_ACCESSDENIED.
if [[ $(id -u) -eq 0 ]]; then
    doadmin list --all-users | contains '^GUID  *STATE  *PRIORITY  *PROGRESS  *OWNER  *NAME'
    doadmin list -a | grep -F "$JOB2" | contains "$(id -un)"
    [[ "$(doadmin --json list --all-users | json_get 'len(d)')" == 3 ]]
    doadmin /list /allusers | contains 'OWNER'
    doadmin /LIST /ALLUSERS | grep -F "$JOB2" >/dev/null
else
    [[ $(status_of doadmin list --all-users) -eq 1 ]]
    errors_of doadmin /list /allusers | contains '0x80070005 E_ACCESSDENIED'
fi

# --all-users by another user: E_ACCESSDENIED (BG_JOB_ENUM_ALL_USERS is root's), from that user's own
# daemon. Needs root and setpriv, and a directory nobody can reach.
if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$DOADMIN"; then
    NOBODY_DIR=$(mktemp -d /tmp/test-doadmin-nobody.XXXXXXXX)
    mkdir -m 0700 "$NOBODY_DIR/runtime" "$NOBODY_DIR/state"
    chown -R 65534:65534 "$NOBODY_DIR"
    chmod 0755 "$NOBODY_DIR"
    as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$NOBODY_DIR" XDG_RUNTIME_DIR="$NOBODY_DIR/runtime" XDG_STATE_HOME="$NOBODY_DIR/state" "$@"
    }
    as_nobody "$DOADMIN" list
    [[ $(status_of as_nobody "$DOADMIN" list --all-users) -eq 1 ]]
    errors_of as_nobody "$DOADMIN" list --all-users | contains '^doadmin: list: 0x80070005 E_ACCESSDENIED: '
    [[ $(status_of as_nobody "$DOADMIN" monitor --once --all-users) -eq 1 ]]
    stop_daemon_of "$NOBODY_DIR/runtime/dosvc/pid"
fi

# --- cancel -------------------------------------------------------------------------------------------
doadmin addfile "$JOB2" "$URL/small.bin" "$DEST/cancelled.bin"
doadmin cancel "$JOB2"
[[ $(status_of doadmin info "$JOB2") -eq 1 ]]
errors_of doadmin info "$JOB2" | contains "^doadmin: info: 0x80D02003 DO_E_JOB_NOT_FOUND: "
[[ $(status_of doadmin cancel "$JOB2") -eq 1 ]]
[[ $(status_of doadmin getstate "$JOB2") -eq 1 ]]
[[ $(status_of doadmin wait "$JOB2") -eq 1 ]]
(! doadmin list | grep -F "$JOB2")
[[ ! -e "$DEST/cancelled.bin" ]]

# --- addfile (relative path), listfiles, resume, wait, complete ---------------------------------------------
(cd "$DEST" && doadmin addfile "$JOB" "$URL/one.bin" one.bin)
(cd "$DEST" && doadmin addfile "$JOB" "$URL/empty.bin" ./empty.bin)
doadmin --json info "$JOB" | json_check '
f = d["files"]
assert [x["local_name"] for x in f] == [sys.argv[1] + "/one.bin", sys.argv[1] + "/empty.bin"], f
assert f[0]["remote_name"].endswith("/one.bin") and f[0]["completed"] is False, f
assert d["files_total"] == 2, d
' "$DEST"
FILE_KEYS='["index", "remote_name", "local_name", "bytes_total", "bytes_transferred", "completed", "ranges"]'
doadmin --json listfiles "$JOB" | json_check "
assert [x['index'] for x in d] == [0, 1], d
for x in d:
    assert sorted(x) == sorted($FILE_KEYS), x
    assert x['ranges'] is None and x['completed'] is False, x
assert d[0]['local_name'] == sys.argv[1] + '/one.bin' and d[0]['remote_name'] == sys.argv[2] + '/one.bin', d
" "$DEST" "$URL"
doadmin listfiles "$JOB" | contains '^INDEX  *PROGRESS  *COMPLETED  *REMOTE -> LOCAL'
doadmin listfiles "$JOB" | contains "^1 .*empty.bin -> $DEST/empty.bin\$"
[[ $(status_of doadmin addfile "$JOB" "ftp://127.0.0.1/x" "$DEST/x") -eq 1 ]]
errors_of doadmin addfile "$JOB" "ftp://127.0.0.1/x" "$DEST/x" | contains '0x80070057 E_INVALIDARG'
[[ $(status_of doadmin addfile "$JOB" "$URL/x" "") -eq 2 ]]

doadmin resume "$JOB"
[[ "$(doadmin wait --timeout 60 "$JOB")" == TRANSFERRED ]]
# Not under its name before Complete.
[[ ! -e "$DEST/one.bin" ]]
doadmin info "$JOB" | contains '^State: *TRANSFERRED$'
doadmin --json wait "$JOB" | json_check 'assert d == {"id": sys.argv[1], "result": "transferred", "state": "TRANSFERRED", "error": None}, d' "$JOB"
doadmin --json info "$JOB" | json_check '
assert d["bytes_total"] == 1024 * 1024 + 17 and d["bytes_transferred"] == d["bytes_total"], d
assert d["files_transferred"] == 2 and d["transfer_completion_time"] is not None, d
'
doadmin --json getprogress "$JOB" | json_check 'assert d["percent"] == 100 and d["files_transferred"] == 2, d'
doadmin --json gettimes "$JOB" | json_check 'assert d["transfer_completion_time"] is not None, d'
doadmin monitor --once | grep -F "$JOB" | contains 'TRANSFERRED.* 2/2 .*100%'
if [[ $CMDLINE == OK ]]; then
    [[ ! -e "$DEST/notified" ]]          # cleared above, before the job was transferred
fi
doadmin complete "$JOB"
cmp "$DOCROOT/one.bin" "$DEST/one.bin"
cmp "$DOCROOT/empty.bin" "$DEST/empty.bin"
[[ $(status_of doadmin info "$JOB") -eq 1 ]]
[[ $(status_of doadmin complete "$JOB") -eq 1 ]]

# --- addfile --sha256 (IDeliveryOptimizationFile2 IntegrityCheckInfo) ------------------------------------------
JOBH=$(doadmin create "hashed")
SMALL_SHA=$(sha256sum "$DOCROOT/small.bin" | cut -d' ' -f1)
SHA=$(api_or_notimpl addfile --sha256 "${SMALL_SHA^^}" "$JOBH" "$URL/small.bin" "$DEST/hashed.bin")
if [[ $SHA == OK ]]; then
    # The wrong digest for the second file: BG_E_VALIDATION_FAILED, ERROR.
    doadmin addfile --sha256="$(printf '0%.0s' {1..64})" "$JOBH" "$URL/one.bin" "$DEST/hashed-bad.bin"
    doadmin resume "$JOBH"
    [[ $(status_of doadmin wait --timeout 60 "$JOBH") -eq 1 ]]
    errors_of doadmin wait "$JOBH" | contains '0x80200053 BG_E_VALIDATION_FAILED'
    doadmin --json listfiles "$JOBH" | json_check 'assert d[0]["bytes_transferred"] == 4096, d'
    doadmin complete "$JOBH" 2>/dev/null
    cmp "$DOCROOT/small.bin" "$DEST/hashed.bin"
    [[ ! -e "$DEST/hashed-bad.bin" ]]
else
    # The file is in the job without the check, as the message said.
    [[ "$(doadmin --json listfiles "$JOBH" | json_get 'len(d)')" == 1 ]]
    doadmin cancel "$JOBH"
fi

# --- addfilewithranges -----------------------------------------------------------------------------------
JOBR=$(doadmin create "ranged")
RANGES=$(api_or_notimpl addfilewithranges "$JOBR" "$URL/one.bin" "$DEST/ranged.bin" 0:100,500:eof)
if [[ $RANGES == OK ]]; then
    doadmin --json listfiles "$JOBR" | json_check '
assert d[0]["ranges"] == [{"offset": 0, "length": 100}, {"offset": 500, "length": None}], d' 
    doadmin listfiles "$JOBR" | contains '\[0:100,500:eof\]$'
    doadmin info "$JOBR" | contains '^  Ranges: *0:100,500:eof$'
    # The service checks the ranges: overlapping ones are DO_E_OVERLAPPING_RANGES.
    [[ $(status_of doadmin addfilewithranges "$JOBR" "$URL/one.bin" "$DEST/ranged2.bin" 0:10,5:10) -eq 1 ]]
    errors_of doadmin addfilewithranges "$JOBR" "$URL/one.bin" "$DEST/ranged2.bin" 0:10,5:10 | contains '0x80D05012 DO_E_OVERLAPPING_RANGES'
    doadmin resume "$JOBR"
    doadmin wait --timeout 60 "$JOBR"
    doadmin complete "$JOBR"
    cmp <(head -c 100 "$DOCROOT/one.bin"; tail -c +501 "$DOCROOT/one.bin") "$DEST/ranged.bin"
else
    doadmin cancel "$JOBR"
fi

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
doadmin wait "$JOB3"
doadmin complete "$JOB3"
cmp "$DOCROOT/big.bin" "$DEST/big.bin"

# --- errors: geterror, wait on an ERROR job, setremotename to fix it, complete keeping the finished file ----------
JOB4=$(doadmin create "partly broken")
doadmin addfile "$JOB4" "$URL/small.bin" "$DEST/kept.bin"
doadmin addfile "$JOB4" "$URL/missing.bin" "$DEST/missing.bin"
doadmin resume "$JOB4"
[[ $(status_of doadmin wait --timeout 60 "$JOB4") -eq 1 ]]
errors_of doadmin wait "$JOB4" | contains "^doadmin: wait: job $JOB4 failed"
errors_of doadmin wait "$JOB4" | contains '^  error: *0x80190194 BG_E_HTTP_ERROR_404: '
[[ "$(stdout_of doadmin wait "$JOB4")" == ERROR ]]
stdout_of doadmin --json wait "$JOB4" | json_check '
assert d["result"] == "error" and d["state"] == "ERROR" and d["error"]["hresult"] == "0x80190194", d
assert sorted(d) == ["error", "id", "result", "state"], d' 
doadmin --json info "$JOB4" | json_check '
e = d["error"]
assert e is not None and sorted(e) == ["context", "description", "hresult", "name"], e
assert e["hresult"] == "0x80190194" and e["name"] == "BG_E_HTTP_ERROR_404", e
assert isinstance(e["context"], int), e
assert d["state"] == "ERROR" and d["files_transferred"] == 1, d
'
doadmin info "$JOB4" | contains '^Error: *0x80190194 BG_E_HTTP_ERROR_404: '
doadmin geterror "$JOB4" | contains '^Error: *0x80190194 BG_E_HTTP_ERROR_404: '
doadmin geterror "$JOB4" | contains "^Remote name: *$URL/missing.bin\$"
doadmin --json geterror "$JOB4" | json_check '
assert sorted(d) == sorted(["hresult", "name", "message", "context", "context_name", "context_description",
    "description", "protocol", "remote_name", "local_name"]), d
assert d["hresult"] == "0x80190194" and d["name"] == "BG_E_HTTP_ERROR_404" and d["message"], d
assert d["remote_name"] == sys.argv[1] + "/missing.bin" and d["local_name"] == sys.argv[2] + "/missing.bin", d
assert d["protocol"] in ("http", None), d
' "$URL" "$DEST"
[[ "$(doadmin geterrorcount "$JOB4")" -ge 0 ]]
doadmin --json list | json_check '
d = [j for j in d if j["id"] == sys.argv[1]]
assert len(d) == 1 and d[0]["error"]["hresult"] == "0x80190194", d
' "$JOB4"
doadmin monitor --once | grep -F "$JOB4" | contains ' ERROR '
doadmin complete "$JOB4" 2>"$WORK/complete.err"
grep -q 'BG_S_PARTIAL_COMPLETE' "$WORK/complete.err"
cmp "$DOCROOT/small.bin" "$DEST/kept.bin"
[[ ! -e "$DEST/missing.bin" ]]

# The same failure fixed with setremotename (spec behaviour 52).
JOB5=$(doadmin create "fixed by setremotename")
doadmin addfile "$JOB5" "$URL/missing.bin" "$DEST/fixed.bin"
doadmin resume "$JOB5"
wait_state "$JOB5" ERROR
[[ $(status_of doadmin setremotename "$JOB5" 1 "$URL/small.bin") -eq 1 ]]
errors_of doadmin setremotename "$JOB5" 1 "$URL/small.bin" | contains 'has no file 1: it has 1 file\.'
[[ $(status_of doadmin setremotename "$JOB5" 0 "not a url") -eq 1 ]]
errors_of doadmin setremotename "$JOB5" 0 "not a url" | contains '0x80070057 E_INVALIDARG'
doadmin suspend "$JOB5"
doadmin setremotename "$JOB5" 0 "$URL/small.bin"
[[ "$(doadmin --json listfiles "$JOB5" | json_get 'd[0]["remote_name"]')" == "$URL/small.bin" ]]
doadmin resume "$JOB5"
[[ "$(doadmin wait --timeout 60 "$JOB5")" == TRANSFERRED ]]
doadmin complete "$JOB5"
cmp "$DOCROOT/small.bin" "$DEST/fixed.bin"

# --- wait --timeout on a slow transfer, wait interrupted, monitor while it runs ---------------------------------
JOB6=$(doadmin create "very slow")
doadmin addfile "$JOB6" "$URL/veryslow/huge.bin" "$DEST/veryslow.bin"
# SUSPENDED: wait says so once and times out.
[[ $(status_of doadmin wait --timeout 0.2 "$JOB6") -eq 3 ]]
errors_of doadmin wait --timeout 0.2 "$JOB6" | contains 'is SUSPENDED; waiting for it to be resumed'
doadmin resume "$JOB6"
wait_state "$JOB6" TRANSFERRING
[[ $(status_of doadmin wait --timeout 1 "$JOB6") -eq 3 ]]
errors_of doadmin wait -t 1 "$JOB6" | contains "^doadmin: wait: Timed out after 1.0 s; job $JOB6 is TRANSFERRING\.$"
[[ "$(stdout_of doadmin wait --timeout=250ms "$JOB6")" == TRANSFERRING ]]
stdout_of doadmin --json wait --timeout 0.5 "$JOB6" | json_check '
assert d == {"id": sys.argv[1], "result": "timeout", "state": "TRANSFERRING", "error": None}, d' "$JOB6"
[[ "$(stdout_of doadmin --json wait -t 0 "$JOB6" | json_get 'd["result"]')" == timeout ]]
# SIGTERM (and SIGINT, restored to its default: a background job of a script starts with it ignored)
# ends wait with 130 and leaves the job alone.
for sig in TERM INT; do
    env --default-signal=INT "$DOADMIN" wait "$JOB6" >"$WORK/wait.out" 2>"$WORK/wait.err" &
    BG_PID=$!
    sleep 0.5
    kill -s "$sig" "$BG_PID"
    rc=0
    wait "$BG_PID" || rc=$?
    BG_PID=
    [[ $rc -eq 130 ]]
    contains "Interrupted; job $JOB6 is TRANSFERRING and left as it is" "$WORK/wait.err"
    [[ "$(job_state "$JOB6")" == TRANSFERRING ]]
done

# monitor: one snapshot, as a table and as JSON, with the job TRANSFERRING and its rate.
doadmin monitor --once | contains '^--- [0-9T:-]*Z: [0-9]* jobs\? ---$'
doadmin monitor --once | contains '^GUID  *STATE  *PRIORITY  *FILES  *BYTES  *RATE  *NAME$'
doadmin monitor --once | grep -F "$JOB6" | contains 'TRANSFERRING .* 0/1 .*very slow$'
doadmin /monitor --once | grep -F "$JOB6" >/dev/null
if [[ $(id -u) -eq 0 ]]; then
    doadmin monitor --once --all-users | contains 'OWNER'
fi
doadmin --json monitor --once | json_check "
j = [x for x in d['jobs'] if x['id'] == sys.argv[1]]
assert len(j) == 1 and j[0]['state'] == 'TRANSFERRING', d
assert sorted(j[0]) == sorted($LIST_KEYS + ['bytes_per_second']), j
assert j[0]['bytes_per_second'] is None, j     # one snapshot measures no rate
" "$JOB6"
# monitor piped: a block per refresh until SIGTERM (exit 130); the rate appears from the second block.
"$DOADMIN" monitor --refresh 0.3 >"$WORK/monitor.out" 2>&1 &
BG_PID=$!
for ((i = 0; i < 100; i++)); do
    [[ $(grep -c '^--- ' "$WORK/monitor.out" || :) -ge 3 ]] && break
    sleep 0.1
done
kill -TERM "$BG_PID"
rc=0
wait "$BG_PID" || rc=$?
BG_PID=
[[ $rc -eq 130 ]]
[[ $(grep -c '^--- ' "$WORK/monitor.out") -ge 3 ]]
grep -F "$JOB6" "$WORK/monitor.out" | contains 'TRANSFERRING .*[0-9] [KMG]\?i\?B/s '
# No escape sequences when not on a terminal.
(! grep -q $'\033' "$WORK/monitor.out")
# A JSON line per refresh.
timeout 10 "$DOADMIN" --json monitor --refresh 0.2 | head -n 3 >"$WORK/monitor.json"
[[ $(wc -l <"$WORK/monitor.json") -eq 3 ]]
while read -r line; do
    json_check 'assert isinstance(d["jobs"], list) and "time" in d, d' <<<"$line"
done <"$WORK/monitor.json"
# A reader that goes away ends the stream with status 0, not death by SIGPIPE (pipefail would see 141).
timeout 10 "$DOADMIN" monitor --refresh 0.1 | head -n 1 >/dev/null
doadmin cancel "$JOB6"
[[ ! -e "$DEST/veryslow.bin" ]]

# --- bitsadmin spellings ----------------------------------------------------------------------------------
BJ=$(doadmin /CREATE "bits job")
doadmin /AddFile "$BJ" "$URL/small.bin" "$DEST/bits.bin"
doadmin /SetPriority "$BJ" FOREGROUND
[[ "$(doadmin /getpriority "$BJ")" == FOREGROUND ]]
doadmin /setdisplayname "$BJ" "bits job 2"
doadmin /info "$BJ" | contains '^Name: *bits job 2$'
doadmin /getbytestotal "$BJ" | contains '^Bytes total: *unknown$'
doadmin /listfiles "$BJ" | contains 'bits.bin'
# With a notify command line, the service runs it once the job is transferred (without a shell:
# the BITS parameters are the whole command line, program first).
if [[ $CMDLINE == OK ]]; then
    doadmin /SetNotifyCmdLine "$BJ" /usr/bin/touch "/usr/bin/touch $DEST/notified-bits"
fi
doadmin /suspend "$BJ"
doadmin /Resume "$BJ"
doadmin /wait "$BJ" >/dev/null
[[ "$(doadmin /GETSTATE "$BJ")" == TRANSFERRED ]]
doadmin --json /getstate "$BJ" | json_check 'assert d == {"state": "TRANSFERRED"}, d'
if [[ $CMDLINE == OK ]]; then
    for ((i = 0; i < 100; i++)); do
        [[ -e "$DEST/notified-bits" ]] && break
        sleep 0.1
    done
    [[ -e "$DEST/notified-bits" ]]
    rm -f "$DEST/notified-bits"
fi
[[ $(api_or_notimpl /setnotifycmdline "$BJ" NULL) == OK || $CMDLINE == NOTIMPL ]]
doadmin /complete "$BJ"
cmp "$DOCROOT/small.bin" "$DEST/bits.bin"
BJ2=$(doadmin /create "to cancel")
doadmin /cancel "$BJ2"
[[ $(status_of doadmin /getstate "$BJ2") -eq 1 ]]
# /transfer with bitsadmin's /download and /priority, and a relative path.
(cd "$DEST" && "$DOADMIN" --quiet /TRANSFER "bits transfer" /download /priority high "$URL/small.bin" bits-t.bin)
cmp "$DOCROOT/small.bin" "$DEST/bits-t.bin"
# Only after a slash verb: here "/download" is a local path argument, and too many of them.
[[ $(status_of doadmin transfer x /download "$URL/small.bin" "$DEST/y") -eq 2 ]]

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

# On a terminal: the progress bar is redrawn with \r and shows percentage, rate and ETA.
if script -qfec true /dev/null >/dev/null 2>&1; then
    script -qfec "\"$DOADMIN\" transfer tty \"$URL/slow/one.bin\" \"$DEST/t3.bin\"" /dev/null >"$WORK/tty.out"
    grep -q $'\r' "$WORK/tty.out"
    grep -q '%' "$WORK/tty.out"
    grep -q '\[#*\.*\]' "$WORK/tty.out"
    grep -q '/s  ETA ' "$WORK/tty.out"
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

# --- reset: what is left ("json job" and two more) is cancelled, and the list is empty again ---------------
doadmin create "reset me" >/dev/null
R=$(doadmin create "reset me too")
doadmin addfile "$R" "$URL/small.bin" "$DEST/reset.bin"
LEFT=$(doadmin --json list | json_get '" ".join(sorted(j["id"] for j in d))')
[[ -n "$LEFT" ]]
doadmin --json reset | json_check 'assert " ".join(sorted(d)) == sys.argv[1], d' "$LEFT"
[[ "$(doadmin --json list | json_get 'len(d)')" == 0 ]]
doadmin list 2>&1 | contains 'No jobs.'
R=$(doadmin /create "reset by bitsadmin")
doadmin /reset | contains "^$R cancelled$"
doadmin reset 2>&1 | contains '0 jobs cancelled'
[[ "$(doadmin --json list | json_get 'len(d)')" == 0 ]]
[[ -z "$(find "$DEST" -name '.*' -type f)" ]]

echo "test-doadmin: OK"
