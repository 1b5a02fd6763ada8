#!/usr/bin/env bash
# Fuzzes kmsc with cargo-fuzz (libFuzzer): installs cargo-fuzz if missing, copies the
# committed seeds (fuzz/seeds/TARGET) into the working corpus (fuzz/corpus/TARGET, not
# committed) and runs each target for SECONDS (default 600), one after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: hcl_text values canonical_roundtrip
#
# Crashes are written to fuzz/artifacts/TARGET/. Replay one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...
# and, once fixed, copy it to tests/fuzz_regressions/TARGET/ (run by `cargo test`).
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them, so no nightly toolchain is needed. kmsc's only `unsafe` code is the binary's
# global allocator (src/alloc.rs), which the targets do not use, so they are built without
# AddressSanitizer (about twice as many executions per second); set
# FUZZ_SANITIZER=address to turn it back on. Debug assertions and overflow checks are on.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(hcl_text values canonical_roundtrip)
fi

if ! cargo fuzz --version > /dev/null 2>&1; then
    cargo install cargo-fuzz || exit 1
fi
export RUSTC_BOOTSTRAP=1

failed=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    cp -n "fuzz/seeds/$target"/* "fuzz/corpus/$target/" 2> /dev/null || true
    case "$target" in
        canonical_roundtrip) dict=fuzz/dicts/json.dict ;;
        *) dict=fuzz/dicts/terraform.dict ;;
    esac
    echo "== $target: ${seconds}s"
    if ! cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" "$target" "fuzz/corpus/$target" -- \
        -dict="$dict" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1; then
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzzing found problems in: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
