// JS-API shape: Module.imports/exports/customSections, Memory, Table, Global,
// LinkError cases, validate(), describeModule().
import assert from "node:assert/strict";
import {
  bytesOf,
  type Engine,
  instantiate,
  testBoth,
  testPorta,
} from "./_harness.ts";

const SHAPES = `(module
  (import "env" "f" (func (param i32)))
  (import "env" "mem" (memory 1))
  (import "env" "tab" (table 1 funcref))
  (import "env" "g" (global (mut i64)))
  (func (export "run"))
  (table (export "t") 2 externref)
  (global (export "gl") f32 (f32.const 1.5))
  (export "m" (memory 0)))`;

/** Appends a custom section (id 0) to a module. */
function withCustom(
  bytes: Uint8Array,
  name: string,
  payload: number[],
): Uint8Array {
  const n = new TextEncoder().encode(name);
  const body = [n.length, ...n, ...payload];
  return new Uint8Array([...bytes, 0, body.length, ...body]);
}

testBoth(
  "Module.imports / Module.exports / Module.customSections",
  async (e) => {
    const bytes = withCustom(
      withCustom(await bytesOf(SHAPES), "meta", [1, 2, 3]),
      "meta",
      [4],
    );
    const m = new e.wa.Module(bytes);
    assert.deepEqual(e.wa.Module.imports(m), [
      { module: "env", name: "f", kind: "function" },
      { module: "env", name: "mem", kind: "memory" },
      { module: "env", name: "tab", kind: "table" },
      { module: "env", name: "g", kind: "global" },
    ]);
    assert.deepEqual(e.wa.Module.exports(m), [
      { name: "run", kind: "function" },
      { name: "t", kind: "table" },
      { name: "gl", kind: "global" },
      { name: "m", kind: "memory" },
    ]);
    const cs = e.wa.Module.customSections(m, "meta");
    assert.equal(cs.length, 2);
    assert.ok(cs[0] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(cs[0])], [1, 2, 3]);
    assert.deepEqual([...new Uint8Array(cs[1])], [4]);
    assert.deepEqual(e.wa.Module.customSections(m, "other"), []);
  },
);

testBoth("Memory: buffer, grow, maximum", (e) => {
  const mem = new e.wa.Memory({ initial: 1, maximum: 2 });
  assert.ok(mem.buffer instanceof ArrayBuffer);
  assert.equal(mem.buffer.byteLength, 65536);
  assert.equal(mem.grow(1), 1);
  assert.equal(mem.buffer.byteLength, 131072);
  assert.throws(() => mem.grow(1), RangeError);
});

testBoth("Table: get/set/grow/length", async (e) => {
  const t = new e.wa.Table({ element: "anyfunc", initial: 2, maximum: 3 });
  assert.equal(t.length, 2);
  assert.equal(t.get(0), null);
  const inst = await instantiate(
    e,
    `(module (func (export "f") (result i32) (i32.const 3)))`,
  );
  t.set(1, inst.exports.f);
  assert.equal(t.get(1), inst.exports.f);
  assert.equal(t.get(1)(), 3);
  assert.equal(t.grow(1), 2);
  assert.equal(t.length, 3);
  assert.throws(() => t.grow(1), RangeError);
  assert.throws(() => t.get(3), RangeError);
  assert.throws(() => t.set(0, () => 1), TypeError);
  const x = new e.wa.Table({ element: "externref", initial: 1 });
  const o = {};
  x.set(0, o);
  assert.equal(x.get(0), o);
});

testBoth("Global: value, valueOf, mutability, i64 as bigint", (e) => {
  const g = new e.wa.Global({ value: "i32", mutable: true }, 7);
  assert.equal(g.value, 7);
  assert.equal(g.valueOf(), 7);
  g.value = -1;
  assert.equal(g.value, -1);
  const c = new e.wa.Global({ value: "f64" }, 2.5);
  assert.throws(() => {
    c.value = 1;
  }, TypeError);
  const big = new e.wa.Global({ value: "i64", mutable: true }, 1n << 40n);
  assert.equal(big.value, 1n << 40n);
  const f = new e.wa.Global({ value: "f32", mutable: false }, 0.1);
  assert.equal(f.value, Math.fround(0.1));
});

async function assertLinkError(
  e: Engine,
  src: string,
  imports: object,
  what: string,
): Promise<void> {
  await assert.rejects(
    () => instantiate(e, src, imports),
    (err) => err instanceof e.wa.LinkError,
    `${what}: expected LinkError`,
  );
}

