#!/bin/sh
# build-and-run.sh TARGET [SECONDS] [BUILDDIR]: builds the libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined; the whole tree with -fsanitize=fuzzer-no-link so that our
# code is instrumented) in BUILDDIR (default build-fuzz) and runs TARGET for SECONDS (default 600)
# at nice 19, one job, on a scratch copy of its corpus: new inputs land in BUILDDIR/corpus-TARGET,
# crashes in BUILDDIR/artifacts-TARGET/. Add a finding to fuzz/corpus/TARGET/ only once the bug is
# fixed (the replay under `meson test --suite fuzz` must pass). Not run by CI.
#   fuzz/build-and-run.sh fuzz-config 600
set -eu
target=${1:?usage: $0 TARGET [SECONDS] [BUILDDIR]}
seconds=${2:-600}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${3:-$src/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
        CC=clang CXX=clang++ meson setup "$build" "$src" \
                -Dfuzzing=true -Dtests=false -Dwerror=false -Dbuildtype=debugoptimized \
                -Db_sanitize=address,undefined -Db_lundef=false \
                -Dc_args=-fsanitize=fuzzer-no-link -Dcpp_args=-fsanitize=fuzzer-no-link
fi
ninja -C "$build" "fuzz/$target"

mkdir -p "$build/corpus-$target" "$build/artifacts-$target"
cp -n "$src/fuzz/corpus/$target/"* "$build/corpus-$target/" 2>/dev/null || true
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"   # libFuzzer writes fuzz-N.log into the working directory
exec nice -n 19 "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -jobs=1 -workers=1 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$build/artifacts-$target/" \
        "$build/corpus-$target"
