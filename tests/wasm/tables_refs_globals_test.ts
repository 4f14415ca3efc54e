// Tables (table.get/set/size/grow/fill/copy/init, elem.drop, multiple tables),
// reference types, globals (mutable, imported, exported, extended-const),
// start function, import/export identity.
import assert from "node:assert/strict";
import { cases, checkRows, instantiate, testBoth, trap } from "./_harness.ts";

const OOT = trap("out of bounds table access");

cases(
  "table instructions and reference types",
  `(module
    (type $r (func (result i32)))
    (table $t 3 10 funcref)
    (table $e 2 externref)
    (elem $seg func $one $two)
    (elem declare func $three)
    (elem (table $t) (i32.const 0) func $one)
    (func $one (result i32) (i32.const 1))
    (func $two (result i32) (i32.const 2))
    (func $three (result i32) (i32.const 3))
    (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
    (func (export "size") (result i32) (table.size $t))
    (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
    (func (export "set3") (param i32) (table.set $t (local.get 0) (ref.func $three)))
    (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
    (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $two) (local.get 1)))
    (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32 i32 i32) (table.init $t $seg (local.get 0) (local.get 1) (local.get 2)))
    (func (export "drop") (elem.drop $seg))
    (func (export "ext_set") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))
    (func (export "ext_get") (param i32) (result externref) (table.get $e (local.get 0)))
    (func (export "ext_is_null") (param externref) (result i32) (ref.is_null (local.get 0))))`,
  [
    ["call", [0], 1],
    ["call", [1], trap("uninitialized element")],
    ["call", [3], trap("undefined element")],
    ["size", [], 3],
    ["is_null", [0], 0],
    ["is_null", [1], 1],
    ["is_null", [3], OOT],
    ["set3", [1], undefined],
    ["call", [1], 3],
    ["set3", [3], OOT],
    ["grow", [2], 3],
    ["size", [], 5],
    ["call", [4], trap("uninitialized element")],
    ["grow", [6], -1],
    ["grow", [5], 5],
    ["grow", [0], 10],
    ["fill", [2, 3], undefined],
    ["call", [4], 2],
    ["fill", [9, 2], OOT],
    ["copy", [5, 0, 2], undefined],
    ["call", [5], 1],
    ["call", [6], 3],
    ["copy", [9, 0, 2], OOT],
    ["init", [7, 0, 2], undefined],
    ["call", [7], 1],
    ["call", [8], 2],
    ["init", [0, 1, 2], OOT],
    ["drop", [], undefined],
    ["init", [0, 0, 1], OOT],
    ["init", [0, 0, 0], undefined],
    ["ext_get", [0], null],
    ["ext_get", [2], OOT],
    ["ext_is_null", [null], 1],
    ["ext_is_null", [0], 0],
    ["ext_is_null", [undefined], 0],
  ],
);

testBoth("externref values round-trip with identity", async (e) => {
  const inst = await instantiate(
    e,
    `(module (table $e 2 externref)
      (func (export "set") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))
      (func (export "get") (param i32) (result externref) (table.get $e (local.get 0)))
      (func (export "id") (param externref) (result externref) (local.get 0)))`,
  );
  const o = { x: 1 };
  inst.exports.set(1, o);
  assert.equal(inst.exports.get(1), o);
  for (const v of [o, "s", 42, 1.5, undefined, true, 7n, Symbol.iterator]) {
    assert.equal(inst.exports.id(v), v);
  }
});

testBoth(
  "funcref identity: exported functions are stable and round-trip",
  async (e) => {
    const inst = await instantiate(
      e,
      `(module (table $t (export "tab") 2 funcref) (elem (i32.const 0) $f)
      (func $f (export "f") (result i32) (i32.const 5))
      (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
      (func (export "ref") (result funcref) (ref.func $f)))`,
    );
    assert.equal(inst.exports.f, inst.exports.f);
    assert.equal(inst.exports.get(0), inst.exports.f);
    assert.equal(inst.exports.ref(), inst.exports.f);
    assert.equal(inst.exports.tab.get(0), inst.exports.f);
    assert.equal(inst.exports.get(1), null);
    assert.equal(inst.exports.tab.get(0)(), 5);
    assert.equal(typeof inst.exports.f, "function");
    assert.equal(inst.exports.f.length, 0);
  },
);

