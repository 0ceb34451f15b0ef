#!/usr/bin/env bash
# test-system.sh: dosvc --system on a private system-like bus, used by two non-root users and root.
#
# A private dbus-daemon with the system bus's deny-by-default policy plus our data/org.dosvc1.conf; the
# daemon runs as root with `dosvc --system` on it (DOSVC_SYSTEM_BUS_ADDRESS, state and runtime dirs in
# the temp dir); two throw-away users (useradd dosvc-t-<random>-a/-b, deleted with userdel -r in the
# trap; A is also in a throw-away group dosvc-t-<random>-g, groupdel'ed there) use it through
# `doadmin --system`, busctl, the C helper system-helper (callbacks) and test-path-attacks. Checks:
#   - the name is root's: a second daemon fails clearly, a non-root one is refused by the policy;
#   - the matrix "every org.dosvc1.Job method and property x another non-root user": E_ACCESSDENIED,
#     through doadmin (every verb that takes a job) and through busctl (every method the object has,
#     Properties Get/GetAll/Set, Introspect);
#   - enumeration leaks nothing: B's list, list --json and the object tree hold none of A's ids or
#     names; list --all-users is refused for B and shows everybody's jobs to root;
#   - root may act on A's job: set*, suspend, resume, cancel, complete, takeownership;
#   - a transfer for A lands in a directory owned by A, and the file is owned by A;
#   - job signals reach A's callback on the system bus (unicast to the subscriber);
#   - the path attacks of test-path-attacks.c, run as A with `--system-daemon` against this root daemon
#     (the real threat model: root acting for A by switching fs ids): every case must pass with the
#     HRESULTs of the user-mode runs (only the hard-link case may be skipped, where
#     fs.protected_hardlinks stops A from planting it); root's victim folder (0755, `secret` 0644
#     "precious") and a 0777 folder inside root's 0700 one, prepared here, are re-checked from the
#     shell afterwards (content, owner, mode, mtime, no entry added or removed), and A leaves nothing
#     in /tmp;
#   - notify command lines run as the job's owner (src/daemon/notify.c): a program set by A with
#     `setnotifycmdline` writes `id -u`, `id -g`, `id -G`, $HOME, $DOSVC_JOB_ID and $DOSVC_JOB_STATE into
#     A's home when the job is transferred: the file is A's, the ids and groups are exactly A's (its
#     extra group included, no 0), the environment is A's; a second program tries to create and
#     append in a root-only folder: every attempt fails with "Permission denied" and nothing arrives;
#   - data/dosvc.service passes systemd-analyze verify;
#   - the daemon's log holds no sanitizer report (ASan/UBSan builds).
# Needs root (useradd, groupadd, setpriv), dbus-daemon, busctl and nginx; exits 77 (skipped) otherwise.
#
# Environment (set by meson): DOADMIN, DOSVC_DAEMON, SYSTEM_HELPER, DBUS_POLICY, PATH_ATTACKS (the
# test-path-attacks binary; its section is skipped with a note when unset), DOSVC_UNIT (the built
# dosvc.service, checked with systemd-analyze verify when that is installed).
set -eu
set -o pipefail

