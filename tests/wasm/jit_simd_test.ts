/**
 * v128 values across every boundary of the JS tier: params and results of calls between
 * translated functions and between the tiers (the adapters in both directions, generated and
 * generic), a v128 result next to an i64 one (the multi-value registers), a v128 global, tail
 * calls with v128 params, recursion past the depth where translated code hands calls to the
 * interpreter, and OSR entries with a v128 on the interpreter frame's operand stack (a loop
 * parameter). Every tier must give the interpreter's results and stepsUsed, and at tier js
 * every function must really run translated.
 */
import assert from "node:assert/strict";
import * as wasm from "../../src/wasm/mod.ts";
import { internalsOf } from "../../src/wasm/api.ts";
import { setAdapterLimit } from "../../src/wasm/jit/tier.ts";
import { wat } from "../helpers/wat.ts";

const SRC = `(module
  (memory 1)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  ;; v128 params, a v128 and an i64 result
  (func $combine (param $a v128) (param $x i64) (param $b v128) (result v128 i64)
    (i32x4.add (local.get $a) (i16x8.mul (local.get $b) (local.get $a)))
    (i64.add (local.get $x) (i64x2.extract_lane 1 (local.get $b))))
  ;; one v128 result, recursion (past 1,000 frames the interpreter runs it)
  (func $chain (param $n i32) (param $v v128) (result v128)
    (if (result v128) (i32.eqz (local.get $n)) (then (local.get $v))
      (else (call $chain (i32.sub (local.get $n) (i32.const 1))
        (i32x4.add (local.get $v) (i32x4.splat (local.get $n)))))))
  ;; tail calls with a v128 param
  (func $tail (param $n i32) (param $v v128) (result v128)
    (if (result v128) (i32.eqz (local.get $n)) (then (local.get $v))
      (else (return_call $tail (i32.sub (local.get $n) (i32.const 1))
        (i8x16.add_sat_u (local.get $v) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))))))
  (func (export "run") (param $n i32) (result i32) (local $w i64)
    (v128.const i32x4 0 0 0 0)
    ;; the accumulator stays on the operand stack, a loop parameter
    (loop $l (param v128) (result v128)
      (call $combine (global.get $g) (local.get $w) (i32x4.splat (local.get $n)))
      (local.set $w)
      (global.set $g)
      (call $chain (i32.and (local.get $n) (i32.const 7)) (global.get $g))
      (i32x4.add)
      (call $tail (i32.and (local.get $n) (i32.const 3)) (global.get $g))
      (v128.xor)
      (v128.store (i32.and (local.get $n) (i32.const 0xff0)) (global.get $g))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (global.set $g)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (global.get $g)) (i32x4.extract_lane 3 (global.get $g)))
      (i32.add (i32.wrap_i64 (local.get $w))
        (i32x4.extract_lane 2 (call $chain (i32.const 1500) (global.get $g))))))
  (func (export "memsum") (result i32) (local $i i32) (local $s v128)
    (loop $l
      (local.set $s (i32x4.add (local.get $s) (v128.load (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const 4096))))
    (i32x4.extract_lane 1 (local.get $s))))`;

type Tier = "interp" | "js" | "auto";

async function outcome(tier: Tier, adapters = 4096) {
  const bytes = await wat(SRC);
  const old = setAdapterLimit(adapters);
  try {
    const inst = new wasm.Instance(new wasm.Module(bytes), {}, { tier });
    const e = inst.exports as Record<string, (...a: unknown[]) => number>;
    const r = [e.run(20000), e.memsum(), wasm.stepsUsed(inst)];
    return { r, jit: internalsOf(inst).ctx.funcs.map((f) => f.jit) };
  } finally {
    setAdapterLimit(old);
  }
}

Deno.test("jit simd: v128 across calls, adapters, tail calls, deep recursion and OSR: every tier agrees with the interpreter", async () => {
  const interp = await outcome("interp");
  assert.deepEqual(interp.jit, [false, false, false, false, false]);
  const js = await outcome("js");
  assert.deepEqual(js.r, interp.r, "js");
  // every function ran as translated code
  assert.deepEqual(js.jit, [true, true, true, true, true]);
  const auto = await outcome("auto");
  assert.deepEqual(auto.r, interp.r, "auto");
  assert.ok(auto.jit[3], "auto: the long-running export was translated (OSR)");
  for (const tier of ["js", "auto"] as const) {
    const generic = await outcome(tier, 0);
    assert.deepEqual(generic.r, interp.r, `${tier}, generic adapters`);
  }
});

Deno.test("jit simd: fuel running out in translated v128 code stops at the interpreter's step", async () => {
  const bytes = await wat(SRC);
  for (const fuel of [1_000, 150_000, 1_234_567]) {
    const got: string[] = [];
    for (const tier of ["interp", "js", "auto"] as const) {
      const inst = new wasm.Instance(new wasm.Module(bytes), {}, {
        tier,
        fuel,
      });
      let r: string;
      try {
        r = String((inst.exports.run as (n: number) => number)(20000));
      } catch (e) {
        r = `${(e as Error).message}`;
      }
      got.push(`${r} ${wasm.stepsUsed(inst)}`);
    }
    assert.deepEqual(got, [got[0], got[0], got[0]], `fuel ${fuel}`);
    assert.match(got[0], /fuel exhausted/);
  }
});
