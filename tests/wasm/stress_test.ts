// Size and nesting stress: modules the host engine accepts must compile and run
// on Porta without a JS stack overflow or quadratic blow-up (deep block nesting,
// deep operand stacks, huge br_table, many functions, many locals).
import assert from "node:assert/strict";
import { testBoth } from "./_harness.ts";

function leb(n: number): number[] {
  const r: number[] = [];
  do {
    r.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return r;
}
const sec = (id: number, p: number[]) => [id, ...leb(p.length), ...p];

/** A module of `bodies.length` functions of type (param i32) (result i32), exported as f0, f1, ... */
function module(bodies: number[][]): Uint8Array {
  const exports = bodies.flatMap((_, k) => {
    const name = new TextEncoder().encode(`f${k}`);
    return [name.length, ...name, 0, ...leb(k)];
  });
  const code = bodies.flatMap((b) => [...leb(b.length), ...b]);
  const out: number[] = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  const push = (xs: number[]) => {
    for (const x of xs) out.push(x);
  };
  push(sec(1, [1, 0x60, 1, 0x7f, 1, 0x7f]));
  push(sec(3, [...leb(bodies.length), ...bodies.map(() => 0)]));
  push(sec(7, [...leb(bodies.length), ...exports]));
  push(sec(10, [...leb(bodies.length), ...code]));
  return new Uint8Array(out);
}

const DEPTH = 20_000;

testBoth(`${DEPTH} nested blocks compile and run`, (e) => {
  const body: number[] = [0];
  for (let i = 0; i < DEPTH; i++) body.push(0x02, 0x40);
  body.push(0x20, 0, 0x0d, ...leb(DEPTH - 1)); // br_if to the outermost block
  for (let i = 0; i < DEPTH; i++) body.push(0x0b);
  body.push(0x41, 7, 0x0b);
  const inst = new e.wa.Instance(new e.wa.Module(module([body])));
  assert.equal(inst.exports.f0(1), 7);
  assert.equal(inst.exports.f0(0), 7);
});

testBoth(`operand stack of ${DEPTH} values`, (e) => {
  const body: number[] = [0];
  for (let i = 0; i < DEPTH; i++) body.push(0x20, 0); // local.get 0
  for (let i = 1; i < DEPTH; i++) body.push(0x6a); // i32.add
  body.push(0x0b);
  const inst = new e.wa.Instance(new e.wa.Module(module([body])));
  assert.equal(inst.exports.f0(3), 3 * DEPTH);
});

testBoth("br_table with 50000 targets", (e) => {
  const n = 50_000;
  const body: number[] = [0, 0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0e, ...leb(n)];
  for (let i = 0; i < n; i++) body.push(i === n - 1 ? 0 : 1);
  body.push(1, 0x0b, 0x41, 1, 0x0f, 0x0b, 0x41, 2, 0x0b);
  const inst = new e.wa.Instance(new e.wa.Module(module([body])));
  assert.equal(inst.exports.f0(0), 2);
  assert.equal(inst.exports.f0(n - 1), 1);
  assert.equal(inst.exports.f0(n), 2);
  assert.equal(inst.exports.f0(-1), 2);
});

testBoth("10000 functions and 40000 locals", (e) => {
  const bodies: number[][] = [];
  for (let k = 0; k < 10_000; k++) {
    bodies.push([0, 0x20, 0, 0x41, ...leb(k % 64), 0x6a, 0x0b]);
  }
  // 40000 i64 locals, read the last one and the param
  bodies.push([
    1,
    ...leb(40_000),
    0x7e,
    0x20,
    ...leb(40_000),
    0xa7,
    0x20,
    0,
    0x6a,
    0x0b,
  ]);
  const inst = new e.wa.Instance(new e.wa.Module(module(bodies)));
  assert.equal(inst.exports.f9999(1), 1 + (9999 % 64));
  assert.equal(inst.exports.f10000(5), 5);
});

testBoth(
  "a huge declared table is a WebAssembly error, never a raw RangeError",
  async (e) => {
    for (const n of [4_000_000_000, 0xffffffff]) {
      const bytes = new Uint8Array([
        0,
        0x61,
        0x73,
        0x6d,
        1,
        0,
        0,
        0,
        ...sec(4, [1, 0x70, 0, ...leb(n)]),
      ]);
      let err: unknown;
      try {
        new e.wa.Instance(new e.wa.Module(bytes));
      } catch (x) {
        err = x;
      }
      assert.ok(
        err instanceof e.wa.CompileError || err instanceof e.wa.LinkError ||
          err instanceof e.wa.RuntimeError,
        `table of ${n}: expected a WebAssembly error, got ${err}`,
      );
    }
    await Promise.resolve();
  },
);