testBoth(
  "LinkError: missing, wrong kind, wrong signature, wrong limits, wrong global type",
  async (e) => {
    const other = await instantiate(
      e,
      `(module (func (export "f") (param i64)))`,
    );
    await assertLinkError(
      e,
      `(module (import "env" "f" (func)))`,
      { env: {} },
      "missing function",
    );
    await assertLinkError(e, `(module (import "env" "f" (func)))`, {
      env: { f: 1 },
    }, "number as function");
    await assertLinkError(
      e,
      `(module (import "env" "f" (func (param i32))))`,
      { env: { f: other.exports.f } },
      "wasm function with another signature",
    );
    await assertLinkError(
      e,
      `(module (import "env" "m" (memory 2)))`,
      { env: { m: new e.wa.Memory({ initial: 1 }) } },
      "memory too small",
    );
    await assertLinkError(
      e,
      `(module (import "env" "m" (memory 1 2)))`,
      { env: { m: new e.wa.Memory({ initial: 1 }) } },
      "memory without the required maximum",
    );
    await assertLinkError(
      e,
      `(module (import "env" "t" (table 1 funcref)))`,
      { env: { t: new e.wa.Table({ element: "externref", initial: 1 }) } },
      "table element type",
    );
    await assertLinkError(
      e,
      `(module (import "env" "g" (global i32)))`,
      { env: { g: new e.wa.Global({ value: "i64" }, 0n) } },
      "global value type",
    );
    await assertLinkError(
      e,
      `(module (import "env" "g" (global (mut i32))))`,
      { env: { g: new e.wa.Global({ value: "i32" }, 0) } },
      "global mutability",
    );
    await assertLinkError(
      e,
      `(module (import "env" "g" (global (mut i32))))`,
      { env: { g: 5 } },
      "number for a mutable global",
    );
  },
);

testBoth("a number is accepted for an immutable global import", async (e) => {
  const inst = await instantiate(
    e,
    `(module (import "env" "g" (global $g i32)) (func (export "get") (result i32) (global.get $g)))`,
    { env: { g: 42 } },
  );
  assert.equal(inst.exports.get(), 42);
});

testBoth(
  "validate() and Module accept BufferSource of every kind",
  async (e) => {
    const bytes = await bytesOf(
      `(module (func (export "f") (result i32) (i32.const 1)))`,
    );
    assert.equal(e.wa.validate(bytes), true);
    assert.equal(e.wa.validate(bytes.slice().buffer), true);
    assert.equal(e.wa.validate(new Uint8Array([0, 1, 2])), false);
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes, 2);
    const view = new Int8Array(padded.buffer, 2, bytes.length);
    assert.equal(e.wa.validate(view), true);
    const m = new e.wa.Module(view);
    assert.equal(new e.wa.Instance(m).exports.f(), 1);
  },
);

testPorta(
  "describeModule lists imports, exports, memories, tables, globals, custom sections",
  async (wa) => {
    const bytes = withCustom(await bytesOf(SHAPES), "meta", [1, 2, 3]);
    const info = wa.describeModule(new wa.Module(bytes));
    const text = JSON.stringify(
      info,
      (_k, v) => (typeof v === "bigint" ? String(v) : v),
    );
    for (const word of ["env", "mem", "tab", "run", "gl", "meta"]) {
      assert.ok(
        text.includes(`"${word}"`),
        `describeModule output should mention ${word}: ${text}`,
      );
    }
  },
);

testBoth(
  "JS -> wasm argument conversions follow the JS API (ToInt32, ToBigInt64, ToNumber)",
  async (e) => {
    const inst = await instantiate(
      e,
      `(module
      (func (export "i32") (param i32) (result i32) (local.get 0))
      (func (export "i64") (param i64) (result i64) (local.get 0))
      (func (export "f32") (param f32) (result f32) (local.get 0))
      (func (export "f64") (param f64) (result f64) (local.get 0))
      (func (export "two") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1))))`,
    );
    const x = inst.exports;
    const cases: [string, unknown[], unknown][] = [
      ["i32", [4294967297], 1],
      ["i32", [-1.9], -1],
      ["i32", ["12"], 12],
      ["i32", [NaN], 0],
      ["i32", [undefined], 0],
      ["i32", [true], 1],
      ["i32", [{ valueOf: () => 7 }], 7],
      ["i32", [], 0],
      ["i64", [2n ** 64n + 5n], 5n],
      ["i64", [-(2n ** 63n) - 1n], 2n ** 63n - 1n],
      ["i64", ["9"], 9n],
      ["i64", [true], 1n],
      ["f32", [0.1], Math.fround(0.1)],
      ["f32", ["1.5"], 1.5],
      ["f32", [1e40], Infinity],
      ["f64", [undefined], NaN],
      ["two", [10], 10],
      ["two", [10, 3, 99], 7],
    ];
    for (const [name, args, want] of cases) {
      const got = x[name](...args);
      assert.ok(
        Object.is(got, want),
        `${name}(${args.map(String)}) = ${got}, want ${want}`,
      );
    }
    assert.throws(() => x.i64(undefined), TypeError);
    assert.throws(() => x.f64(Symbol.iterator), TypeError);
  },
);

