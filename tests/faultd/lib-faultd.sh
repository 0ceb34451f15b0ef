# lib-faultd.sh: start and stop faultd (and its optional TLS front) from test scripts.
# Source it; needs $FAULTD (the binary) and $FAULTD_SCENARIOS (tests/faultd/scenarios), both set by
# meson for tests that pass them in `env`.
#
#   . "$FAULTD_SRCDIR/lib-faultd.sh"
#   trap 'faultd_tls_stop; faultd_stop' EXIT
#   faultd_start ROOT STATEDIR [faultd options…]  # sets FAULTD_PORT, FAULTD_PID, FAULTD_URL, FAULTD_LOG
#   curl "$FAULTD_URL/s/cut-once/big"
#   faultd_tls_start STATEDIR                     # nginx on https; sets FAULTD_TLS_PORT,
#                                                 # FAULTD_TLS_URL, FAULTD_TLS_CERT (a CA file)
#   faultd_tls_stop; faultd_stop                  # bounded (≤ 5 s each) and idempotent
#
# faultd runs with --exit-with-parent and --lifetime (FAULTD_LIFETIME, default 900 s), so a killed
# test script does not leave it behind. Limits: every wait below is bounded; the TLS front needs
# nginx, openssl and python3 (faultd_tls_start returns 77 when one is missing: skip).

FAULTD_PORT=
FAULTD_PID=
FAULTD_URL=
FAULTD_LOG=
FAULTD_TLS_PORT=
FAULTD_TLS_PID=
FAULTD_TLS_URL=
FAULTD_TLS_CERT=

faultd_start() {
        local root=$1 state=$2 i
        shift 2
        mkdir -p "$state"
        rm -f "$state/faultd.port"
        FAULTD_LOG=$state/faultd.log
        "$FAULTD" --root "$root" --scenarios "$FAULTD_SCENARIOS" \
                --port-file "$state/faultd.port" --log "$FAULTD_LOG" \
                --exit-with-parent --lifetime "${FAULTD_LIFETIME:-900}" "$@" \
                2>>"$state/faultd.stderr" &
        FAULTD_PID=$!
        for i in $(seq 100); do
                [ -s "$state/faultd.port" ] && break
                if ! kill -0 "$FAULTD_PID" 2>/dev/null; then
                        echo "faultd_start: faultd exited:" >&2
                        cat "$state/faultd.stderr" >&2
                        FAULTD_PID=
                        return 1
                fi
                sleep 0.05
        done
        if [ ! -s "$state/faultd.port" ]; then
                echo "faultd_start: no port file after 5 s" >&2
                faultd_stop
                return 1
        fi
        FAULTD_PORT=$(cat "$state/faultd.port")
        FAULTD_URL=http://127.0.0.1:$FAULTD_PORT
}

# faultd_stop: SIGTERM, wait up to 5 s, then SIGKILL. Returns faultd's exit status (0 when clean).
faultd_stop() {
        local pid=$FAULTD_PID i rc=0
        [ -n "$pid" ] || return 0
        FAULTD_PID=
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 100); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
        done
        if kill -0 "$pid" 2>/dev/null; then
                echo "faultd_stop: faultd ignored SIGTERM for 5 s, killing it" >&2
                kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || rc=$?
        return $rc
}

faultd_free_port() {
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

faultd_port_answers() {
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# faultd_tls_start STATEDIR: nginx terminating TLS on a free port in front of the running faultd.
faultd_tls_start() {
        local state=$1/tls here attempt port i
        here=${FAULTD_SRCDIR:-$(dirname "${BASH_SOURCE[0]}")}
        [ -n "$FAULTD_PORT" ] || { echo "faultd_tls_start: start faultd first" >&2; return 1; }
        command -v nginx >/dev/null 2>&1 || command -v /usr/sbin/nginx >/dev/null 2>&1 || return 77
        command -v python3 >/dev/null 2>&1 || return 77
        mkdir -p "$state/tmp"
        "$here/make-cert.sh" "$state" || return $?
        FAULTD_TLS_CERT=$state/cert.pem
        for attempt in 1 2 3 4 5; do
                port=$(faultd_free_port) || return 1
                sed -e "s|@PREFIX@|$state|g" -e "s|@TLS_PORT@|$port|g" -e "s|@CERT@|$state/cert.pem|g" \
                    -e "s|@KEY@|$state/key.pem|g" -e "s|@FAULTD_PORT@|$FAULTD_PORT|g" \
                    "$here/nginx-tls.conf.in" >"$state/nginx.conf"
                PATH=$PATH:/usr/sbin nginx -p "$state" -c "$state/nginx.conf" -e "$state/error.log" \
                        2>>"$state/start.log" &
                FAULTD_TLS_PID=$!
                for i in $(seq 100); do
                        faultd_port_answers "$port" && break
                        kill -0 "$FAULTD_TLS_PID" 2>/dev/null || break
                        sleep 0.05
                done
                if kill -0 "$FAULTD_TLS_PID" 2>/dev/null && faultd_port_answers "$port"; then
                        FAULTD_TLS_PORT=$port
                        FAULTD_TLS_URL=https://127.0.0.1:$port
                        return 0
                fi
                faultd_tls_stop
        done
        echo "faultd_tls_start: nginx did not start:" >&2
        cat "$state/start.log" "$state/error.log" >&2 2>/dev/null
        return 1
}

# faultd_tls_stop: nginx runs in the foreground (daemon off), so its master is our child.
faultd_tls_stop() {
        local pid=$FAULTD_TLS_PID i
        [ -n "$pid" ] || return 0
        FAULTD_TLS_PID=
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 100); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
}
