/**
 * Engine smoke tests (owned by ENGINE): a handful of end-to-end checks of src/wasm/mod.ts.
 * @module
 */
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import * as W from "../../src/wasm/mod.ts";
import { getGlobalRaw, invokeRaw } from "../../src/wasm/testing.ts";

const SRC = `(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "sum") (param i32) (result i32) (local i32)
    (block $b (loop $l
      (br_if $b (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
    (local.get 1))
  (func (export "spin") (loop $l (br $l)))
  (func $rec (export "rec") (call $rec))
  (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "pair") (result i32 i64) (i32.const 7) (i64.const -2))
  (global (export "g") f64 (f64.const nan:0x4))
  (memory (export "mem") 1 2)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)`;

Deno.test("engine smoke: integer arithmetic, loops, multi-value across the JS boundary", async () => {
  const inst = new W.Instance(new W.Module(await wat(SRC)));
  const e = inst.exports as Record<string, (...a: unknown[]) => unknown>;
  assert.equal(e.fac(20n), 2432902008176640000n);
  assert.equal(e.sum(100), 5050);
  assert.deepEqual(e.pair(), [7, -2n]);
  assert.equal(e.fac, inst.exports.fac, "exported functions keep identity");
});

Deno.test("engine smoke: fuel is exact and named; call depth traps cleanly", async () => {
  const m = new W.Module(await wat(SRC));
  const inst = new W.Instance(m, {}, { fuel: 500 });
  const e = inst.exports as Record<string, () => unknown>;
  assert.throws(
    () => e.spin(),
    (err: Error) =>
      err instanceof W.RuntimeError &&
      /fuel exhausted: step limit of 500 instructions reached/.test(
        err.message,
      ),
  );
  assert.equal(W.stepsUsed(inst), 500);
  const inst2 = new W.Instance(m, {}, { maxCallDepth: 1000 });
  assert.throws(
    () => (inst2.exports.rec as () => void)(),
    (err: Error) =>
      err instanceof W.RuntimeError &&
      err.message.startsWith("call stack exhausted"),
  );
  // sum(3): block/loop/end cost 0; a full iteration costs 12 (3 for the exit test + 4 + 4 + br),
  // 3 full iterations, then the exit test (3), then the final local.get (1)
  const inst3 = new W.Instance(m);
  (inst3.exports.sum as (n: number) => number)(3);
  assert.equal(W.stepsUsed(inst3), 3 * 12 + 3 + 1);
});

Deno.test("engine smoke: NaN payloads survive neg and globals (testing.ts raw values)", async () => {
  const inst = new W.Instance(new W.Module(await wat(SRC)));
  const r = invokeRaw(inst, "neg", [{ type: "f32", bits: 0x7fa00001n }]);
  assert.equal(r[0].bits, 0xffa00001n);
  assert.equal(getGlobalRaw(inst, "g").bits, 0x7ff0000000000004n);
});

Deno.test("engine smoke: maxMemoryPages bounds memory.grow and initial size", async () => {
  const m = new W.Module(await wat(SRC));
  const inst = new W.Instance(m, {}, { maxMemoryPages: 1 });
  assert.equal((inst.exports.grow as (n: number) => number)(1), -1);
  const inst2 = new W.Instance(m);
  const mem = inst2.exports.mem as W.Memory;
  const before = mem.buffer;
  assert.equal((inst2.exports.grow as (n: number) => number)(1), 1);
  // a first grow transfers the buffer: the old one is detached, as in the JS API
  assert.equal(before.byteLength, 0, "old buffer detached on grow");
  assert.equal(mem.buffer.byteLength, 2 * 65536);
  const small = new W.Module(await wat(`(module (memory 3))`));
  assert.throws(
    () => new W.Instance(small, {}, { maxMemoryPages: 2 }),
    (err: Error) =>
      err instanceof W.RuntimeError && /maxMemoryPages/.test(err.message),
  );
});

Deno.test("engine smoke: SIMD modules compile and run (v128 stays inside the guest)", async () => {
  const bytes = await wat(
    `(module (func (export "f") (result i32)
       (i32x4.extract_lane 2
         (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40)))))`,
  );
  assert.equal(W.validate(bytes), true);
  const inst = new W.Instance(new W.Module(bytes), {});
  assert.equal((inst.exports.f as () => number)(), 33);
});

Deno.test("engine smoke: host exceptions propagate unchanged through guest frames", async () => {
  const bytes = await wat(
    `(module (import "h" "f" (func $f)) (func (export "run") (call $f)))`,
  );
  class Exit extends Error {}
  const boom = new Exit("bye");
  const inst = new W.Instance(new W.Module(bytes), {
    h: {
      f: () => {
        throw boom;
      },
    },
  });
  assert.throws(
    () => (inst.exports.run as () => void)(),
    (err: unknown) => err === boom,
  );
});

Deno.test("engine smoke: the interrupt flag stops a spinning guest", async () => {
  const bytes = await wat(`(module (import "h" "arm" (func $arm))
    (func (export "spin") (call $arm) (loop $l (br $l))))`);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const inst = new W.Instance(new W.Module(bytes), {
    h: { arm: () => Atomics.store(flag, 0, 1) },
  }, {
    interrupt: flag,
  });
  assert.throws(
    () => (inst.exports.spin as () => void)(),
    (err: Error) =>
      err instanceof W.RuntimeError && err.message === "interrupted",
  );
  assert.ok(W.stepsUsed(inst) > 0);
  // already raised before the call: interrupted at entry
  assert.throws(() => (inst.exports.spin as () => void)(), /interrupted/);
});

Deno.test("engine smoke: many small grows stay linear (switch to a resizable buffer)", async () => {
  const bytes = await wat(`(module (memory (export "mem") 1)
    (func (export "g") (result i32) (local i32)
      (block $b (loop $l
        (br_if $b (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br $l)))
      (local.get 0)))`);
  const inst = new W.Instance(new W.Module(bytes), {}, {
    maxMemoryPages: 4096,
  });
  assert.equal((inst.exports.g as () => number)(), 4095);
  assert.equal((inst.exports.mem as W.Memory).buffer.byteLength, 4096 * 65536);
});
