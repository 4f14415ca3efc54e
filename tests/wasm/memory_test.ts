// Memory: loads/stores of every width, offsets, bounds, size/grow, bulk memory
// (fill/copy/init/data.drop), data segments and multi-memory.
import assert from "node:assert/strict";
import { cases, checkRows, instantiate, testBoth, trap } from "./_harness.ts";

const OOB = trap("out of bounds memory access");

cases(
  "loads and stores: widths, sign extension, offsets, endianness",
  `(module
    (memory 1 3)
    (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\ff\\fe\\80\\7f")
    (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
    (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s (local.get 0)))
    (func (export "i32.load16_u") (param i32) (result i32) (i32.load16_u (local.get 0)))
    (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
    (func (export "i64.load16_s") (param i32) (result i64) (i64.load16_s (local.get 0)))
    (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
    (func (export "i64.load32_u") (param i32) (result i64) (i64.load32_u (local.get 0)))
    (func (export "f32.load") (param i32) (result f32) (f32.load (local.get 0)))
    (func (export "f64.load") (param i32) (result f64) (f64.load (local.get 0)))
    (func (export "offset") (param i32) (result i32) (i32.load offset=4 align=1 (local.get 0)))
    (func (export "store8") (param i32 i32) (result i32)
      (i32.store8 (local.get 0) (local.get 1)) (i32.load (local.get 0)))
    (func (export "store16") (param i32 i32) (result i32)
      (i32.store16 (local.get 0) (local.get 1)) (i32.load (local.get 0)))
    (func (export "i64.store32") (param i32 i64) (result i64)
      (i64.store32 (local.get 0) (local.get 1)) (i64.load (local.get 0)))
    (func (export "i64.store") (param i32 i64) (result i64)
      (i64.store offset=1 (local.get 0) (local.get 1)) (i64.load offset=1 (local.get 0)))
    (func (export "f64.store") (param i32 f64) (result i64)
      (f64.store (local.get 0) (local.get 1)) (i64.load (local.get 0)))
    (func (export "f32.store.nan") (param i32) (result i32)
      (f32.store (local.get 0) (f32.const nan:0x200001)) (i32.load (local.get 0)))
    (func (export "load-max-offset") (param i32) (result i32)
      (i32.load offset=0xffffffff (local.get 0))))`,
  [
    ["i32.load", [0], 0x04030201],
    ["i32.load", [1], 0x05040302],
    ["i32.load8_s", [8], -1],
    ["i32.load8_u", [8], 255],
    ["i32.load16_s", [9], -0x7f02],
    ["i32.load16_u", [9], 0x80fe],
    ["i64.load", [0], 0x0807060504030201n],
    ["i64.load8_s", [10], -128n],
    ["i64.load16_s", [8], -257n],
    ["i64.load32_s", [8], 0x7f80feffn],
    ["i64.load32_u", [6], 0xfeff0807n],
    ["f32.load", [100], 0],
    ["f64.load", [100], 0],
    ["offset", [0], 0x08070605],
    ["i32.load", [65532], 0],
    ["i32.load", [65533], OOB],
    ["i32.load", [-1], OOB],
    ["i32.load8_u", [65536], OOB],
    ["i64.load", [65529], OOB],
    ["offset", [65532], OOB],
    ["load-max-offset", [1], OOB],
    ["store8", [200, 0x1234], 0x34],
    ["store16", [204, -1], 0xffff],
    ["i64.store32", [208, -1n], 0xffffffffn],
    ["i64.store", [220, -0x123456789n], -0x123456789n],
    ["f64.store", [240, -0], -0x8000000000000000n],
    ["f32.store.nan", [256], 0x7fa00001],
    ["store8", [65536, 1], OOB],
  ],
);

testBoth(
  "a trapping store writes nothing (partially out of bounds)",
  async (e) => {
    const inst = await instantiate(
      e,
      `(module (memory (export "m") 1)
      (func (export "st") (param i32 i64) (i64.store (local.get 0) (local.get 1))))`,
    );
    assert.throws(() => inst.exports.st(65532, -1n), e.wa.RuntimeError);
    const bytes = new Uint8Array(inst.exports.m.buffer);
    assert.deepEqual([...bytes.subarray(65532)], [0, 0, 0, 0]);
  },
);

cases(
  "memory.size and memory.grow (with maximum)",
  `(module (memory 1 3)
    (func (export "size") (result i32) memory.size)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "poke") (param i32) (result i32)
      (i32.store (local.get 0) (i32.const 42)) (i32.load (local.get 0))))`,
  [
    ["size", [], 1],
    ["poke", [65536], OOB],
    ["grow", [0], 1],
    ["grow", [1], 1],
    ["size", [], 2],
    ["poke", [65536], 42],
    ["grow", [2], -1],
    ["grow", [-1], -1],
    ["grow", [1], 2],
    ["grow", [1], -1],
    ["size", [], 3],
  ],
);

