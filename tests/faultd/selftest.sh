#!/usr/bin/env bash
# selftest.sh: faultd against curl, one behaviour per check, TAP output (meson: protocol 'tap').
# Needs $FAULTD and $FAULTD_SCENARIOS (set by tests/faultd/meson.build) and curl. The TLS checks
# run only when nginx, openssl and python3 are there. Every curl call has --max-time, every wait is
# bounded, and the EXIT trap stops every server we started.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export FAULTD_SRCDIR=${FAULTD_SRCDIR:-$here}
: "${FAULTD:?FAULTD must point at the faultd binary}"
: "${FAULTD_SCENARIOS:=$here/scenarios}"
export FAULTD FAULTD_SCENARIOS
. "$FAULTD_SRCDIR/lib-faultd.sh"

tmp=$(mktemp -d /tmp/faultd-selftest.XXXXXX)
cleanup() {
        faultd_tls_stop
        faultd_stop >/dev/null 2>&1
        [ -n "${bg_pid:-}" ] && kill "$bg_pid" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0
ok() {  # ok DESCRIPTION COMMAND…: one TAP line for the command's success
        local desc=$1
        shift
        n=$((n + 1))
        if "$@"; then
                echo "ok $n - $desc"
        else
                echo "not ok $n - $desc"
                failed=$((failed + 1))
        fi
}
skip() {
        n=$((n + 1))
        echo "ok $n - $1 # SKIP $2"
}
C() { curl -sS --max-time 20 "$@"; }
status_is() {  # status_is CODE URL [curl options…]
        local want=$1 url=$2 got
        shift 2
        got=$(C -o /dev/null -w '%{http_code}' "$@" "$url" 2>/dev/null)
        [ "$got" = "$want" ] || { echo "# $url: status $got, wanted $want" >&2; return 1; }
}
curl_exit_is() {  # curl_exit_is CODE curl-arguments…
        local want=$1 rc=0
        shift
        curl -s --max-time 20 -o /dev/null "$@" || rc=$?
        [ "$rc" = "$want" ] || { echo "# curl $*: exit $rc, wanted $want" >&2; return 1; }
}
header_is() {  # header_is NAME VALUE URL [curl options…]: the response header NAME is exactly VALUE
        local name=$1 want=$2 url=$3 got
        shift 3
        got=$(C -D - -o /dev/null "$@" "$url" | tr -d '\r' | sed -n "s/^$name: //Ip" | head -1)
        [ "$got" = "$want" ] || { echo "# $url: $name '$got', wanted '$want'" >&2; return 1; }
}
no_header() {
        local name=$1 url=$2
        shift 2
        ! C -D - -o /dev/null "$@" "$url" | tr -d '\r' | grep -qi "^$name:"
}
same() { cmp -s "$1" "$2" || { echo "# $1 and $2 differ" >&2; return 1; }; }
slice() { head -c $(($2 + $3)) "$1" | tail -c "$3"; }   # slice FILE OFFSET LENGTH (no SIGPIPE)

mkdir -p "$tmp/www/sub" "$tmp/state"
head -c 300000 /dev/urandom >"$tmp/www/big"
echo hello >"$tmp/www/sub/small"
: >"$tmp/www/empty"
size=300000
mkdir "$tmp/www/dir"

echo "TAP version 13"
if ! faultd_start "$tmp/www" "$tmp/state"; then
        echo "1..0 # faultd did not start"
        exit 1
fi
U=$FAULTD_URL
big=$tmp/www/big
out=$tmp/out

# ---- well-behaved serving ----
ok "plain GET is byte-identical" eval 'C -o "$out" "$U/big" && same "$out" "$big"'
ok "GET in a subdirectory" eval '[ "$(C "$U/sub/small")" = hello ]'
ok "empty file: 200, Content-Length 0" header_is Content-Length 0 "$U/empty"
ok "HEAD: Content-Length, no body" eval 'header_is Content-Length $size "$U/big" -I && [ -z "$(C -I -o /dev/null -w "%{size_download}" "$U/big" | tr -d 0)" ]'
ok "Accept-Ranges: bytes" header_is Accept-Ranges bytes "$U/big"
ok "Range a-b: 206" status_is 206 "$U/big" -r 100-199
ok "Range a-b: Content-Range" header_is Content-Range "bytes 100-199/$size" "$U/big" -r 100-199
ok "Range a-b: the right bytes" eval 'C -r 100-199 -o "$out" "$U/big" && slice "$big" 100 100 >"$tmp/want" && same "$out" "$tmp/want"'
ok "Range a-: to the end" eval 'C -r 299000- -o "$out" "$U/big" && slice "$big" 299000 1000 >"$tmp/want" && same "$out" "$tmp/want"'
ok "Range -n: the last n bytes" header_is Content-Range "bytes 299900-299999/$size" "$U/big" -r -100
ok "Range past the end is clamped" header_is Content-Range "bytes 299990-299999/$size" "$U/big" -r 299990-400000
ok "unsatisfiable Range: 416" status_is 416 "$U/big" -r $size-
ok "416 carries Content-Range: bytes */size" header_is Content-Range "bytes */$size" "$U/big" -r $size-
ok "multi-range is answered 200" status_is 200 "$U/big" -r 0-1,5-6
etag=$(C -I "$U/big" | tr -d '\r' | sed -n 's/^ETag: //Ip')
lastmod=$(C -I "$U/big" | tr -d '\r' | sed -n 's/^Last-Modified: //Ip')
ok "ETag is stable" eval '[ -n "$etag" ] && header_is ETag "$etag" "$U/big"'
ok "If-Range with the ETag: 206" status_is 206 "$U/big" -r 10-19 -H "If-Range: $etag"
ok "If-Range with the Last-Modified date: 206" status_is 206 "$U/big" -r 10-19 -H "If-Range: $lastmod"
ok "If-Range mismatch: 200, whole file" eval 'C -r 10-19 -H "If-Range: \"nope\"" -o "$out" "$U/big" && same "$out" "$big"'
ok "missing file: 404" status_is 404 "$U/no-such-file"
ok "directory: 403" status_is 403 "$U/dir"
ok "path traversal: 403" status_is 403 "$U/../../etc/passwd" --path-as-is
ok "encoded path traversal: 403" status_is 403 "$U/%2e%2e/%2e%2e/etc/passwd" --path-as-is
ok "request head over 16 KiB: 431" status_is 431 "$U/big" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)"
ok "POST: 405" status_is 405 "$U/big" -d x
ok "keep-alive: two requests, one connection" eval '
        C -o /dev/null -o /dev/null "$U/sub/small?ka=1" "$U/sub/small?ka=2" &&
        [ "$(grep -E "target=\"/sub/small\\?ka=[12]\"" "$FAULTD_LOG" | sed -n "s/.* conn=\([0-9]*\) .*/\1/p" | sort -u | wc -l)" = 1 ]'
