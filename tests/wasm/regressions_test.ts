// Regression tests for engine bugs found by the official spec suite (each
// reduced to a small case; see /work/notes/spectest.md at the time of writing).
import assert from "node:assert/strict";
import { watUnvalidated } from "../helpers/wat.ts";
import { cases, instantiate, testBoth, testPorta } from "./_harness.ts";

cases(
  "br_table carrying values with zero or one explicit target",
  `(module
    (func (export "empty-value") (param i32) (result i32)
      (block (result i32) (br_table 0 (i32.const 33) (local.get 0)) (i32.const 31)))
    (func (export "singleton-value") (param i32) (result i32)
      (block (result i32)
        (drop (block (result i32) (br_table 0 1 (i32.const 33) (local.get 0)) (return (i32.const 31))))
        (i32.const 32)))
    (func (export "i64-value") (result i64)
      (block (result i64) (br_table 0 0 (i64.const 2) (i32.const 0))))
    (func (export "multi") (param i32) (result i32 i32)
      (block (result i32 i32) (br_table 0 (i32.const 1) (i32.const 2) (local.get 0)))))`,
  [
    ["empty-value", [0], 33],
    ["empty-value", [7], 33],
    ["empty-value", [-1], 33],
    ["singleton-value", [0], 32],
    ["singleton-value", [1], 33],
    ["singleton-value", [-100], 33],
    ["i64-value", [], 2n],
    ["multi", [5], [1, 2]],
  ],
);

testBoth("export names keep a leading byte-order mark (U+FEFF)", async (e) => {
  const inst = await instantiate(
    e,
    `(module (func (export "abc") (result i32) (i32.const 1))
      (func (export "\\ef\\bb\\bfabc") (result i32) (i32.const 2)))`,
  );
  assert.equal(inst.exports["abc"](), 1);
  assert.equal(inst.exports["\ufeffabc"](), 2);
  assert.deepEqual(Object.keys(inst.exports), ["abc", "\ufeffabc"]);
});

cases(
  "f64 rounding of a signalling NaN gives a quiet NaN",
  `(module
    (func (export "floor") (param i64) (result i64) (i64.reinterpret_f64 (f64.floor (f64.reinterpret_i64 (local.get 0)))))
    (func (export "ceil") (param i64) (result i64) (i64.reinterpret_f64 (f64.ceil (f64.reinterpret_i64 (local.get 0)))))
    (func (export "trunc") (param i64) (result i64) (i64.reinterpret_f64 (f64.trunc (f64.reinterpret_i64 (local.get 0)))))
    (func (export "nearest") (param i64) (result i64) (i64.reinterpret_f64 (f64.nearest (f64.reinterpret_i64 (local.get 0)))))
    (func (export "f32floor") (param i32) (result i32) (i32.reinterpret_f32 (f32.floor (f32.reinterpret_i32 (local.get 0))))))`,
  [
    ["floor", [0x7ff4000000000000n], 0x7ffc000000000000n],
    ["ceil", [0x7ff4000000000000n], 0x7ffc000000000000n],
    ["trunc", [0x7ff4000000000000n], 0x7ffc000000000000n],
    ["nearest", [0x7ff4000000000000n], 0x7ffc000000000000n],
    ["f32floor", [0x7fa00000], 0x7fe00000],
  ],
);

testBoth("memarg alignment exponent 31 is invalid", (e) => {
  const bytes = new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    1,
    4,
    1,
    0x60,
    0,
    0,
    3,
    2,
    1,
    0,
    5,
    3,
    1,
    0,
    1,
    10,
    10,
    1,
    8,
    0,
    0x41,
    0,
    0x28,
    0x1f,
    0,
    0x1a,
    0x0b,
  ]);
  assert.equal(e.wa.validate(bytes), false);
  assert.throws(() => new e.wa.Module(bytes), e.wa.CompileError);
});

// WebAssembly 2.0 / extended-const: global.get in a constant expression may
// only name an imported global. (V8 already implements the GC proposal's
// relaxation, so this is checked on Porta only.)
testPorta("constant expressions may only read imported globals", async (wa) => {
  for (
    const src of [
      `(module (memory 1) (global i32 (i32.const 0)) (data (global.get 0) "a"))`,
      `(module (table 1 funcref) (global i32 (i32.const 0)) (elem (global.get 0) func))`,
      `(module (global i32 (i32.const 0)) (global i32 (global.get 0)))`,
    ]
  ) {
    const bytes = await watUnvalidated(src);
    assert.throws(() => new wa.Module(bytes), wa.CompileError, src);
  }
  const ok = await watUnvalidated(
    `(module (import "e" "g" (global i32)) (global i32 (i32.add (global.get 0) (i32.const 1))))`,
  );
  assert.ok(wa.validate(ok));
});
