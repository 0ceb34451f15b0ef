#!/usr/bin/env bash
# test-doadmin-monitor.sh: `doadmin monitor` on a real terminal, driven through tmux (send-keys,
# capture-pane) against a private dosvc: the live table shows each job's GUID and state and follows
# changes; q quits with status 0, Ctrl-C with 130, and both restore the screen (alternate screen left)
# and the terminal modes (icanon and echo back on); Ctrl-Z gives the terminal back and fg takes it
# again; a window too small for every job says how many are not shown; a service that goes away
# and comes back is waited for (on the terminal and as a stream).
#
# Environment (set by meson): DOADMIN, DOSVC_DAEMON. Needs tmux (scripts/install-deps installs it);
# without it the test is skipped (exit 77). Waits are bounded polls of the pane, never fixed sleeps
# that assume a speed.
set -eux
set -o pipefail

: "${DOADMIN:?DOADMIN must name the doadmin binary}"
: "${DOSVC_DAEMON:?DOSVC_DAEMON must name the dosvc binary}"
if ! command -v tmux >/dev/null; then
    echo "tmux is not installed: skipping" >&2
    exit 77
fi
DOADMIN=$(realpath "$DOADMIN")
DOSVC_DAEMON=$(realpath "$DOSVC_DAEMON")
export DOSVC_DAEMON
unset DOSVC_BUS_ADDRESS TMUX

WORK=$(mktemp -d /tmp/test-doadmin-monitor.XXXXXXXX)
export XDG_RUNTIME_DIR="$WORK/runtime" XDG_STATE_HOME="$WORK/state"
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME"
# A tmux server of our own, on a socket in the temp dir: nothing of the user's tmux is touched.
TMUX_SOCKET="$WORK/tmux.sock"

cleanup() {
    set +e
    local pid i
    tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null
    if [[ -s "$XDG_RUNTIME_DIR/dosvc/pid" ]]; then
        pid=$(cat "$XDG_RUNTIME_DIR/dosvc/pid")
        kill "$pid" 2>/dev/null
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    fi
    [[ -f "$XDG_STATE_HOME/dosvc/dosvc.log" ]] && tail -n 30 "$XDG_STATE_HOME/dosvc/dosvc.log"
    rm -rf "$WORK"
}
trap cleanup EXIT

doadmin() {
    "$DOADMIN" "$@"
}

t() {
    tmux -S "$TMUX_SOCKET" "$@"
}

# The visible pane, without trailing blank lines.
pane() {
    t capture-pane -p -t mon
}

# wait_pane REGEX: until a line of the pane matches (grep -E), bounded at 10 s; on failure the pane
# is printed.
wait_pane() {
    local i
    for ((i = 0; i < 100; i++)); do
        pane | grep -E -- "$1" >/dev/null && return 0
        sleep 0.1
    done
    echo "pane never matched '$1':" >&2
    pane >&2
    return 1
}

# wait_pane_gone REGEX: until no line of the pane matches, bounded at 10 s.
wait_pane_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        pane | grep -E -- "$1" >/dev/null || return 0
        sleep 0.1
    done
    echo "pane still matches '$1':" >&2
    pane >&2
    return 1
}

# A GUID as an extended regular expression (its braces escaped).
ere() {
    printf '%s' "$1" | sed 's/[{}]/\\&/g'
}

# The terminal modes the monitor changes are back: canonical input and echo. The marker is typed as
# ":st''ty-N" so that only the output line, not the echoed command, ends in ":stty-N"; N is new for
# each check, because leaving the monitor's alternate screen shows the previous check's output
# again, which must not pass for this one's.
CHECK_N=0
check_terminal_restored() {
    CHECK_N=$((CHECK_N + 1))
    t send-keys -t mon "clear; stty -a | tr ' ;' '\n\n' | grep -E -x -- '-?(icanon|echo)' | tr '\n' ' '; echo :st''ty-$CHECK_N" Enter
    wait_pane "(icanon|echo) :stty-$CHECK_N\$"
    pane | grep -E -- "^icanon echo :stty-$CHECK_N\$" >/dev/null || { pane >&2; return 1; }
}