ok "IPv6 loopback (when there is one)" eval '! curl -s -g --max-time 5 -o /dev/null "http://[::1]:$FAULTD_PORT/sub/small" 2>/dev/null ||
        [ "$(C -g "http://[::1]:$FAULTD_PORT/sub/small")" = hello ]'

# ---- faults ----
ok "cut-always: curl exit 18 (partial file)" curl_exit_is 18 "$U/s/cut-always/big"
ok "cut-always: exactly 100000 body bytes" eval 'curl -s --max-time 20 -o "$out" "$U/s/cut-always/big"; [ "$(stat -c %s "$out")" = 100000 ]'
ok "cut-once: the first transfer is cut (exit 18, 100000 bytes)" eval 'rc=0; curl -s --max-time 20 -o "$out" "$U/s/cut-once/big" || rc=$?;
        [ $rc = 18 ] && [ "$(stat -c %s "$out")" = 100000 ]'
ok "cut-once: the resume (-C -) completes the file" eval 'C -C - -o "$out" "$U/s/cut-once/big" && same "$out" "$big"'
ok "status-503-retry-after-2: 503" status_is 503 "$U/s/status-503-retry-after-2/big"
ok "status-503-retry-after-2: Retry-After: 2" header_is Retry-After 2 "$U/s/status-503-retry-after-2/big"
ok "status-429-date: 429 with an HTTP-date Retry-After" eval 'status_is 429 "$U/s/status-429-date/big" &&
        C -D - -o /dev/null "$U/s/status-429-date/big" | tr -d "\r" | grep -Eq "^Retry-After: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$"'
for code in 404 403 410 408 500; do
        ok "status-$code" status_is $code "$U/s/status-$code/big"
done
ok "fail-twice-then-ok: 503, 503, then the file" eval 'status_is 503 "$U/s/fail-twice-then-ok/big" &&
        status_is 503 "$U/s/fail-twice-then-ok/big" && C -o "$out" "$U/s/fail-twice-then-ok/big" && same "$out" "$big"'
ok "first-n-requests counts per file" status_is 503 "$U/s/fail-twice-then-ok/sub/small"
ok "redirect-loop: curl -L --max-redirs 5 exits 47" curl_exit_is 47 -L --max-redirs 5 "$U/s/redirect-loop/big"
ok "redirect-chain-3: 3 hops, then the file" eval '[ "$(C -L -o "$out" -w "%{num_redirects}" "$U/s/redirect-chain-3/big")" = 3 ] && same "$out" "$big"'
ok "redirect-to-missing: ends in 404" status_is 404 "$U/s/redirect-to-missing/big" -L
ok "redirect-to-http: Location is http://127.0.0.1:port/file" header_is Location "http://127.0.0.1:$FAULTD_PORT/big" "$U/s/redirect-to-http/big"
ok "wrong-content-range: 206 claiming +1000" header_is Content-Range "bytes 1100-1199/$size" "$U/s/wrong-content-range/big" -r 100-199
ok "wrong-content-length: curl exit 18" curl_exit_is 18 "$U/s/wrong-content-length/big"
ok "ignore-range: 200 and the whole file" eval 'status_is 200 "$U/s/ignore-range/big" -r 0-99 && C -r 0-99 -o "$out" "$U/s/ignore-range/big" && same "$out" "$big"'
ok "range-not-supported: 200 to a Range" status_is 200 "$U/s/range-not-supported/big" -r 0-99
ok "range-not-supported: no Accept-Ranges" no_header Accept-Ranges "$U/s/range-not-supported/big"
ok "etag-changes: a new ETag per request" eval '
        a=$(C -I "$U/s/etag-changes/big" | tr -d "\r" | sed -n "s/^ETag: //Ip");
        b=$(C -I "$U/s/etag-changes/big" | tr -d "\r" | sed -n "s/^ETag: //Ip"); [ -n "$a" ] && [ "$a" != "$b" ]'
ok "etag-changes: If-Range with the last ETag gives 200" eval '
        e=$(C -I "$U/s/etag-changes/big" | tr -d "\r" | sed -n "s/^ETag: //Ip");
        status_is 200 "$U/s/etag-changes/big" -r 0-9 -H "If-Range: $e"'
ok "if-range-ignored: 206 despite a stale If-Range" status_is 206 "$U/s/if-range-ignored/big" -r 0-9 -H 'If-Range: "stale"'
ok "oversized-headers-64k: a 64 KiB header line" eval '
        C -D "$tmp/h" -o /dev/null "$U/s/oversized-headers-64k/big" && [ "$(grep -i "^X-Faultd-Padding:" "$tmp/h" | tr -d "\r\n" | wc -c)" = 65536 ]'
ok "drip-100k: right bytes (10 KB range)" eval 'C -r 0-9999 -o "$out" "$U/s/drip-100k/big" && slice "$big" 0 10000 >"$tmp/want" && same "$out" "$tmp/want"'
ok "stall-mid-then-close: 64 KiB, then closed (exit 18)" eval 'rc=0; curl -s --max-time 20 -o "$out" "$U/s/stall-mid-then-close/big" || rc=$?;
        [ $rc = 18 ] && [ "$(stat -c %s "$out")" = 65536 ]'
# several connections at once: a stalled transfer must not block another one
curl -s --max-time 3 -o /dev/null "$U/s/stall-forever/big" &
bg_pid=$!
sleep 0.3
ok "while a transfer stalls, another is served" eval 'C -o "$out" "$U/big" && same "$out" "$big"'
ok "stall-forever: the client times out (exit 28)" eval 'rc=0; wait $bg_pid || rc=$?; bg_pid=; [ $rc = 28 ]'
ok "unknown scenario: 599" status_is 599 "$U/s/no-such-scenario/big"
ok "invalid scenario name: 599" status_is 599 "$U/s/.hidden/big"

# ---- the log ----
ok "log: one line per request with method, target, range, status, scenario" eval '
        grep -q "method=GET target=\"/s/cut-always/big\" range=\"-\" if-range=\"-\" status=200 body=100000 .* scenario=cut-always fault=1 end=cut" "$FAULTD_LOG" &&
        grep -q "target=\"/big\" range=\"bytes=10-19\" if-range=\"\\\\x22nope\\\\x22\" status=200" "$FAULTD_LOG"'

# ---- TLS front (nginx) ----
rc=0
faultd_tls_start "$tmp/state" >"$tmp/tls.log" 2>&1 || rc=$?
if [ $rc = 0 ]; then
        T=$FAULTD_TLS_URL
        ok "https: plain GET through nginx" eval 'C --cacert "$FAULTD_TLS_CERT" -o "$out" "$T/big" && same "$out" "$big"'
        ok "https: Range passes through" header_is Content-Range "bytes 100-199/$size" "$T/big" --cacert "$FAULTD_TLS_CERT" -r 100-199
        ok "https: cut reaches the client (exit 18)" curl_exit_is 18 --cacert "$FAULTD_TLS_CERT" "$T/s/cut-always/big"
        ok "https -> http redirect lands on faultd" eval '
                [ "$(C --cacert "$FAULTD_TLS_CERT" -L -o "$out" -w "%{url_effective}" "$T/s/redirect-to-http/big")" = "$U/big" ] && same "$out" "$big"'
        faultd_tls_stop
elif [ $rc = 77 ]; then
        skip "https through nginx" "nginx, openssl or python3 missing"
else
        sed 's/^/# /' "$tmp/tls.log"
        ok "https: nginx TLS front starts" false
fi

# ---- stop ----
ok "SIGTERM: exit status 0" faultd_stop
ok "SIGTERM: port file removed" test ! -e "$tmp/state/faultd.port"

echo "1..$n"
[ $failed = 0 ]
