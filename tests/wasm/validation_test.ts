// Every validation error class and every malformed-binary class must be a
// CompileError (Porta: message "offset 0x..: reason"), and validate() false.
import assert from "node:assert/strict";
import { wat, type WatFeatures, watUnvalidated } from "../helpers/wat.ts";
import { type Engine, testBoth, testPorta } from "./_harness.ts";

/** Asserts that the engine rejects `bytes` with a CompileError. */
function assertRejected(
  e: Engine,
  bytes: Uint8Array,
  what: string,
  message?: RegExp,
): void {
  let err: unknown;
  try {
    new e.wa.Module(bytes);
  } catch (x) {
    err = x;
  }
  assert.ok(err !== undefined, `${what}: module was accepted`);
  assert.ok(
    err instanceof e.wa.CompileError,
    `${what}: expected CompileError, got ${err}`,
  );
  assert.equal(
    e.wa.validate(bytes),
    false,
    `${what}: validate() should be false`,
  );
  if (e.name !== "native") {
    const msg = (err as Error).message;
    assert.match(
      msg,
      /offset 0x[0-9a-f]+/,
      `${what}: message should name the offset: ${msg}`,
    );
    assert.ok(
      !msg.includes("\n    at "),
      `${what}: message must be one line: ${msg}`,
    );
    if (message) assert.match(msg, message, `${what}: ${msg}`);
  }
}

const INVALID: [string, string][] = [
  [
    "type mismatch (i64 operand to i32.add)",
    `(module (func (result i32) i64.const 1 i32.const 2 i32.add))`,
  ],
  ["type mismatch (missing result)", `(module (func (result i32)))`],
  ["type mismatch (extra value at end)", `(module (func i32.const 1))`],
  [
    "type mismatch (if without else yielding a value)",
    `(module (func (result i32) i32.const 1 (if (result i32) (then i32.const 2))))`,
  ],
  [
    "type mismatch (br_table targets of different arity)",
    `(module (func (result i32) (block $a (result i32) (block $b (i32.const 1) (i32.const 0) (br_table $a $b)))))`,
  ],
  [
    "type mismatch (call argument)",
    `(module (func $f (param i64)) (func i32.const 1 call $f))`,
  ],
  [
    "type mismatch (select of different types)",
    `(module (func (result i32) i32.const 1 i64.const 1 i32.const 0 select))`,
  ],
  ["unknown local", `(module (func (local i32) local.get 1 drop))`],
  ["unknown global", `(module (func global.get 0 drop))`],
  ["unknown function", `(module (func call 5))`],
  [
    "unknown table",
    `(module (type $t (func)) (func i32.const 0 call_indirect (type $t)))`,
  ],
  ["unknown memory", `(module (func i32.const 0 i32.load drop))`],
  [
    "unknown memory (index 1 of 1)",
    `(module (memory 1) (func i32.const 0 i32.load 1 drop))`,
  ],
  ["unknown type", `(module (func (type 3)))`],
  ["unknown label", `(module (func br 1))`],
  [
    "unknown data segment",
    `(module (memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.init 0))`,
  ],
  [
    "unknown elem segment",
    `(module (table 1 funcref) (func i32.const 0 i32.const 0 i32.const 0 table.init 0 0))`,
  ],
  [
    "immutable global set",
    `(module (global i32 (i32.const 0)) (func i32.const 1 global.set 0))`,
  ],
  [
    "invalid alignment (larger than natural)",
    `(module (memory 1) (func i32.const 0 i32.load align=8 drop))`,
  ],
  ["duplicate export name", `(module (func (export "a")) (func (export "a")))`],
  ["start function with params", `(module (func $s (param i32)) (start $s))`],
  [
    "start function with results",
    `(module (func $s (result i32) i32.const 0) (start $s))`,
  ],
  [
    "undeclared function reference",
    `(module (func $f) (func ref.func $f drop))`,
  ],
  [
    "constant expression required",
    `(module (global i32 (i32.add (i32.const 1) (i32.const 2))) (func $f (result i32) i32.const 1) (global i32 (call $f)))`,
  ],
  [
    "global initializer of the wrong type",
    `(module (global i32 (i64.const 0)))`,
  ],
  ["memory size above 65536 pages", `(module (memory 65537))`],
  ["limits minimum greater than maximum", `(module (memory 2 1))`],
  ["table limits minimum greater than maximum", `(module (table 2 1 funcref))`],
  [
    "i32.store of an f32",
    `(module (memory 1) (func i32.const 0 f32.const 0 i32.store))`,
  ],
  ["return with wrong type", `(module (func (result i32) i64.const 0 return))`],
  [
    "elem segment of wrong type for table",
    `(module (table 1 externref) (func $f) (elem (i32.const 0) $f))`,
  ],
  [
    "call_indirect on an externref table",
    `(module (type $t (func)) (table 1 externref) (func i32.const 0 call_indirect (type $t)))`,
  ],
];