testBoth("multiple tables: call_indirect selects the table", async (e) => {
  const inst = await instantiate(
    e,
    `(module (type $r (func (result i32)))
      (table $a 1 funcref) (table $b 1 funcref)
      (elem (table $a) (i32.const 0) func $one) (elem (table $b) (i32.const 0) func $two)
      (func $one (result i32) (i32.const 1)) (func $two (result i32) (i32.const 2))
      (func (export "a") (result i32) (call_indirect $a (type $r) (i32.const 0)))
      (func (export "b") (result i32) (call_indirect $b (type $r) (i32.const 0)))
      (func (export "copy") (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 1))))`,
  );
  checkRows(e, inst.exports, [["a", [], 1], ["b", [], 2], [
    "copy",
    [],
    undefined,
  ], ["a", [], 2]]);
});

testBoth(
  "globals: mutable, immutable, imported, exported, extended-const",
  async (e) => {
    const g = new e.wa.Global({ value: "i32", mutable: true }, 10);
    const c = new e.wa.Global({ value: "i64", mutable: false }, 5n);
    const inst = await instantiate(
      e,
      `(module
      (import "env" "g" (global $g (mut i32)))
      (import "env" "c" (global $c i64))
      (global $x (export "x") (mut f64) (f64.const 1.5))
      (global $k (export "k") i64 (i64.add (global.get $c) (i64.mul (i64.const 2) (i64.const 3))))
      (global $s i32 (i32.sub (i32.const 100) (i32.const 1)))
      (func (export "inc") (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
      (func (export "setx") (param f64) (global.set $x (local.get 0)))
      (func (export "s") (result i32) (global.get $s))
      (func (export "getk") (result i64) (global.get $k)))`,
      { env: { g, c } },
    );
    assert.equal(inst.exports.inc(), 11);
    assert.equal(g.value, 11);
    g.value = 20;
    assert.equal(inst.exports.inc(), 21);
    assert.equal(inst.exports.x.value, 1.5);
    inst.exports.setx(-2.25);
    assert.equal(inst.exports.x.value, -2.25);
    inst.exports.x.value = 3;
    assert.equal(inst.exports.x.value, 3);
    assert.equal(inst.exports.k.value, 11n);
    assert.equal(inst.exports.s(), 99);
    assert.equal(inst.exports.getk(), 11n);
    assert.throws(() => {
      inst.exports.k.value = 1n;
    }, TypeError);
    assert.equal(c.valueOf(), 5n);
  },
);

testBoth("extended-const in data/elem offsets", async (e) => {
  const inst = await instantiate(
    e,
    `(module (import "env" "base" (global $base i32)) (memory (export "m") 1)
      (data (i32.add (global.get $base) (i32.mul (i32.const 2) (i32.const 4))) "\\09")
      (table 8 funcref)
      (elem (i32.sub (i32.const 7) (i32.const 2)) $f)
      (func $f (result i32) (i32.const 77))
      (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))`,
    { env: { base: new e.wa.Global({ value: "i32", mutable: false }, 16) } },
  );
  assert.equal(new Uint8Array(inst.exports.m.buffer)[24], 9);
  checkRows(e, inst.exports, [["call", [5], 77], [
    "call",
    [4],
    trap("uninitialized element"),
  ]]);
});

testBoth(
  "start function runs at instantiation; a trap there is a RuntimeError",
  async (e) => {
    let calls = 0;
    const inst = await instantiate(
      e,
      `(module (import "env" "hit" (func $hit)) (global $g (mut i32) (i32.const 0))
      (func $s (call $hit) (global.set $g (i32.const 9))) (start $s)
      (func (export "g") (result i32) (global.get $g)))`,
      { env: { hit: () => calls++ } },
    );
    assert.equal(calls, 1);
    assert.equal(inst.exports.g(), 9);
    await assert.rejects(
      () => instantiate(e, `(module (func $s unreachable) (start $s))`),
      (err) => err instanceof e.wa.RuntimeError,
    );
  },
);

