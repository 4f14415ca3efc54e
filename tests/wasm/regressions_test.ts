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

// Spec 4.3.3 (nans): an arithmetic result from NaN operands is a canonical NaN
// when every NaN operand is canonical (or none is NaN: 0/0, inf-inf, sqrt(-1)),
// else an arithmetic NaN. Checked over many rounds so the engine's own code
// gets JIT-optimised (a min/max regression only showed up then).
testBoth(
  "NaN results are canonical/arithmetic as the spec says, also JIT-warm",
  async (e) => {
    const BIN = ["add", "sub", "mul", "div", "min", "max"];
    const UN = ["sqrt", "ceil", "floor", "trunc", "nearest", "neg_add"];
    const fn = (t: "f32" | "f64", o: string, binary: boolean) => {
      const it = t === "f32" ? "i32" : "i64";
      const arg = (k: number) => `(${t}.reinterpret_${it} (local.get ${k}))`;
      const body = binary
        ? `(${t}.${o} ${arg(0)} ${arg(1)})`
        : o === "neg_add"
        ? `(${t}.add (${t}.neg ${arg(0)}) (${t}.const 0))`
        : `(${t}.${o} ${arg(0)})`;
      return `(func (export "${t}.${o}") (param ${it} ${it}) (result ${it}) (${it}.reinterpret_${t} ${body}))`;
    };
    const defs = (["f32", "f64"] as const).flatMap((t) => [
      ...BIN.map((o) => fn(t, o, true)),
      ...UN.map((o) => fn(t, o, false)),
    ]);
    const inst = await instantiate(e, `(module ${defs.join("\n")})`);
    const v32 = [
      0,
      0x80000000,
      0x7fc00000,
      0xffc00000,
      0x7fa00000,
      0x3f800000,
      0xbf800000,
      0x7f800000,
      0xff800000,
      1,
    ].map((x) => x | 0);
    const v64 = [
      0n,
      1n << 63n,
      0x7ff8000000000000n,
      0xfff8000000000000n,
      0x7ff4000000000000n,
      0x3ff0000000000000n,
      0xbff0000000000000n,
      0x7ff0000000000000n,
      0xfff0000000000000n,
      1n,
    ];
    const abs32 = (x: number) => (x >>> 0) & 0x7fffffff;
    const abs64 = (x: bigint) => BigInt.asUintN(64, x) & 0x7fffffffffffffffn;
    const bad: string[] = [];
    const check = (
      what: string,
      nanIn: boolean[],
      canonIn: boolean,
      rIsNaN: boolean,
      rCanon: boolean,
      rArith: boolean,
    ) => {
      if (!rIsNaN) return;
      const ok = nanIn.every((x) => !x) || canonIn ? rCanon : rArith;
      if (!ok && bad.length < 5) bad.push(what);
    };
    for (let round = 0; round < 100 && bad.length === 0; round++) {
      for (const o of [...BIN, ...UN]) {
        const binary = BIN.includes(o);
        for (const a of v32) {
          for (const b of binary ? v32 : [0]) {
            const ins = binary ? [a, b] : [a];
            const r = inst.exports[`f32.${o}`](a, b) >>> 0;
            const nan = ins.map((x) => abs32(x) > 0x7f800000);
            check(
              `f32.${o}(${ins.map((x) => (x >>> 0).toString(16))}) = 0x${
                r.toString(16)
              } (round ${round})`,
              nan,
              ins.filter((_, k) => nan[k]).every((x) =>
                abs32(x) === 0x7fc00000
              ),
              abs32(r) > 0x7f800000,
              abs32(r) === 0x7fc00000,
              (r & 0x7fc00000) === 0x7fc00000,
            );
          }
        }
        for (const a0 of v64) {
          for (const b0 of binary ? v64 : [0n]) {
            const a = BigInt.asIntN(64, a0), b = BigInt.asIntN(64, b0);
            const ins = binary ? [a, b] : [a];
            const r = BigInt.asUintN(64, inst.exports[`f64.${o}`](a, b));
            const nan = ins.map((x) => abs64(x) > 0x7ff0000000000000n);
            check(
              `f64.${o}(${
                ins.map((x) => BigInt.asUintN(64, x).toString(16))
              }) = 0x${r.toString(16)} (round ${round})`,
              nan,
              ins.filter((_, k) => nan[k]).every((x) =>
                abs64(x) === 0x7ff8000000000000n
              ),
              abs64(r) > 0x7ff0000000000000n,
              abs64(r) === 0x7ff8000000000000n,
              (r & 0x7ff8000000000000n) === 0x7ff8000000000000n,
            );
          }
        }
      }
    }
    assert.deepEqual(bad, []);
  },
);