for (const [what, src] of INVALID) {
  testBoth(`invalid: ${what}`, async (e) => {
    assertRejected(e, await watUnvalidated(src), what);
  });
}

// ---------------------------------------------------------------------------
// Malformed binaries, hand-built.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** A section: id, then LEB size, then payload. */
function section(id: number, payload: number[]): number[] {
  return [id, ...leb(payload.length), ...payload];
}
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const TYPE_V_V = section(1, [1, 0x60, 0, 0]);
const FUNC_1 = section(3, [1, 0]);
/** Code section with one body. */
function code(body: number[]): number[] {
  const fn = [0, ...body]; // no locals
  return section(10, [1, ...leb(fn.length), ...fn]);
}
const mod = (...parts: number[][]): Uint8Array =>
  new Uint8Array([...HEADER, ...parts.flat()]);

const VALID = mod(TYPE_V_V, FUNC_1, code([0x0b]));

testBoth("the malformed-binary base module is valid", (e) => {
  assert.ok(e.wa.validate(VALID));
  new e.wa.Module(VALID);
});

const MALFORMED: [string, Uint8Array, RegExp?][] = [
  ["empty input", new Uint8Array()],
  ["bad magic", new Uint8Array([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0])],
  ["bad version", new Uint8Array([...HEADER.slice(0, 4), 2, 0, 0, 0])],
  ["truncated header", new Uint8Array(HEADER.slice(0, 6))],
  ["truncated section", VALID.slice(0, VALID.length - 2)],
  ["section size larger than the input", mod([1, 0x20, 1, 0x60, 0, 0])],
  [
    "section size mismatch (too small)",
    mod([1, 3, 1, 0x60, 0, 0], FUNC_1, code([0x0b])),
  ],
  [
    "section size mismatch (too large)",
    mod([1, 5, 1, 0x60, 0, 0, 0x00], FUNC_1, code([0x0b])),
  ],
  [
    "LEB128 too long",
    mod([1, 0x84, 0x80, 0x80, 0x80, 0x80, 0x00, 1, 0x60, 0, 0]),
  ],
  [
    "LEB128 u32 too large (5th byte > 0x0f)",
    mod([1, 0x84, 0x80, 0x80, 0x80, 0x10, 1, 0x60, 0, 0]),
  ],
  ["unknown section id", mod(section(0x20, [0]))],
  ["sections out of order", mod(FUNC_1, TYPE_V_V, code([0x0b]))],
  ["duplicate section", mod(TYPE_V_V, TYPE_V_V, FUNC_1, code([0x0b]))],
  ["function and code section counts differ", mod(TYPE_V_V, FUNC_1)],
  ["unknown opcode", mod(TYPE_V_V, FUNC_1, code([0xff, 0x0b]))],
  ["unknown 0xFC sub-opcode", mod(TYPE_V_V, FUNC_1, code([0xfc, 0x7f, 0x0b]))],
  ["missing end of function body", mod(TYPE_V_V, FUNC_1, code([0x01]))],
  ["bytes after end of function", mod(TYPE_V_V, FUNC_1, code([0x0b, 0x01]))],
  ["junk after the last section", new Uint8Array([...VALID, 0x01])],
  ["bad value type", mod(section(1, [1, 0x60, 1, 0x42, 0]))],
  ["bad function type form", mod(section(1, [1, 0x61, 0, 0]))],
  [
    "malformed UTF-8 in export name",
    mod(TYPE_V_V, FUNC_1, section(7, [1, 1, 0xff, 0, 0]), code([0x0b])),
  ],
  ["malformed import kind", mod(section(2, [1, 1, 0x61, 1, 0x62, 0x05, 0]))],
  ["malformed mutability", mod(section(6, [1, 0x7f, 0x02, 0x41, 0, 0x0b]))],
  [
    "too many locals",
    mod(
      TYPE_V_V,
      FUNC_1,
      section(10, [1, 8, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b]),
    ),
  ],
  [
    "data count does not match data section",
    mod(
      section(5, [1, 0, 1]),
      section(12, [2]),
      section(11, [1, 0, 0x41, 0, 0x0b, 1, 0x61]),
    ),
  ],
  [
    "memory.init without data count section",
    mod(
      TYPE_V_V,
      FUNC_1,
      section(5, [1, 0, 1]),
      code([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 0, 0, 0x0b]),
      section(11, [1, 1, 0]),
    ),
  ],
];

