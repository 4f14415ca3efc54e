#!/usr/bin/env bash
# Builds every C and Rust fixture under testdata/ into a .wasm next to its
# source, and every .wat into a .wasm with wat2wasm --enable-all.
#   C:   clang --target=wasm32-wasi (Debian clang + wasi-libc + libclang-rt wasm32).
#        A line "// build: <flags>" in a .c file adds flags for that file
#        (e.g. "// build: -mexec-model=reactor -Wl,--export=run").
#   Rust: rustc --target wasm32-wasi -O -C strip=symbols (Debian rustc +
#        libstd-rust-dev-wasm32; RUSTC overrides the compiler); a line
#        "// build: <flags>" in a .rs file adds flags. Skipped with a warning
#        when rustc or its wasm32-wasi standard library is missing.
#   WAT: "wat2wasm --enable-all"; a line ";; build: <flags>" adds flags.
# Usage: testdata/build.sh [file.c|file.rs|file.wat ...]   (default: all of testdata/)
# Needs: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt
#        (Rust: rustc libstd-rust-dev-wasm32)
set -euo pipefail
cd "$(dirname "$0")"

CC="${CC:-clang}"
CFLAGS="${CFLAGS:--O2}"
RUSTFLAGS="${RUSTFLAGS:--O -C strip=symbols}"

# The first rustc that has the wasm32-wasi standard library ($RUSTC if set;
# else rustc on PATH, then Debian's /usr/bin/rustc: a rustup toolchain may
# know the target only as wasm32-wasip1).
find_rustc() {
  local candidates=("${RUSTC:-}")
  [ -n "${RUSTC:-}" ] || candidates=(rustc /usr/bin/rustc)
  for r in "${candidates[@]}"; do
    local dir
    dir=$("$r" --target wasm32-wasi --print target-libdir 2>/dev/null) || continue
    if [ -d "$dir" ]; then
      echo "$r"
      return 0
    fi
  done
  return 1
}

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find . -type f \( -name '*.c' -o -name '*.rs' -o -name '*.wat' \) | sort)
fi

built=0
for src in "${files[@]}"; do
  src="${src#./}"
  case "$src" in
    *.c)
      out="${src%.c}.wasm"
      extra=$(sed -n 's#^// build: ##p' "$src" | head -n 1)
      # shellcheck disable=SC2086
      "$CC" --target=wasm32-wasi $CFLAGS $extra -Wl,--strip-debug -o "$out" "$src"
      ;;
    *.rs)
      out="${src%.rs}.wasm"
      if ! rustc_bin=$(find_rustc); then
        echo "build.sh: skipping $src (no rustc with the wasm32-wasi standard library)" >&2
        continue
      fi
      extra=$(sed -n 's#^// build: ##p' "$src" | head -n 1)
      # shellcheck disable=SC2086
      "$rustc_bin" --target wasm32-wasi $RUSTFLAGS $extra -o "$out" "$src"
      ;;
    *.wat)
      out="${src%.wat}.wasm"
      extra=$(sed -n 's#^;; build: ##p' "$src" | head -n 1)
      # shellcheck disable=SC2086
      wat2wasm --enable-all $extra -o "$out" "$src"
      ;;
    *)
      echo "build.sh: skipping $src (not .c, .rs or .wat)" >&2
      continue
      ;;
  esac
  echo "built $out"
  built=$((built + 1))
done
echo "build.sh: $built module(s) built"

# ABI v2 agents (frames on stdout, answers on stdin; see src/agent/abi2.ts) are
# built by the loop above like every fixture: agents/abi2.c with clang, and
# agents/abi2_rust.rs with rustc --target wasm32-wasi -O (Debian's
# /usr/bin/rustc when the rustc on PATH lacks that target). Alone:
#   testdata/build.sh agents/abi2.c agents/abi2_rust.rs