# Two jobs for the table (this also starts the service, outside tmux).
JOB1=$(doadmin create "monitor one")
JOB2=$(doadmin create "monitor two")
doadmin setpriority "$JOB2" low

# A shell in a 160x30 terminal, with a prompt that cannot be mistaken for monitor output.
t -f /dev/null new-session -d -s mon -x 160 -y 30 \
    env PS1='$ ' XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_STATE_HOME="$XDG_STATE_HOME" \
    DOSVC_DAEMON="$DOSVC_DAEMON" DOADMIN="$DOADMIN" TERM=screen bash --norc --noprofile
wait_pane '^\$ ?$'   # capture-pane drops the prompt's trailing blank
t send-keys -t mon 'echo before-monitor' Enter
wait_pane '^before-monitor$'

# --- q quits with 0 and restores the screen and the terminal -----------------------------------------
t send-keys -t mon '"$DOADMIN" monitor; echo "monitor-exit=$?"' Enter
wait_pane '^doadmin monitor: 2 jobs, .*press q to quit'
wait_pane '^GUID +STATE +PRIORITY +FILES +BYTES +RATE +NAME'
wait_pane "^$(ere "$JOB1") +SUSPENDED +NORMAL .*monitor one$"
wait_pane "^$(ere "$JOB2") +SUSPENDED +LOW .*monitor two$"
# The alternate screen hides what was there before.
(! pane | grep -x before-monitor >/dev/null)
# The table follows changes made meanwhile by another client.
doadmin setpriority "$JOB1" high
wait_pane "^$(ere "$JOB1") +SUSPENDED +HIGH "
JOB3=$(doadmin create "monitor three")
wait_pane '^doadmin monitor: 3 jobs'
wait_pane "^$(ere "$JOB3") +SUSPENDED "
doadmin cancel "$JOB3"
wait_pane '^doadmin monitor: 2 jobs'
wait_pane_gone "^$(ere "$JOB3")"
# Keys other than q do nothing (and are not echoed).
t send-keys -t mon x
sleep 0.3
pane | grep -E '^doadmin monitor:' >/dev/null
t send-keys -t mon q
wait_pane '^monitor-exit=0$'
# Back on the normal screen: the earlier output is there again, the table is gone.
pane | grep -x before-monitor >/dev/null
(! pane | grep -E 'press q to quit|^GUID ' >/dev/null)
check_terminal_restored

# --- Ctrl-C quits with 130, also restoring ------------------------------------------------------------
# (--all-users is root's: anyone else would get E_ACCESSDENIED.)
if [[ $(id -u) -eq 0 ]]; then
    t send-keys -t mon 'clear; echo before-ctrl-c; "$DOADMIN" monitor --all-users --refresh 0.5; echo "monitor-exit=$?"' Enter
    wait_pane '^doadmin monitor: 2 jobs of all users, .*every 0\.5 s'
    wait_pane '^GUID .* OWNER +NAME$'
else
    t send-keys -t mon 'clear; echo before-ctrl-c; "$DOADMIN" monitor --refresh 0.5; echo "monitor-exit=$?"' Enter
    wait_pane '^doadmin monitor: 2 jobs, .*every 0\.5 s'
fi
t send-keys -t mon C-c
wait_pane '^monitor-exit=130$'
pane | grep -x before-ctrl-c >/dev/null
(! pane | grep -E 'press q to quit' >/dev/null)
check_terminal_restored

# --- Ctrl-Z gives the terminal back, fg takes it again ----------------------------------------------
t send-keys -t mon 'clear; "$DOADMIN" monitor' Enter
wait_pane '^doadmin monitor: 2 jobs'
t send-keys -t mon C-z
wait_pane 'Stopped'
check_terminal_restored
t send-keys -t mon 'fg' Enter
wait_pane '^doadmin monitor: 2 jobs'
wait_pane "^$(ere "$JOB1") "
t send-keys -t mon q
wait_pane_gone 'press q to quit'
check_terminal_restored

