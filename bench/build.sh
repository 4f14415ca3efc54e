#!/bin/sh
# Builds the benchmark programs in bench/src/*.c into bench/wasm/*.wasm (WASI preview1 commands).
# Needs Debian's clang 14, lld, wasi-libc and libclang-rt-14-dev-wasm32:
#   apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32
# wasi-libc installs headers in /usr/include/wasm32-wasi and libraries in /usr/lib/wasm32-wasi,
# so --sysroot=/usr finds both; the compiler-rt builtins come from the libclang-rt package.
#
# Reproducibility: when binaryen's wasm-opt is on PATH, clang silently runs it after linking (and
# it rejects bulk-memory code). So clang is run with a PATH holding only the linker.
#
# All programs are plain MVP wasm except mem_qsort, built with -mbulk-memory so that its
# memcpy/memset/memmove calls become memory.copy / memory.fill, and the simd_* programs, built
# with -O3 -msimd128 so that clang's auto-vectoriser turns their loops into WebAssembly SIMD.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
llvm_bin=/usr/lib/llvm-14/bin
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
ln -s "$llvm_bin/wasm-ld" "$tools/wasm-ld-14"
ln -s "$llvm_bin/wasm-ld" "$tools/wasm-ld"
mkdir -p "$here/wasm"
for src in "$here"/src/*.c; do
  name=$(basename "$src" .c)
  extra=""
  opt=-O2
  [ "$name" = mem_qsort ] && extra="-mbulk-memory"
  case "$name" in simd_*) opt=-O3 extra="-msimd128" ;; esac
  # shellcheck disable=SC2086
  PATH="$tools" "$llvm_bin/clang" --target=wasm32-wasi --sysroot=/usr $opt -Wall -Wextra $extra \
    -Wl,--strip-all -o "$here/wasm/$name.wasm" "$src" -lm
  echo "built bench/wasm/$name.wasm ($(wc -c <"$here/wasm/$name.wasm") bytes)"
done
