/**
 * A real SIMD program: `bench/src/simd_image.c` (RGBA blur, 8-bit saturating
 * mixes, a 16-bit FIR filter, f32 saxpy), built by `bench/build.sh` with
 * `clang --target=wasm32-wasi -O3 -msimd128` into `bench/wasm/simd_image.wasm`,
 * whose hot loops clang vectorised. It must print exactly what the host's
 * native WebAssembly prints, on every tier of Porta's engine, with the WASI
 * host the benchmark uses (`src/wasi/mod.ts`), and the same `stepsUsed` on
 * every tier.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as W from "../../src/wasm/mod.ts";
import { compiledOf } from "../../src/wasm/api.ts";
import { Wasi } from "../../src/wasi/mod.ts";

const WASM = new URL("../../bench/wasm/simd_image.wasm", import.meta.url);

/** Runs the program with argument `scale`; returns its stdout and exit code. */
function run(
  engine: {
    Module: new (b: Uint8Array) => unknown;
    // deno-lint-ignore no-explicit-any
    Instance: new (m: any, i: object, o?: object) => { exports: any };
  },
  bytes: Uint8Array,
  scale: string,
  options?: object,
): { out: string; code: number; instance: unknown } {
  const chunks: Uint8Array[] = [];
  const wasi = new Wasi({
    args: ["simd_image", scale],
    env: {},
    stdout: (b: Uint8Array) => chunks.push(b.slice()),
    stderr: (b: Uint8Array) => Deno.stderr.writeSync(b),
  });
  const instance = new engine.Instance(
    new engine.Module(bytes),
    wasi.imports,
    options,
  );
  const code = wasi.start(instance);
  const out = new TextDecoder().decode(
    new Uint8Array(chunks.flatMap((c) => [...c])),
  );
  return { out, code, instance };
}

Deno.test("SIMD program: simd_image prints the same on every tier as on native WebAssembly", () => {
  const bytes = Deno.readFileSync(WASM);
  // the program really is SIMD: the functions with its hot loops use v128
  const cm = compiledOf(new W.Module(bytes));
  assert.ok(cm.simd !== null && cm.simd.some((x) => x === 1));
  const native = run(WebAssembly as never, bytes, "3");
  assert.equal(native.code, 0);
  assert.match(native.out, /^image hash [0-9a-f]{8} histogram/);
  const steps: number[] = [];
  for (const tier of ["interp", "js", "auto"]) {
    const r = run(W, bytes, "3", { tier });
    assert.equal(r.code, 0, `tier ${tier}`);
    assert.equal(r.out, native.out, `tier ${tier}`);
    steps.push(W.stepsUsed(r.instance as W.Instance));
  }
  assert.deepEqual(steps, [steps[0], steps[0], steps[0]]);
});