skip() { echo "SKIP: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "system mode tests need root (useradd, setpriv, a root daemon)"
for tool in dbus-daemon busctl setpriv useradd userdel groupadd groupdel nginx curl python3; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
: "${DOADMIN:?}" "${DOSVC_DAEMON:?}" "${SYSTEM_HELPER:?}" "${DBUS_POLICY:?}"
DOADMIN=$(realpath "$DOADMIN")
DOSVC_DAEMON=$(realpath "$DOSVC_DAEMON")
SYSTEM_HELPER=$(realpath "$SYSTEM_HELPER")
DBUS_POLICY=$(realpath "$DBUS_POLICY")
unset DOSVC_BUS_ADDRESS DOSVC_SYSTEM

WORK=$(mktemp -d /tmp/test-system.XXXXXXXX)
chmod 0755 "$WORK"   # the users must reach the bus socket and their homes inside
SUFFIX=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
USER_A="dosvc-t-$SUFFIX-a"
USER_B="dosvc-t-$SUFFIX-b"
GROUP_X="dosvc-t-$SUFFIX-g"
USERS_MADE=()
GROUPS_MADE=()
BUS_PID=
DAEMON_PID=
NGINX_PID=
FAILURES=0

cleanup() {
    set +e
    [[ -n "$DAEMON_PID" ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
    [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    [[ -n "$BUS_PID" ]] && kill "$BUS_PID" 2>/dev/null
    for u in "${USERS_MADE[@]}"; do
        userdel -r "$u" 2>/dev/null || userdel "$u"
    done
    for g in "${GROUPS_MADE[@]}"; do
        groupdel "$g"
    done
    [[ -f "$WORK/dosvc.log" ]] && tail -n 40 "$WORK/dosvc.log"
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; FAILURES=$((FAILURES + 1)); }

# --- the unit file --------------------------------------------------------------------------------
# systemd-analyze verify, on a copy that starts the binary we built (the installed path may not exist).
if [[ -n "${DOSVC_UNIT:-}" ]] && command -v systemd-analyze >/dev/null; then
    mkdir "$WORK/unit"
    sed "s|^ExecStart=.*|ExecStart=$DOSVC_DAEMON --system|" "$DOSVC_UNIT" >"$WORK/unit/dosvc.service"
    if systemd-analyze verify --man=no "$WORK/unit/dosvc.service" >"$WORK/verify" 2>&1 && [[ ! -s "$WORK/verify" ]]; then
        ok "systemd-analyze verify dosvc.service: clean"
    else fail "systemd-analyze verify dosvc.service: $(cat "$WORK/verify")"; fi
fi

# --- the bus ---------------------------------------------------------------------------------------
# The system bus's own default policy (Debian's system.conf), then our policy file, as installed.
cat >"$WORK/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$WORK/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>$DBUS_POLICY</include>
</busconfig>
EOF
dbus-daemon --config-file="$WORK/bus.conf" --fork --print-pid=1 >"$WORK/bus.pid"
BUS_PID=$(cat "$WORK/bus.pid")
ADDR="unix:path=$WORK/bus"
for ((i = 0; i < 100; i++)); do [[ -S "$WORK/bus" ]] && break; sleep 0.05; done
export DOSVC_SYSTEM_BUS_ADDRESS="$ADDR"

# --- users -----------------------------------------------------------------------------------------
# A is also in an extra group, so that "A's groups" (notify command lines) means more than one.
groupadd "$GROUP_X"
GROUPS_MADE+=("$GROUP_X")
for u in "$USER_A" "$USER_B"; do
    extra=()
    [[ $u == "$USER_A" ]] && extra=(--groups "$GROUP_X")
    useradd --create-home --home-dir "$WORK/home-${u: -1}" --user-group "${extra[@]}" --shell /bin/sh "$u"
    USERS_MADE+=("$u")
done
HOME_A="$WORK/home-a"
UID_A=$(id -u "$USER_A")
GID_A=$(id -g "$USER_A")

# as USER CMD...: run CMD as USER (real and effective ids, its groups), in system mode.
as() {
    local u=$1
    shift
    setpriv --reuid "$u" --regid "$u" --init-groups \
        env HOME="$WORK/home-${u: -1}" DOSVC_SYSTEM=1 DOSVC_SYSTEM_BUS_ADDRESS="$ADDR" "$@"
}
# status_of CMD...: CMD's exit status; its stdout goes to $WORK/out, its stderr to $WORK/err.
status_of() {
    local rc=0
    "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
    echo "$rc"
}

# --- the daemon ------------------------------------------------------------------------------------
start_daemon() {
    DOSVC_STATE_DIRECTORY="$WORK/state" DOSVC_RUNTIME_DIRECTORY="$WORK/run" DOSVC_RETRY_DELAY_CAP_SEC=1 \
        "$DOSVC_DAEMON" --system -v >>"$WORK/dosvc.log" 2>&1 &
    DAEMON_PID=$!
    for ((i = 0; i < 200; i++)); do
        busctl --address="$ADDR" status org.dosvc1 >/dev/null 2>&1 && return 0
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "dosvc --system did not come up"
    exit 1
}
start_daemon
ok "dosvc --system owns org.dosvc1"
[[ $(stat -c %a "$WORK/state") == 700 ]] && ok "state dir is 0700" || fail "state dir mode $(stat -c %a "$WORK/state")"

# A second instance fails clearly (the name is taken) rather than serving beside the first.
rc=$(status_of env DOSVC_STATE_DIRECTORY="$WORK/state2" DOSVC_RUNTIME_DIRECTORY="$WORK/run2" \
    timeout 20 "$DOSVC_DAEMON" --system)
if [[ $rc -ne 0 ]] && grep -q "already owned" "$WORK/err"; then ok "second daemon refused"; else
    fail "second daemon: rc=$rc $(cat "$WORK/err")"; fi
# A non-root process may not own the name (policy): the daemon says so.
mkdir -m 0777 "$WORK/b-state" "$WORK/b-run"
rc=$(status_of as "$USER_B" env DOSVC_STATE_DIRECTORY="$WORK/b-state/s" DOSVC_RUNTIME_DIRECTORY="$WORK/b-run/r" \
    timeout 20 "$DOSVC_DAEMON" --system)
if [[ $rc -ne 0 ]] && grep -q "policy does not let us own" "$WORK/err"; then ok "non-root daemon refused by the policy"
else fail "non-root daemon: rc=$rc $(cat "$WORK/err")"; fi

# --- nginx -----------------------------------------------------------------------------------------
mkdir -p "$WORK/nginx/tmp" "$WORK/www"
head -c $((2 * 1024 * 1024 + 5)) /dev/urandom >"$WORK/www/file.bin"
head -c 4096 /dev/urandom >"$WORK/www/small.bin"
chmod -R a+rX "$WORK/www"
for attempt in 1 2 3 4 5; do
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    cat >"$WORK/nginx/nginx.conf" <<EOF
user root;
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$PORT;
        root $WORK/www;
        location /slow/ { alias $WORK/www/; limit_rate 256k; }
    }
}
EOF
    nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
    NGINX_PID=$!
    for ((i = 0; i < 100; i++)); do
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/small.bin" && break 2
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill "$NGINX_PID" 2>/dev/null || :
    wait "$NGINX_PID" 2>/dev/null || :
    NGINX_PID=
    [[ $attempt -lt 5 ]] || { echo "nginx did not start"; exit 1; }
done
URL="http://127.0.0.1:$PORT"

# --- jobs of A and B -------------------------------------------------------------------------------
as "$USER_A" mkdir -p "$HOME_A/dl"
JA=$(as "$USER_A" "$DOADMIN" --system create "secret-name-of-a")
as "$USER_A" "$DOADMIN" --system addfile "$JA" "$URL/slow/file.bin" "$HOME_A/dl/file.bin"
JA2=$(as "$USER_A" "$DOADMIN" --system create "second-of-a")
as "$USER_A" "$DOADMIN" --system addfile "$JA2" "$URL/slow/file.bin" "$HOME_A/dl/second.bin"
JB=$(as "$USER_B" "$DOADMIN" --system create "job-of-b")
HEX_A=$(echo "$JA" | tr -d '{}-')
ok "A created $JA and $JA2, B created $JB"

# --- the matrix: B on A's job ----------------------------------------------------------------------
# Every doadmin verb that takes a job, with valid arguments, so that only the access check can fail.
denied_verbs=(
    "addfile $JA $URL/small.bin $WORK/home-b/x"
    "addfilewithranges $JA $URL/small.bin $WORK/home-b/x 0:10"
    "resume $JA" "suspend $JA" "cancel $JA" "complete $JA" "takeownership $JA"
    "info $JA" "listfiles $JA" "getstate $JA" "getprogress $JA" "gettimes $JA" "geterror $JA"
    "geterrorcount $JA" "getdisplayname $JA" "getdescription $JA" "getowner $JA" "gettype $JA"
    "getpriority $JA" "getnotifyflags $JA" "getnotifycmdline $JA" "getnoprogresstimeout $JA"
    "getminretrydelay $JA" "getproxysettings $JA"
    "setdisplayname $JA x" "setdescription $JA x" "setpriority $JA high" "setnotifyflags $JA 1"
    "setnotifycmdline $JA /bin/true" "setnoprogresstimeout $JA 60" "setminretrydelay $JA 60"
    "setproxysettings $JA no_proxy" "setremotename $JA 0 $URL/small.bin" "wait --timeout=1 $JA"
)
for v in "${denied_verbs[@]}"; do
    # shellcheck disable=SC2086
    rc=$(status_of as "$USER_B" "$DOADMIN" --system $v)
    if [[ $rc -eq 1 ]] && grep -q "0x80070005 E_ACCESSDENIED" "$WORK/err"; then ok "B: doadmin $v -> E_ACCESSDENIED"
    else fail "B: doadmin $v -> rc=$rc $(cat "$WORK/err")"; fi
done

# Every method the job object has (read from the object as its owner sees it), called by B with no
# arguments: the owner check comes before the signature check, so each must say E_ACCESSDENIED.
as "$USER_A" busctl --address="$ADDR" introspect --list org.dosvc1 "/org/dosvc1/job/$HEX_A" org.dosvc1.Job \
    >"$WORK/introspect"
mapfile -t methods < <(awk '$2 == "method" { sub(/^\./, "", $1); print $1 }' "$WORK/introspect")
mapfile -t properties < <(awk '$2 == "property" { sub(/^\./, "", $1); print $1 }' "$WORK/introspect")
[[ ${#methods[@]} -ge 25 && ${#properties[@]} -ge 15 ]] || fail "introspection found ${#methods[@]} methods, ${#properties[@]} properties"
for meth in "${methods[@]}"; do
    rc=$(status_of as "$USER_B" busctl --address="$ADDR" call org.dosvc1 "/org/dosvc1/job/$HEX_A" org.dosvc1.Job "$meth")
    if [[ $rc -ne 0 ]] && grep -q "E_ACCESSDENIED" "$WORK/err"; then ok "B: Job.$meth -> E_ACCESSDENIED"
    else fail "B: Job.$meth -> rc=$rc $(cat "$WORK/err")"; fi
done
for prop in "${properties[@]}"; do
    rc=$(status_of as "$USER_B" busctl --address="$ADDR" get-property org.dosvc1 "/org/dosvc1/job/$HEX_A" org.dosvc1.Job "$prop")
    if [[ $rc -ne 0 ]] && grep -q "E_ACCESSDENIED" "$WORK/err"; then ok "B: Get $prop -> E_ACCESSDENIED"
    else fail "B: Get $prop -> rc=$rc $(cat "$WORK/err")"; fi
done
for call in "GetAll s org.dosvc1.Job" "Set ssv org.dosvc1.Job DisplayName s x"; do
    # shellcheck disable=SC2086
    rc=$(status_of as "$USER_B" busctl --address="$ADDR" call org.dosvc1 "/org/dosvc1/job/$HEX_A" \
        org.freedesktop.DBus.Properties $call)
    if [[ $rc -ne 0 ]] && grep -q "E_ACCESSDENIED" "$WORK/err"; then ok "B: Properties.${call%% *} -> E_ACCESSDENIED"
    else fail "B: Properties.${call%% *} -> rc=$rc $(cat "$WORK/err")"; fi
done
rc=$(status_of as "$USER_B" busctl --address="$ADDR" introspect org.dosvc1 "/org/dosvc1/job/$HEX_A")
if [[ $rc -ne 0 ]] && grep -q "E_ACCESSDENIED" "$WORK/err"; then ok "B: Introspect -> E_ACCESSDENIED"
else fail "B: Introspect -> rc=$rc $(cat "$WORK/out" "$WORK/err")"; fi
# Nothing B did changed A's job.
[[ $(as "$USER_A" "$DOADMIN" --system getdisplayname "$JA") == "secret-name-of-a" &&
   $(as "$USER_A" "$DOADMIN" --system getstate "$JA") == SUSPENDED ]] && ok "A's job unchanged" || fail "A's job changed"

# --- enumeration leaks nothing ---------------------------------------------------------------------
for out in "$(as "$USER_B" "$DOADMIN" --system list)" "$(as "$USER_B" "$DOADMIN" --system list --json)" \
           "$(as "$USER_B" busctl --address="$ADDR" tree org.dosvc1)" \
           "$(as "$USER_B" busctl --address="$ADDR" call org.dosvc1 /org/dosvc1 org.dosvc1.Manager EnumJobs u 0)"; do
    if grep -qiE "$HEX_A|${JA//[\{\}]/}|$(echo "$JA2" | tr -d '{}-')|secret-name-of-a|second-of-a" <<<"$out"; then
        fail "B's enumeration shows A's jobs: $out"
    elif ! grep -qiE "$(echo "$JB" | tr -d '{}-')|${JB//[\{\}]/}|job-of-b" <<<"$out"; then
        fail "B's enumeration lacks B's job: $out"
    else ok "B's enumeration: only B's job"; fi
done
rc=$(status_of as "$USER_B" "$DOADMIN" --system list --all-users)
[[ $rc -eq 1 ]] && grep -q E_ACCESSDENIED "$WORK/err" && ok "B: list --all-users refused" || fail "B: list --all-users rc=$rc"
rc=$(status_of as "$USER_B" busctl --address="$ADDR" call org.dosvc1 /org/dosvc1 org.dosvc1.Manager GetJob s "$JA")
[[ $rc -ne 0 ]] && grep -q E_ACCESSDENIED "$WORK/err" && ok "B: GetJob(A's id) refused" || fail "B: GetJob rc=$rc"
all=$(DOSVC_SYSTEM=1 "$DOADMIN" list --all-users)
if grep -q "$JA" <<<"$all" && grep -q "$JB" <<<"$all" && grep -q "$USER_A" <<<"$all"; then ok "root: list --all-users shows everybody's jobs"
else fail "root: list --all-users: $all"; fi

# --- root may act on A's job -----------------------------------------------------------------------
for v in "setdescription $JA2 by-root" "setpriority $JA2 low" "getdisplayname $JA2" "resume $JA2" \
         "suspend $JA2" "cancel $JA2"; do
    # shellcheck disable=SC2086
    rc=$(status_of env DOSVC_SYSTEM=1 "$DOADMIN" $v)
    [[ $rc -eq 0 ]] && ok "root: doadmin $v" || fail "root: doadmin $v -> rc=$rc $(cat "$WORK/err")"
done
JA3=$(as "$USER_A" "$DOADMIN" --system create "third-of-a")
DOSVC_SYSTEM=1 "$DOADMIN" takeownership "$JA3"
[[ $(DOSVC_SYSTEM=1 "$DOADMIN" getowner "$JA3") == 0* ]] && ok "root: takeownership" || fail "root: takeownership"
rc=$(status_of as "$USER_A" "$DOADMIN" --system getstate "$JA3")
[[ $rc -eq 1 ]] && grep -q E_ACCESSDENIED "$WORK/err" && ok "A lost the job root took" || fail "A after takeownership: rc=$rc"
rc=$(status_of as "$USER_A" "$DOADMIN" --system takeownership "$JA")
[[ $rc -eq 1 ]] && grep -q E_ACCESSDENIED "$WORK/err" && ok "A: takeownership of own job refused (root only)" || fail "A: takeownership rc=$rc"
DOSVC_SYSTEM=1 "$DOADMIN" cancel "$JA3"

# --- transfers for A: signals to A's callback, files owned by A -------------------------------------
# system-helper registers a callback on a SUSPENDED job, resumes it and waits for JobTransferred and
# FileTransferred: FileTransferred only comes from the daemon's (unicast) signal to A's subscription.
rc=$(status_of as "$USER_A" timeout 150 "$SYSTEM_HELPER" callback "$URL/file.bin" "$HOME_A/dl/cb.bin")
[[ $rc -eq 0 ]] && ok "A's callback got JobTransferred and FileTransferred over the system bus: $(cat "$WORK/out")" ||
    fail "callback: rc=$rc $(cat "$WORK/out" "$WORK/err")"
# JA through doadmin: resume, wait, complete.
as "$USER_A" "$DOADMIN" --system resume "$JA"
rc=$(status_of as "$USER_A" "$DOADMIN" --system wait --timeout=120 "$JA")
[[ $rc -eq 0 ]] || fail "A: wait -> rc=$rc $(cat "$WORK/out" "$WORK/err")"
rc=$(status_of as "$USER_A" "$DOADMIN" --system complete "$JA")
[[ $rc -eq 0 ]] || fail "A: complete -> rc=$rc $(cat "$WORK/err")"
for f in cb.bin file.bin; do
    if cmp -s "$WORK/www/file.bin" "$HOME_A/dl/$f"; then ok "A's $f arrived intact"; else fail "A's $f differs or is missing"; fi
    # The file must belong to A: the daemon writes with the owner's rights (setfsuid/setfsgid, files.c).
    owner=$(stat -c %U "$HOME_A/dl/$f" 2>/dev/null || echo missing)
    [[ $owner == "$USER_A" ]] && ok "A's $f is owned by A" || fail "A's $f is owned by $owner, not $USER_A"
done
# Nothing of the transfers is left behind (temp files are hidden .dosvc-*.part files).
leftover=$(find "$HOME_A/dl" -name '.dosvc-*' | wc -l)
[[ $leftover -eq 0 ]] && ok "no temp file left" || fail "$leftover temp files left"
# B cannot make the daemon write into A's directory (B may not write there).
JB2=$(as "$USER_B" "$DOADMIN" --system create "b-into-a")
rc=$(status_of as "$USER_B" "$DOADMIN" --system addfile "$JB2" "$URL/small.bin" "$HOME_A/dl/from-b.bin")
[[ $rc -eq 1 ]] && grep -q E_ACCESSDENIED "$WORK/err" && ok "B: addfile into A's dir -> E_ACCESSDENIED" ||
    fail "B: addfile into A's dir -> rc=$rc $(cat "$WORK/err")"
as "$USER_B" "$DOADMIN" --system cancel "$JB2"

# --- TakeOwnership moves control, not file rights, and drops the notify command line ----------------
# (1) The reviewed attack: A parks a failing job whose notify command line reruns after every retry
# delay (it exits 1), for an administrator to take. After root's TakeOwnership the command line must
# be gone: it must never run as root.
STICKY="$WORK/sticky"
mkdir -m 1777 "$STICKY"
JT=$(as "$USER_A" "$DOADMIN" --system create "stuck-for-root")
as "$USER_A" "$DOADMIN" --system addfile "$JT" "$URL/no-such-file.bin" "$HOME_A/dl/stuck.bin"
as "$USER_A" "$DOADMIN" --system setminretrydelay "$JT" 5
as "$USER_A" "$DOADMIN" --system setnotifycmdline "$JT" /bin/sh "/bin/sh -c \"id -u >>$STICKY/notify-uids; exit 1\""
as "$USER_A" "$DOADMIN" --system resume "$JT"
for ((i = 0; i < 100; i++)); do [[ -s "$STICKY/notify-uids" ]] && break; sleep 0.1; done
DOSVC_SYSTEM=1 "$DOADMIN" takeownership "$JT"
DOSVC_SYSTEM=1 "$DOADMIN" getnotifycmdline "$JT" | grep -q '^Program: *(none)$' && ok "takeownership dropped A's notify command line" ||
    fail "takeownership kept the notify command line: $(DOSVC_SYSTEM=1 "$DOADMIN" getnotifycmdline "$JT")"
sleep 6   # longer than the 5 s retry delay: a rerun would have happened by now
[[ $(sort -u "$STICKY/notify-uids" | paste -sd ' ') == "$UID_A" ]] && ok "the command line ran as A, never as root after the takeover" ||
    fail "notify ran as: $(paste -sd ' ' "$STICKY/notify-uids" 2>/dev/null)"
DOSVC_SYSTEM=1 "$DOADMIN" cancel "$JT"
# (2) A job taken before any byte moved: its destination is B's file in a sticky shared folder (A
# may create files there, not replace B's). Root resumes and completes it: the daemon still acts
# with A's rights, so the rename over B's file is refused and B's file stays (as root it would have
# replaced it); Cancel then removes the temp file, as A.
as "$USER_B" sh -c "printf 'B-s own' >'$STICKY/b-file'"
JT=$(as "$USER_A" "$DOADMIN" --system create "for-root")
as "$USER_A" "$DOADMIN" --system addfile "$JT" "$URL/small.bin" "$STICKY/b-file"
DOSVC_SYSTEM=1 "$DOADMIN" takeownership "$JT"
DOSVC_SYSTEM=1 "$DOADMIN" resume "$JT"
rc=$(status_of env DOSVC_SYSTEM=1 "$DOADMIN" wait --timeout=60 "$JT")
[[ $rc -eq 0 ]] && ok "root's transfer of a taken job ran (with A's rights)" || fail "root: wait for-root -> rc=$rc $(cat "$WORK/out" "$WORK/err")"
tmp_owner=$(find "$STICKY" -name '.dosvc-*' -printf '%u\n' | sort -u | paste -sd ' ')
[[ $tmp_owner == "$USER_A" ]] && ok "its temp file is A's" || fail "its temp file is owned by '$tmp_owner'"
rc=$(status_of env DOSVC_SYSTEM=1 "$DOADMIN" complete "$JT")
[[ $rc -ne 0 ]] && ok "root's Complete over B's file in a sticky folder refused (rc=$rc: $(head -c 120 "$WORK/err"))" ||
    fail "root's Complete of A's job replaced B's file"
[[ $(cat "$STICKY/b-file") == "B-s own" && $(stat -c %U "$STICKY/b-file") == "$USER_B" ]] &&
    ok "B's file unchanged" || fail "B's file changed: $(stat -c '%U %s' "$STICKY/b-file")"
DOSVC_SYSTEM=1 "$DOADMIN" cancel "$JT"
leftover=$(find "$STICKY" -name '.dosvc-*' | wc -l)
[[ $leftover -eq 0 ]] && ok "root's Cancel removed A's temp file (with A's rights)" || fail "$leftover temp files left in $STICKY"

# --- path attacks as A against the root daemon -----------------------------------------------------
# test-path-attacks --system-daemon: the attacks of the user-mode runs, as A, with A's jobs going to
# this root daemon (DOSVC_SYSTEM=1 from `as`); the program's harness provides A's folders and an nginx
# running as A, but no daemon. Root prepares the victim and a folder A can write but not reach, and
# checks both from here afterwards: a snapshot of type, owner, mode, size and mtime of every entry.
if [[ -n "${PATH_ATTACKS:-}" ]]; then
    PATH_ATTACKS=$(realpath "$PATH_ATTACKS")
    PA="$WORK/pa"
    mkdir -m 0755 "$PA" "$PA/victim"
    printf precious >"$PA/victim/secret"
    chmod 0644 "$PA/victim/secret"
    mkdir -m 0700 "$PA/locked"
    mkdir "$PA/locked/open"
    chmod 0777 "$PA/locked/open"
    pa_snapshot() { find "$PA" -printf '%P %y %u:%g %m %s %T@\n' | sort; }
    pa_snapshot >"$WORK/pa.before"
    tmp_of_a() { find /tmp -mindepth 1 -maxdepth 1 -user "$USER_A" | sort; }
    tmp_of_a >"$WORK/pa.tmp-before"
    t0=$SECONDS
    rc=$(status_of as "$USER_A" env DOSVC_T_VICTIM="$PA/victim" DOSVC_T_LOCKED="$PA/locked/open" \
        timeout 240 "$PATH_ATTACKS" --system-daemon)
    cp "$WORK/out" "$WORK/pa.tap"
    sed 's/^/    | /' "$WORK/pa.tap"
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$WORK/pa.tap" | head -n 1)
    n_ok=$(grep -c '^ok ' "$WORK/pa.tap" || true)
    n_not_ok=$(grep -c '^not ok ' "$WORK/pa.tap" || true)
    # Skips: only the hard link, which fs.protected_hardlinks keeps A from planting.
    unexpected_skips=$(grep '^ok .* # SKIP' "$WORK/pa.tap" | grep -v ' test_attack__temp_name_hard_link # SKIP' || true)
    skips=$(grep '^ok .* # SKIP' "$WORK/pa.tap" | sed 's/^ok [0-9]* - \([^ ]*\) # SKIP.*/\1/' | paste -sd ' ' || true)
    while read -r line; do
        [[ -n "$line" ]] && fail "path attack as A against the root daemon: $line"
    done < <(grep '^not ok ' "$WORK/pa.tap" || true)
    if [[ $rc -eq 0 && -n "$plan" && $plan -ge 13 && $n_ok -eq $plan && $n_not_ok -eq 0 && -z "$unexpected_skips" ]] &&
        ! grep -q '^Bail out!' "$WORK/pa.tap"; then
        ok "path attacks as A against the root daemon: $n_ok/$plan ok in $((SECONDS - t0)) s${skips:+ (skipped: $skips)}"
    else
        fail "path attacks as A: rc=$rc, plan '${plan:-none}', $n_ok ok, $n_not_ok not ok${unexpected_skips:+, unexpected skips: $unexpected_skips} $(cat "$WORK/err")"
    fi
    # Root's folders, seen from outside: the victim unchanged, nothing added, removed or touched.
    [[ $(cat "$PA/victim/secret") == precious && $(stat -c '%U:%G %a' "$PA/victim" "$PA/victim/secret" | paste -sd ' ') == "root:root 755 root:root 644" ]] &&
        ok "the victim is unchanged and root's" || fail "the victim changed: $(ls -la "$PA/victim")"
    [[ $(find "$PA/victim" -mindepth 1 | wc -l) -eq 1 && $(find "$PA/locked/open" -mindepth 1 | wc -l) -eq 0 ]] &&
        ok "nothing was added to the victim or the unreachable folder" ||
        fail "entries appeared: $(find "$PA" -mindepth 1)"
    pa_snapshot >"$WORK/pa.after"
    if cmp -s "$WORK/pa.before" "$WORK/pa.after"; then ok "root's folders: snapshot (type, owner, mode, size, mtime) unchanged"
    else fail "root's folders changed: $(diff "$WORK/pa.before" "$WORK/pa.after")"; fi
    tmp_of_a >"$WORK/pa.tmp-after"
    cmp -s "$WORK/pa.tmp-before" "$WORK/pa.tmp-after" && ok "A's run left nothing in /tmp" ||
        fail "A's run left in /tmp: $(comm -13 "$WORK/pa.tmp-before" "$WORK/pa.tmp-after")"
else
    echo "note: PATH_ATTACKS is not set: the path attacks against the system daemon are not run"
fi

# --- notify command lines run as the owner ---------------------------------------------------------
# The root daemon runs a job's notify command line as its owner (src/daemon/notify.c: setgroups to the
# owner's groups, setgid, setuid in the child; environment PATH, HOME, DOSVC_JOB_ID, DOSVC_JOB_STATE).
# PARAMETERS is the whole command line, program first, split by the Windows C-runtime rules ("…" groups).
NOTE="$HOME_A/notify.out"
JN=$(as "$USER_A" "$DOADMIN" --system create "notify-ids")
as "$USER_A" "$DOADMIN" --system addfile "$JN" "$URL/small.bin" "$HOME_A/dl/notify.bin"
as "$USER_A" "$DOADMIN" --system setnotifycmdline "$JN" /bin/sh \
    "/bin/sh -c \"{ id -u; id -g; id -G; echo \$HOME; echo \$DOSVC_JOB_ID \$DOSVC_JOB_STATE; } >$NOTE.tmp && mv $NOTE.tmp $NOTE\""
as "$USER_A" "$DOADMIN" --system resume "$JN"
rc=$(status_of as "$USER_A" "$DOADMIN" --system wait --timeout=60 "$JN")
[[ $rc -eq 0 ]] || fail "notify job: wait -> rc=$rc $(cat "$WORK/out" "$WORK/err")"
for ((i = 0; i < 100; i++)); do [[ -e "$NOTE" ]] && break; sleep 0.1; done
if [[ -e "$NOTE" ]]; then
    mapfile -t note <"$NOTE"
    owner=$(stat -c %U:%G "$NOTE")
    [[ $owner == "$USER_A:$USER_A" ]] && ok "the command line's file is A's" || fail "the command line's file is owned by $owner"
    [[ ${note[0]:-} == "$UID_A" && ${note[1]:-} == "$GID_A" ]] && ok "the command line ran as uid $UID_A, gid $GID_A (A)" ||
        fail "the command line ran as uid ${note[0]:-?}, gid ${note[1]:-?}; A is $UID_A:$GID_A"
    got_groups=$(tr ' ' '\n' <<<"${note[2]:-}" | sort -n | paste -sd ' ')
    want_groups=$(id -G "$USER_A" | tr ' ' '\n' | sort -n | paste -sd ' ')
    if [[ $got_groups == "$want_groups" && " $got_groups " == *" $(getent group "$GROUP_X" | cut -d: -f3) "* &&
          " $got_groups " != *" 0 "* ]]; then ok "the command line had A's groups ($got_groups), not root's"
    else fail "the command line's groups: '$got_groups'; A's: '$want_groups'"; fi
    [[ ${note[3]:-} == "$HOME_A" && ${note[4]:-} == "$JN TRANSFERRED" ]] &&
        ok "the command line's environment: HOME=$HOME_A, DOSVC_JOB_ID, DOSVC_JOB_STATE=TRANSFERRED" ||
        fail "the command line's environment: HOME='${note[3]:-}', job/state '${note[4]:-}'; expected $HOME_A, '$JN TRANSFERRED'"
else
    fail "the notify command line wrote nothing within 10 s ($NOTE); state $(as "$USER_A" "$DOADMIN" --system getstate "$JN")"
fi
as "$USER_A" "$DOADMIN" --system complete "$JN"

# A command line that tries to create and append in a root-only folder (0755 root: A may look, not
# write): every attempt must fail as A would ("Permission denied", recorded in A's marker file).
ROOT_ONLY="$WORK/root-only"
MARK="$HOME_A/notify-root-only.out"
mkdir -m 0755 "$ROOT_ONLY"
printf precious >"$ROOT_ONLY/precious"
chmod 0644 "$ROOT_ONLY/precious"
JR=$(as "$USER_A" "$DOADMIN" --system create "notify-root-only")
as "$USER_A" "$DOADMIN" --system addfile "$JR" "$URL/small.bin" "$HOME_A/dl/notify-root-only.bin"
as "$USER_A" "$DOADMIN" --system setnotifycmdline "$JR" /bin/sh \
    "/bin/sh -c \"echo ran >>$MARK; touch $ROOT_ONLY/pwned 2>>$MARK; echo pwned 2>>$MARK >>$ROOT_ONLY/precious; mkdir $ROOT_ONLY/dir 2>>$MARK; echo done >>$MARK\""
as "$USER_A" "$DOADMIN" --system resume "$JR"
rc=$(status_of as "$USER_A" "$DOADMIN" --system wait --timeout=60 "$JR")
[[ $rc -eq 0 ]] || fail "root-only notify job: wait -> rc=$rc $(cat "$WORK/out" "$WORK/err")"
for ((i = 0; i < 100; i++)); do grep -qx "done" "$MARK" 2>/dev/null && break; sleep 0.1; done
if grep -qx "done" "$MARK" 2>/dev/null; then
    denied=$(grep -c "Permission denied" "$MARK" || true)
    [[ $denied -eq 3 ]] && ok "the root-only command line ran and its 3 writes were denied" ||
        fail "the root-only command line: $denied of 3 writes denied: $(cat "$MARK")"
else
    fail "the root-only command line did not finish within 10 s: $(cat "$MARK" 2>/dev/null)"
fi
[[ $(find "$ROOT_ONLY" -mindepth 1 | wc -l) -eq 1 && $(cat "$ROOT_ONLY/precious") == precious &&
   $(stat -c %U "$ROOT_ONLY/precious") == root ]] && ok "nothing was written in the root-only folder" ||
    fail "the root-only folder changed: $(ls -la "$ROOT_ONLY"; cat "$ROOT_ONLY/precious")"
as "$USER_A" "$DOADMIN" --system complete "$JR"

# --- fairness: a freed slot goes to the owner whose turn it is ------------------------------------
# One background slot (DOSVC_MAX_BACKGROUND=1). A queues three jobs, then B one: when A's first is
# done, both owners run nothing, and the slot goes to B, whose last start is older than A's, not to
# A's next job, which was queued first (src/daemon/schedule-order.c). Each job is 2 MiB at 256 KiB/s.
kill "$DAEMON_PID"
wait "$DAEMON_PID" || :
DAEMON_PID=
DOSVC_MAX_BACKGROUND=1 start_daemon
fair_job() {   # fair_job USER NAME: a job downloading the slow file, resumed; prints its id
    local j
    j=$(as "$1" "$DOADMIN" --system create "$2")
    as "$1" "$DOADMIN" --system addfile "$j" "$URL/slow/file.bin" "$WORK/home-${1: -1}/$2.bin" >/dev/null
    as "$1" "$DOADMIN" --system resume "$j" >/dev/null
    echo "$j"
}
FA1=$(fair_job "$USER_A" fair-a1)
FA2=$(fair_job "$USER_A" fair-a2)
FA3=$(fair_job "$USER_A" fair-a3)
FB1=$(fair_job "$USER_B" fair-b1)
as "$USER_A" "$DOADMIN" --system wait --timeout=60 "$FA1" >/dev/null || fail "fairness: A's first job did not finish"
for ((i = 0; i < 50; i++)); do
    sb=$(as "$USER_B" "$DOADMIN" --system getstate "$FB1")
    [[ $sb != QUEUED ]] && break
    sleep 0.1
done
sa=$(as "$USER_A" "$DOADMIN" --system getstate "$FA2")
[[ $sb =~ ^(CONNECTING|TRANSFERRING|TRANSFERRED)$ && $sa == QUEUED ]] && ok "fairness: B's job got the slot A's first job left; A's next waits" ||
    fail "fairness: after A's first job, B's is $sb and A's next is $sa (want B's running, A's QUEUED)"
for j in "$FA1" "$FA2" "$FA3" "$FB1"; do DOSVC_SYSTEM=1 "$DOADMIN" cancel "$j" >/dev/null 2>&1 || :; done

# --- the daemon stops cleanly ----------------------------------------------------------------------
kill "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=
[[ $rc -eq 0 ]] && ok "dosvc --system exits 0 on SIGTERM" || fail "dosvc --system exit status $rc"
# A sanitizer build reports leaks at exit, and every report goes to the daemon's stderr, i.e. its log.
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$WORK/dosvc.log"; then
    fail "the daemon's log holds a sanitizer report: $(grep -E -m 5 "ERROR: (Address|Leak)Sanitizer|runtime error:" "$WORK/dosvc.log")"
else ok "no sanitizer report in the daemon's log"; fi
rc=$(status_of as "$USER_A" "$DOADMIN" --system list)
[[ $rc -eq 1 ]] && grep -q "DO_E_NO_SERVICE" "$WORK/err" && ok "no service: DO_E_NO_SERVICE, nothing started" ||
    fail "no service: rc=$rc $(cat "$WORK/err")"

if [[ $FAILURES -gt 0 ]]; then
    echo "$FAILURES check(s) failed"
    exit 1
fi
echo "all checks passed"