# --- a small window: the table is cut to its height and width ---------------------------------------------
for n in 1 2 3 4; do
    doadmin create "filler $n" >/dev/null
done
t resize-window -t mon -x 60 -y 6
t send-keys -t mon 'clear; "$DOADMIN" monitor; echo "monitor-exit=$?"' Enter
wait_pane '^doadmin monitor: 6 jobs'
wait_pane '^\.\.\. and [0-9]+ more$'
# No line wider than the window (nothing wraps), and the title stays on the first line.
[[ $(pane | awk '{ if (length($0) > m) m = length($0) } END { print m }') -le 60 ]]
pane | head -n 1 | grep -E '^doadmin monitor: 6 jobs' >/dev/null
# Growing the window (SIGWINCH) redraws it with every job.
t resize-window -t mon -x 160 -y 30
wait_pane '^GUID +STATE +PRIORITY +FILES +BYTES +RATE +NAME$'
wait_pane_gone '^\.\.\. and'
[[ $(pane | grep -c '^{') -eq 6 ]]
t send-keys -t mon q
wait_pane '^monitor-exit=0$'
check_terminal_restored

# --- the service goes away and comes back: the monitor waits for it ------------------------------------
# DOSVC_BUS_ADDRESS names the daemon's socket, so the monitor's library does not start a new daemon
# itself (as a system service is never started by its clients); `doadmin list` below does.
stop_daemon() {
    local pid i
    pid=$(cat "$XDG_RUNTIME_DIR/dosvc/pid")
    kill "$pid"
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "the daemon did not stop" >&2
    return 1
}
t send-keys -t mon 'clear; DOSVC_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/dosvc/bus" "$DOADMIN" monitor --refresh 0.2; echo "monitor-exit=$?"' Enter
wait_pane '^doadmin monitor: 6 jobs'
stop_daemon
wait_pane '^doadmin monitor: service not reachable, .*press q to quit'
wait_pane 'DO_E_NO_SERVICE'
wait_pane_gone '^GUID '
doadmin list >/dev/null    # starts a new daemon
wait_pane '^doadmin monitor: 6 jobs'
wait_pane "^$(ere "$JOB1") +SUSPENDED +HIGH "
t send-keys -t mon q
wait_pane '^monitor-exit=0$'
check_terminal_restored

# The same as a stream (not a terminal): one block per outage, then the table again.
DOSVC_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/dosvc/bus" "$DOADMIN" monitor --refresh 0.2 >"$WORK/stream" 2>"$WORK/stream.err" &
MONITOR_PID=$!
wait_file() {   # wait_file REGEX: until $WORK/stream has a line matching it, bounded at 10 s
    local i
    for ((i = 0; i < 100; i++)); do
        grep -E -- "$1" "$WORK/stream" >/dev/null && return 0
        sleep 0.1
    done
    cat "$WORK/stream" "$WORK/stream.err" >&2
    return 1
}
wait_file '^--- .*: 6 jobs ---$'
stop_daemon
wait_file '^--- .*: service not reachable \(0x[0-9A-F]{8} DO_E_NO_SERVICE.*\); waiting for it ---$'
sleep 1    # several refreshes while the service is away...
[[ $(grep -c 'service not reachable' "$WORK/stream") -eq 1 ]]   # ...say it once
blocks_before=$(grep -c ': 6 jobs ---$' "$WORK/stream")
doadmin list >/dev/null
for ((i = 0; i < 100; i++)); do
    [[ $(grep -c ': 6 jobs ---$' "$WORK/stream") -gt $blocks_before ]] && break
    sleep 0.1
done
[[ $(grep -c ': 6 jobs ---$' "$WORK/stream") -gt $blocks_before ]]
kill -TERM "$MONITOR_PID"
rc=0
wait "$MONITOR_PID" || rc=$?
[[ $rc -eq 130 ]]
[[ ! -s "$WORK/stream.err" ]]

# The monitor left every job as it was.
[[ "$(doadmin --json list | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" == 6 ]]
[[ "$(doadmin getpriority "$JOB1")" == HIGH ]]

echo "test-doadmin-monitor: OK"