for (const [what, bytes, message] of MALFORMED) {
  testBoth(
    `malformed: ${what}`,
    (e) => assertRejected(e, bytes, what, message),
  );
}

// SIMD modules are valid WebAssembly 2.0: every engine accepts them (the SIMD
// validation rules themselves are checked by tests/wasm/simd_test.ts and the
// official suite's simd_* files).
const SIMD: [string, Uint8Array][] = [
  [
    "SIMD (v128.const) is accepted",
    mod(
      TYPE_V_V,
      FUNC_1,
      code([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a, 0x0b]),
    ),
  ],
  [
    "SIMD value type (v128 param)",
    mod(section(1, [1, 0x60, 1, 0x7b, 0]), FUNC_1, code([0x0b])),
  ],
];

for (const [what, bytes] of SIMD) {
  testBoth(`SIMD: ${what}`, (e) => {
    assert.ok(e.wa.validate(bytes), `${what}: the module must be valid`);
    new e.wa.Module(bytes);
  });
}

testPorta("CompileError offsets point into the module", async (wa) => {
  // unknown opcode 0xff: header 8 + type 6 + func 4 + code section header 2 + size 1 + locals 1
  const bytes = MALFORMED.find(([w]) => w === "unknown opcode")![1];
  let msg = "";
  try {
    new wa.Module(bytes);
  } catch (e) {
    msg = (e as Error).message;
  }
  const m = /offset 0x([0-9a-f]+)/.exec(msg);
  assert.ok(m, msg);
  const off = parseInt(m[1], 16);
  assert.ok(
    off >= 20 && off < bytes.length,
    `offset ${off} should be inside the code section: ${msg}`,
  );
  await Promise.resolve();
});

// Valid modules from proposals Porta does not implement (the host accepts
// them) must be rejected with a clear "not supported" CompileError.
const UNSUPPORTED: [string, string, WatFeatures, RegExp][] = [
  [
    "threads: shared memory and atomics",
    `(module (memory 1 1 shared) (func (result i32) (i32.atomic.load (i32.const 0))))`,
    { threads: true },
    /shared|atomic|thread/i,
  ],
  ["exception handling: tag section", `(module (tag $e (param i32)))`, {
    exceptions: true,
  }, /exception/i],
  ["exception handling: throw", `(module (tag $e) (func (throw $e)))`, {
    exceptions: true,
  }, /exception/i],
];

for (const [what, src, features, message] of UNSUPPORTED) {
  testBoth(`unsupported proposal rejected cleanly: ${what}`, async (e) => {
    const bytes = await wat(src, { features });
    if (e.name === "native") {
      assert.ok(
        e.wa.validate(bytes),
        `${what}: the module itself must be valid`,
      );
    } else {
      assertRejected(e, bytes, what, message);
      assert.match(errorOf(e, bytes), /not supported/);
    }
  });
}

function errorOf(e: Engine, bytes: Uint8Array): string {
  try {
    new e.wa.Module(bytes);
  } catch (err) {
    return (err as Error).message;
  }
  return "";
}
