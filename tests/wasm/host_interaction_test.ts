// Host interaction while guest code runs: imports that grow memory, write
// memory, change tables and globals, or re-enter the guest, must be visible to
// the guest immediately afterwards (engines caching memory views or table and
// global values must refresh them after every host call).
import assert from "node:assert/strict";
import { instantiate, testBoth } from "./_harness.ts";

testBoth(
  "memory grown by the host inside an import is usable right after the call",
  async (e) => {
    const mem = new e.wa.Memory({ initial: 1, maximum: 4 });
    const inst = await instantiate(
      e,
      `(module (import "env" "mem" (memory 1 4)) (import "env" "grow" (func $grow))
      (func (export "run") (result i32)
        (call $grow)
        (i32.store (i32.const 70000) (i32.const 123))
        (i32.add (i32.load (i32.const 70000)) (memory.size))))`,
      { env: { mem, grow: () => mem.grow(1) } },
    );
    assert.equal(inst.exports.run(), 125);
    assert.equal(new DataView(mem.buffer).getInt32(70000, true), 123);
  },
);

testBoth(
  "memory written by the host inside an import is read by the guest",
  async (e) => {
    const box: { m?: any } = {};
    const inst = await instantiate(
      e,
      `(module (import "env" "poke" (func $poke (param i32))) (memory (export "m") 1)
      (func (export "run") (result i32)
        (i32.store (i32.const 8) (i32.const 1))
        (call $poke (i32.const 8))
        (i32.load (i32.const 8))))`,
      {
        env: {
          poke: (p: number) => new DataView(box.m.buffer).setInt32(p, 77, true),
        },
      },
    );
    box.m = inst.exports.m;
    assert.equal(inst.exports.run(), 77);
  },
);

testBoth(
  "memory grown by a re-entrant guest call is visible to the outer frame",
  async (e) => {
    const box: { i?: any } = {};
    const inst = await instantiate(
      e,
      `(module (import "env" "host" (func $host)) (memory (export "m") 1 3)
      (func (export "grow") (drop (memory.grow (i32.const 2))))
      (func (export "run") (result i32)
        (call $host)
        (i32.store (i32.const 140000) (i32.const 5))
        (i32.add (i32.load (i32.const 140000)) (memory.size))))`,
      { env: { host: () => box.i.exports.grow() } },
    );
    box.i = inst;
    assert.equal(inst.exports.run(), 8);
    assert.equal(inst.exports.m.buffer.byteLength, 3 * 65536);
  },
);

testBoth(
  "table and global changes made by the host are seen by the guest",
  async (e) => {
    const tab = new e.wa.Table({ element: "anyfunc", initial: 2 });
    const g = new e.wa.Global({ value: "i32", mutable: true }, 1);
    const donor = await instantiate(
      e,
      `(module (func (export "seven") (result i32) (i32.const 7)) (func (export "nine") (result i32) (i32.const 9)))`,
    );
    const inst = await instantiate(
      e,
      `(module (import "env" "tab" (table 2 funcref)) (import "env" "g" (global $g (mut i32)))
      (import "env" "change" (func $change))
      (type $r (func (result i32)))
      (func (export "run") (result i32)
        (call $change)
        (i32.add (call_indirect (type $r) (i32.const 1)) (global.get $g)))
      (func (export "set") (global.set $g (i32.const 40))))`,
      {
        env: {
          tab,
          g,
          change: () => {
            tab.set(1, donor.exports.nine);
            g.value = 100;
          },
        },
      },
    );
    assert.equal(inst.exports.run(), 109);
    inst.exports.set();
    assert.equal(g.value, 40);
    tab.set(1, donor.exports.seven);
    assert.equal(inst.exports.run(), 109, "change() sets nine and 100 again");
  },
);

testBoth(
  "a guest trap inside a re-entrant call leaves the outer instance usable",
  async (e) => {
    const box: { i?: any } = {};
    const inst = await instantiate(
      e,
      `(module (import "env" "host" (func $host (result i32)))
      (func (export "bad") (result i32) unreachable)
      (func (export "outer") (result i32) (i32.add (call $host) (i32.const 1)))
      (func (export "ok") (result i32) (i32.const 41)))`,
      {
        env: {
          host: () => {
            try {
              box.i.exports.bad();
            } catch (err) {
              if (!(err instanceof e.wa.RuntimeError)) throw err;
            }
            return box.i.exports.ok();
          },
        },
      },
    );
    box.i = inst;
    assert.equal(inst.exports.outer(), 42);
    assert.equal(inst.exports.outer(), 42);
  },
);
