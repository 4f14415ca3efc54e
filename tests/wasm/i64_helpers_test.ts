/**
 * The engine's 64-bit division and remainder helpers on 32-bit halves (src/wasm/i64.ts) agree
 * with BigInt: divisors of every width, dividends placed just at, above and below multiples of
 * the divisor (where a rounded quotient is most likely off by one), and the edge values.
 */
import assert from "node:assert/strict";
import { divS64, divU64, R64, remS64, remU64 } from "../../src/wasm/i64.ts";

const M = (1n << 64n) - 1n;
const EDGES = [
  0n,
  1n,
  2n,
  3n,
  M,
  M - 1n,
  1n << 63n,
  (1n << 63n) - 1n,
  (1n << 63n) + 1n,
  2097151n,
  2097152n,
  2097153n,
  (1n << 32n) - 1n,
  1n << 32n,
  (1n << 32n) + 1n,
  (1n << 53n) - 1n,
  1n << 53n,
];

/** A deterministic xorshift32 stream. */
function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function halves(v: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
}

function check(a: bigint, b: bigint): void {
  const [alo, ahi] = halves(a), [blo, bhi] = halves(b);
  const got = (lo: number) => (BigInt(R64.hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const ctx = `a=${a} b=${b}`;
  assert.equal(got(divU64(alo, ahi, blo, bhi)), a / b, `div_u ${ctx}`);
  assert.equal(got(remU64(alo, ahi, blo, bhi)), a % b, `rem_u ${ctx}`);
  const sa = BigInt.asIntN(64, a), sb = BigInt.asIntN(64, b);
  if (sa === -(1n << 63n) && sb === -1n) return; // the overflow trap
  assert.equal(
    got(divS64(alo, ahi, blo, bhi)),
    BigInt.asUintN(64, sa / sb),
    `div_s ${ctx}`,
  );
  assert.equal(
    got(remS64(alo, ahi, blo, bhi)),
    BigInt.asUintN(64, sa % sb),
    `rem_s ${ctx}`,
  );
}

Deno.test("i64 helpers: edge values against BigInt", () => {
  for (const a of EDGES) for (const b of EDGES) if (b !== 0n) check(a, b);
});

Deno.test("i64 helpers: random widths and near-multiples against BigInt", () => {
  const r = rng(0x9e3779b9);
  const word = () => (BigInt(r()) << 32n) | BigInt(r());
  for (let i = 0; i < 60000; i++) {
    // a divisor of 1..64 bits, sometimes negative (as a signed value)
    const bits = 1 + (r() % 64);
    let b = (word() & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1));
    if (r() % 8 === 0) b = M + 1n - b;
    const q = word() % (M / b + 1n);
    const rem = [0n, 1n, b - 1n, b / 2n, word() % b][i % 5];
    const a = q * b + rem;
    check(a <= M ? a : word(), b);
    check(word() & ((1n << BigInt(1 + (r() % 64))) - 1n), b);
  }
});
