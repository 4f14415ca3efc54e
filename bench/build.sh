#!/bin/sh
# Builds the benchmark programs in bench/src/*.c into bench/wasm/*.wasm (WASI preview1 commands).
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32:
#   apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32
# wasi-libc installs headers in /usr/include/wasm32-wasi and libraries in /usr/lib/wasm32-wasi,
# so --sysroot=/usr finds both; the compiler-rt builtins come from the libclang-rt package.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-clang}
mkdir -p "$here/wasm"
for src in "$here"/src/*.c; do
  name=$(basename "$src" .c)
  "$CC" --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra \
    -Wl,--strip-all -o "$here/wasm/$name.wasm" "$src" -lm
  echo "built bench/wasm/$name.wasm ($(wc -c <"$here/wasm/$name.wasm") bytes)"
done
