#!/usr/bin/env bash
# Builds every C fixture under testdata/ into a .wasm next to its source, and
# every .wat into a .wasm with wat2wasm --enable-all.
#   C:   clang --target=wasm32-wasi (Debian clang + wasi-libc + libclang-rt wasm32).
#        A line "// build: <flags>" in a .c file adds flags for that file
#        (e.g. "// build: -mexec-model=reactor -Wl,--export=run").
#   WAT: "wat2wasm --enable-all"; a line ";; build: <flags>" adds flags.
# Usage: testdata/build.sh [file.c|file.wat ...]   (default: all of testdata/)
# Needs: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt
set -euo pipefail
cd "$(dirname "$0")"

CC="${CC:-clang}"
CFLAGS="${CFLAGS:--O2}"

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find . -type f \( -name '*.c' -o -name '*.wat' \) | sort)
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
    *.wat)
      out="${src%.wat}.wasm"
      extra=$(sed -n 's#^;; build: ##p' "$src" | head -n 1)
      # shellcheck disable=SC2086
      wat2wasm --enable-all $extra -o "$out" "$src"
      ;;
    *)
      echo "build.sh: skipping $src (not .c or .wat)" >&2
      continue
      ;;
  esac
  echo "built $out"
  built=$((built + 1))
done
echo "build.sh: $built module(s) built"