testBoth(
  "host function results are converted to the import's result types",
  async (e) => {
    const ret = (v: unknown) => () => v;
    const mk = async (t: string, v: unknown) =>
      (await instantiate(
        e,
        `(module (import "m" "f" (func $f (result ${t}))) (func (export "g") (result ${t}) (call $f)))`,
        { m: { f: ret(v) } },
      )).exports.g;
    assert.equal((await mk("i32", "42"))(), 42);
    assert.equal((await mk("i32", 2 ** 32 + 3))(), 3);
    assert.equal((await mk("i32", undefined))(), 0);
    assert.equal((await mk("i64", 5n))(), 5n);
    assert.equal((await mk("f32", 0.1))(), Math.fround(0.1));
    assert.equal((await mk("externref", "s"))(), "s");
    const multi = await instantiate(
      e,
      `(module (import "m" "f" (func $f (result i32 i64)))
      (func (export "g") (result i64) (call $f) (drop) (drop) (i64.const 1))
      (func (export "h") (result i32 i64) (call $f)))`,
      { m: { f: () => [7, 8n] } },
    );
    assert.deepEqual(multi.exports.h(), [7, 8n]);
    const bad = await instantiate(
      e,
      `(module (import "m" "f" (func $f (result i32 i64))) (func (export "h") (result i32 i64) (call $f)))`,
      { m: { f: () => 7 } },
    );
    assert.throws(() => bad.exports.h(), TypeError);
  },
);

testBoth(
  "JS API TypeErrors: Number for i64, BigInt for i32/f64, Number returned for i64",
  async (e) => {
    const inst = await instantiate(
      e,
      `(module (import "m" "f" (func $f (result i64)))
      (func (export "i32") (param i32) (result i32) (local.get 0))
      (func (export "i64") (param i64) (result i64) (local.get 0))
      (func (export "f64") (param f64) (result f64) (local.get 0))
      (func (export "g") (result i64) (call $f)))`,
      { m: { f: () => 5 } },
    );
    const x = inst.exports;
    assert.throws(() => x.i64(1), TypeError, "ToBigInt64(1) throws");
    assert.throws(() => x.i32(1n), TypeError, "ToInt32(1n) throws");
    assert.throws(() => x.f64(1n), TypeError, "ToNumber(1n) throws");
    assert.throws(
      () => x.g(),
      TypeError,
      "a host function returning 5 for an i64 result",
    );
  },
);

testBoth(
  "constructor argument checks: TypeError / RangeError as in the JS API",
  async (e) => {
    assert.throws(() => new e.wa.Module("not bytes"), TypeError);
    for (const v of ["x", undefined, 5, {}]) {
      assert.throws(() => e.wa.validate(v), TypeError);
    }
    assert.throws(() => new e.wa.Module(), TypeError);
    assert.throws(() => new e.wa.Instance({}), TypeError);
    const needs = new e.wa.Module(
      await bytesOf(`(module (import "env" "f" (func)))`),
    );
    // JS API: a missing module namespace is a TypeError; Porta's contract
    // (docs/ARCHITECTURE.md) makes every missing import a LinkError naming it.
    for (const imports of [undefined, { other: {} }]) {
      assert.throws(
        () => new e.wa.Instance(needs, imports),
        (err) =>
          err instanceof (e.name === "native" ? TypeError : e.wa.LinkError),
      );
    }
    assert.throws(
      () => new e.wa.Memory({ initial: 2, maximum: 1 }),
      RangeError,
    );
    assert.throws(() => new e.wa.Memory({ initial: 65537 }), RangeError);
    assert.throws(
      () => new e.wa.Table({ element: "anyfunc", initial: 2, maximum: 1 }),
      RangeError,
    );
    assert.throws(
      () => new e.wa.Table({ element: "nope", initial: 1 }),
      TypeError,
    );
    assert.throws(() => new e.wa.Global({ value: "nope" }, 0), TypeError);
  },
);

testBoth(
  "defaults: Global values, Table init value and grow init value",
  async (e) => {
    assert.equal(new e.wa.Global({ value: "i32" }).value, 0);
    assert.equal(new e.wa.Global({ value: "i64" }).value, 0n);
    assert.equal(new e.wa.Global({ value: "f64" }).value, 0);
    const f = (await instantiate(
      e,
      `(module (func (export "f") (result i32) (i32.const 9)))`,
    )).exports.f;
    const t = new e.wa.Table({ element: "anyfunc", initial: 2 }, f);
    assert.equal(t.get(0), f);
    assert.equal(t.get(1), f);
    assert.equal(t.grow(2, null), 2);
    assert.equal(t.get(3), null);
    const x = new e.wa.Table({ element: "externref", initial: 1 }, "v");
    assert.equal(x.get(0), "v");
    x.grow(1, "w");
    assert.equal(x.get(1), "w");
    x.set(0);
    assert.equal(x.get(0), undefined);
  },
);
