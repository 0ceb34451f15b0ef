# lib-nginx.sh: start and stop a private nginx on a free loopback port (sourced by scripts/demo and
# bench/large-file; the C integration harness in tests/integration/harness.c writes the same config).
#
# Usage:
#   . scripts/lib-nginx.sh
#   nginx_start PREFIX DOCROOT      # sets NGINX_PORT and NGINX_PID; returns non-zero on failure
#   nginx_stop PREFIX               # graceful (QUIT), then TERM, then KILL; bounded; idempotent
#
# Everything nginx writes (pid, logs, temp paths) lives in PREFIX. The server runs as a daemon, so it
# is not in the caller's process group: callers must call nginx_stop from an EXIT trap.
# Limits: at most 5 ports are tried; each start waits at most 5 s for the port to answer.

NGINX_PORT=
NGINX_PID=

# A free TCP port on 127.0.0.1: bind to port 0, read the port, close. Another process may take it
# before nginx binds; nginx_start retries with a new port when that happens.
nginx_free_port() {
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# nginx_write_conf PREFIX DOCROOT PORT: the config shared with the C harness. Locations:
#   /           the docroot at full speed
#   /slow/      the docroot at 2 MiB/s per request
#   /veryslow/  the docroot at 200 KiB/s per request
# nginx's limit_rate lets the first second's worth of each request go at once (2 MiB on /slow/), then
# holds the rate.
nginx_write_conf() {
        local prefix=$1 docroot=$2 port=$3 user_line=
        if [ "$(id -u)" -eq 0 ]; then
                # Workers started by root run as nobody and could not read a 0700 temp dir.
                user_line='user root;'
        fi
        cat >"$prefix/nginx.conf" <<EOF
# Written by scripts/lib-nginx.sh for one private test instance.
$user_line
daemon on;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 512; }
http {
    default_type application/octet-stream;
    log_format dosvc '\$request_method \$uri \$status "\$http_range" "\$http_if_range" \$bytes_sent';
    access_log $prefix/access.log dosvc;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000;
    client_body_temp_path $prefix/tmp/client_body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $docroot;
        location /slow/ { alias $docroot/; limit_rate 2m; }
        location /veryslow/ { alias $docroot/; limit_rate 200k; }
    }
}
EOF
}

# nginx_port_answers PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
nginx_port_answers() {
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

nginx_start() {
        local prefix=$1 docroot=$2 attempt port i
        mkdir -p "$prefix/tmp" "$prefix/logs"
        for attempt in 1 2 3 4 5; do
                port=$(nginx_free_port) || return 1
                nginx_write_conf "$prefix" "$docroot" "$port"
                rm -f "$prefix/nginx.pid"
                if nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" 2>>"$prefix/start.log"; then
                        for i in $(seq 1 250); do
                                if [ -s "$prefix/nginx.pid" ] && nginx_port_answers "$port"; then
                                        NGINX_PORT=$port
                                        NGINX_PID=$(cat "$prefix/nginx.pid")
                                        return 0
                                fi
                                sleep 0.02
                        done
                        echo "lib-nginx: nginx on port $port did not answer within 5 s" >&2
                        nginx_stop "$prefix"
                        return 1
                fi
                # Most likely the port was taken between our probe and nginx's bind: try another.
                echo "lib-nginx: nginx failed to start on port $port (attempt $attempt)" >&2
        done
        echo "lib-nginx: giving up; see $prefix/start.log and $prefix/error.log" >&2
        cat "$prefix/start.log" >&2 2>/dev/null || true
        return 1
}

# _nginx_wait_gone PID TENTHS: wait up to TENTHS/10 s for PID to exit.
_nginx_wait_gone() {
        local pid=$1 n=$2 i
        for ((i = 0; i < n; i++)); do
                kill -0 "$pid" 2>/dev/null || return 0
                sleep 0.1
        done
        ! kill -0 "$pid" 2>/dev/null
}

nginx_stop() {
        local prefix=$1 pid=${NGINX_PID:-}
        if [ -z "$pid" ] && [ -s "$prefix/nginx.pid" ]; then
                pid=$(cat "$prefix/nginx.pid")
        fi
        [ -n "$pid" ] || return 0
        if kill -0 "$pid" 2>/dev/null; then
                kill -QUIT "$pid" 2>/dev/null || true
                _nginx_wait_gone "$pid" 30 || { kill -TERM "$pid" 2>/dev/null || true; _nginx_wait_gone "$pid" 30; } ||
                        { kill -KILL "$pid" 2>/dev/null || true; _nginx_wait_gone "$pid" 10; } || true
        fi
        NGINX_PID=
        NGINX_PORT=
        return 0
}