testBoth(
  "imports and exports: host functions, re-export identity, cross-instance calls",
  async (e) => {
    const log: unknown[] = [];
    const host = (a: number, b: bigint, c: number, d: number) => {
      log.push(a, b, c, d);
      return a + 1;
    };
    const a = await instantiate(
      e,
      `(module (import "env" "host" (func $h (param i32 i64 f32 f64) (result i32)))
      (export "host" (func $h))
      (func (export "callhost") (result i32)
        (call $h (i32.const -1) (i64.const -2) (f32.const 0.5) (f64.const 0.25)))
      (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))`,
      { env: { host } },
    );
    assert.equal(a.exports.callhost(), 0);
    assert.deepEqual(log, [-1, -2n, 0.5, 0.25]);
    const b = await instantiate(
      e,
      `(module (import "a" "double" (func $d (param i32) (result i32)))
      (export "d" (func $d))
      (func (export "quad") (param i32) (result i32) (call $d (call $d (local.get 0)))))`,
      { a: a.exports },
    );
    assert.equal(b.exports.quad(3), 12);
    assert.equal(
      b.exports.d,
      a.exports.double,
      "re-exported wasm function keeps identity",
    );
    assert.ok(Object.isFrozen(a.exports));
    assert.deepEqual(Object.keys(a.exports), ["host", "callhost", "double"]);
  },
);

testBoth(
  "host exceptions propagate through guest frames unchanged",
  async (e) => {
    class Exit extends Error {}
    const boom = new Exit("bye");
    const inst = await instantiate(
      e,
      `(module (import "env" "f" (func $f))
      (func $g (call $f)) (func (export "run") (call $g) (unreachable)))`,
      {
        env: {
          f: () => {
            throw boom;
          },
        },
      },
    );
    assert.throws(() => inst.exports.run(), (err) => err === boom);
  },
);

testBoth("host re-entry: guest -> host -> guest -> host", async (e) => {
  const box: { inst?: any } = {};
  const inst = await instantiate(
    e,
    `(module (import "env" "up" (func $up (param i32) (result i32)))
      (func (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $up (i32.sub (local.get 0) (i32.const 1))))))))`,
    { env: { up: (n: number) => box.inst.exports.down(n) } },
  );
  box.inst = inst;
  assert.equal(inst.exports.down(50), 50);
});

testBoth(
  "failing instantiation keeps the segment writes made before the trap",
  async (e) => {
    const mem = new e.wa.Memory({ initial: 1 });
    const tab = new e.wa.Table({ element: "anyfunc", initial: 2 });
    const donor = await instantiate(
      e,
      `(module (func (export "f") (result i32) (i32.const 1)))`,
    );
    // Segments are applied in order (spec 4.5.4): elem 0 and data 0 land, then
    // the out-of-bounds elem segment traps.
    await assert.rejects(
      () =>
        instantiate(
          e,
          `(module (import "env" "mem" (memory 1)) (import "env" "tab" (table 2 funcref))
          (import "env" "f" (func $f (result i32)))
          (elem (i32.const 1) $f)
          (elem (i32.const 2) $f)
          (data (i32.const 10) "\\2a"))`,
          { env: { mem, tab, f: donor.exports.f } },
        ),
      (err) => err instanceof e.wa.RuntimeError,
    );
    assert.equal(tab.get(1), donor.exports.f, "first elem segment was written");
    assert.equal(
      new Uint8Array(mem.buffer)[10],
      0,
      "data segments come after elem segments",
    );
    await assert.rejects(
      () =>
        instantiate(
          e,
          `(module (import "env" "mem" (memory 1))
          (data (i32.const 20) "\\07") (data (i32.const 65536) "\\01"))`,
          { env: { mem } },
        ),
      (err) => err instanceof e.wa.RuntimeError,
    );
    assert.equal(
      new Uint8Array(mem.buffer)[20],
      7,
      "first data segment was written",
    );
  },
);