cases(
  "bulk memory: fill, copy (overlapping), init, data.drop",
  `(module (memory 1)
    (data $p "hello")
    (data (i32.const 1000) "abcdef")
    (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2)))
    (func (export "drop") (data.drop $p)))`,
  [
    ["fill", [10, 0x1ff, 3], undefined],
    ["load8", [10], 0xff],
    ["load8", [12], 0xff],
    ["load8", [13], 0],
    ["fill", [65535, 1, 2], OOB],
    ["load8", [65535], 0],
    ["fill", [65536, 1, 0], undefined],
    ["fill", [65537, 1, 0], OOB],
    ["copy", [1001, 1000, 5], undefined],
    ["load8", [1001], 97],
    ["load8", [1005], 101],
    ["copy", [1000, 1001, 5], undefined],
    ["load8", [1000], 97],
    ["load8", [1004], 101],
    ["copy", [65530, 0, 7], OOB],
    ["copy", [0, 65536, 0], undefined],
    ["init", [2000, 1, 3], undefined],
    ["load8", [2000], 101],
    ["load8", [2002], 108],
    ["init", [2000, 4, 2], trap("out of bounds memory access")],
    ["init", [2000, 5, 0], undefined],
    ["drop", [], undefined],
    ["init", [2000, 0, 1], OOB],
    ["init", [2000, 0, 0], undefined],
    ["drop", [], undefined],
  ],
);

testBoth(
  "active data segment out of bounds fails instantiation with a RuntimeError",
  async (e) => {
    await assert.rejects(
      () => instantiate(e, `(module (memory 1) (data (i32.const 65535) "ab"))`),
      (err) => err instanceof e.wa.RuntimeError,
    );
  },
);

cases(
  "multi-memory: independent memories, copy between them, per-memory grow",
  `(module
    (memory $a 1) (memory $b 2 4)
    ;; wabt.js 1.0.37 mis-encodes active data segments for memory index > 0,
    ;; so memory $b is initialised with memory.init from a passive segment.
    (data $d "\\2a")
    (func $init (memory.init $b $d (i32.const 8) (i32.const 0) (i32.const 1)))
    (start $init)
    (func (export "load_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
    (func (export "load_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
    (func (export "store_b") (param i32 i32) (i32.store8 $b (local.get 0) (local.get 1)))
    (func (export "size_b") (result i32) (memory.size $b))
    (func (export "size_a") (result i32) (memory.size $a))
    (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
    (func (export "copy_b_to_a") (param i32 i32 i32)
      (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
    (func (export "fill_b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2))))`,
  [
    ["load_a", [8], 0],
    ["load_b", [8], 42],
    ["store_b", [100000, 7], undefined],
    ["load_b", [100000], 7],
    ["load_a", [100000], OOB],
    ["size_a", [], 1],
    ["size_b", [], 2],
    ["copy_b_to_a", [0, 8, 1], undefined],
    ["load_a", [0], 42],
    ["copy_b_to_a", [0, 100000, 1], undefined],
    ["load_a", [0], 7],
    ["copy_b_to_a", [65536, 0, 1], OOB],
    ["grow_b", [2], 2],
    ["grow_b", [1], -1],
    ["size_a", [], 1],
    ["fill_b", [262143, 9, 1], undefined],
    ["load_b", [262143], 9],
  ],
);

testBoth(
  "exported Memory: buffer replaced (or resized in place) after grow, contents kept",
  async (e) => {
    const inst = await instantiate(
      e,
      `(module (memory (export "mem") 1 2) (data (i32.const 0) "\\07")
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))`,
    );
    const mem = inst.exports.mem;
    const before = mem.buffer;
    assert.equal(before.byteLength, 65536);
    assert.equal(inst.exports.grow(), 1);
    assert.equal(mem.buffer.byteLength, 131072);
    if (mem.buffer === before) {
      // Porta keeps one resizable ArrayBuffer and grows it in place (engine
      // 05367fa; like the JS API's toResizableBuffer mode): it must then
      // really be resizable and already have the new size.
      assert.notEqual(e.name, "native", "the host engine replaces the buffer");
      assert.equal(
        (before as ArrayBuffer & { resizable: boolean }).resizable,
        true,
      );
      assert.equal(before.byteLength, 131072);
    } else {
      assert.equal(before.byteLength, 0, "old buffer is detached");
    }
    assert.equal(new Uint8Array(mem.buffer)[0], 7);
    assert.equal(mem.grow(0), 2);
    assert.throws(() => mem.grow(1), RangeError);
  },
);

testBoth("imported memory is shared with the host", async (e) => {
  const mem = new e.wa.Memory({ initial: 1, maximum: 3 });
  new Uint8Array(mem.buffer)[5] = 99;
  const inst = await instantiate(
    e,
    `(module (import "env" "mem" (memory 1))
      (func (export "get") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "set") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))`,
    { env: { mem } },
  );
  checkRows(e, inst.exports, [["get", [5], 99]]);
  inst.exports.set(6, 1);
  assert.equal(new Uint8Array(mem.buffer)[6], 1);
  assert.equal(inst.exports.grow(), 1);
  assert.equal(mem.buffer.byteLength, 131072);
  assert.equal(mem.grow(1), 2);
  checkRows(e, inst.exports, [["get", [3 * 65536 - 1], 0]]);
});
