#!/usr/bin/env bash
# make-cert.sh DIR: write a self-signed certificate for 127.0.0.1, ::1 and localhost into
# DIR/cert.pem and its key into DIR/key.pem, for the TLS front of faultd (nginx-tls.conf.in).
# Clients trust it with `curl --cacert DIR/cert.pem` (or CURLOPT_CAINFO). Valid for 2 days; a fresh
# one per test run costs ~20 ms (P-256 key). Needs the openssl CLI (Debian package "openssl").
# Exit status: 0 done, 1 openssl failed, 2 usage, 77 (automake's "skip") when openssl is missing.
set -euo pipefail

if [ $# -ne 1 ]; then
        echo "usage: $0 DIR" >&2
        exit 2
fi
dir=$1
if ! command -v openssl >/dev/null 2>&1; then
        echo "make-cert.sh: openssl not found (apt-get install openssl)" >&2
        exit 77
fi
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 2 \
        -subj "/CN=faultd test" \
        -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
        -addext "basicConstraints=critical,CA:TRUE" \
        >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; exit 1; }
chmod 0644 "$dir/cert.pem"
