/**
 * The JS tier's special forms for i64 operations with a constant operand (division and
 * remainder by a constant below 2^31 when the dividend fits in 32 bits, shifts and rotations by
 * a constant, products split at translation): every tier agrees with native WebAssembly on
 * edge values and random ones, traps included.
 */
import assert from "node:assert/strict";
import * as wasm from "../../src/wasm/mod.ts";
import { wat } from "../helpers/wat.ts";

const OPS = [
  ["div_u", "10"],
  ["rem_u", "1000003"],
  ["div_s", "7"],
  ["rem_s", "7"],
  ["div_s", "2147483647"],
  ["rem_u", "2147483647"],
  ["div_u", "2147483648"], // above the fast path: the helper
  ["div_s", "-3"], // negative: the helper
  ["shl", "13"],
  ["shr_u", "32"],
  ["shr_s", "45"],
  ["rotl", "31"],
  ["rotr", "7"],
  ["rotl", "64"],
  ["mul", "0x9E3779B97F4A7C15"],
  ["mul", "-1"],
];

const SRC = `(module ${
  OPS.map(([op, k], i) =>
    `(func (export "f${i}") (param i64) (result i64) (i64.${op} (local.get 0) (i64.const ${k})))`
  ).join("\n")
})`;

const EDGES = [
  0n,
  1n,
  -1n,
  9n,
  10n,
  11n,
  -7n,
  -8n,
  2147483647n,
  -2147483648n,
  2147483648n,
  4294967295n,
  4294967296n,
  -4294967296n,
  123456789012345n,
  -9223372036854775808n,
  9223372036854775807n,
  3000000000n,
  -3000000000n,
];

Deno.test("jit: i64 operations with a constant operand agree with native on every tier", async () => {
  const bytes = new Uint8Array(await wat(SRC));
  const nat = new WebAssembly.Instance(new WebAssembly.Module(bytes))
    .exports as Record<
      string,
      (v: bigint) => bigint
    >;
  const ours = (["interp", "js"] as const).map((tier) =>
    new wasm.Instance(new wasm.Module(bytes), {}, { tier }).exports as Record<
      string,
      (v: bigint) => bigint
    >
  );
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const vals = [...EDGES];
  for (let i = 0; i < 2000; i++) {
    vals.push(
      BigInt.asIntN(64, (BigInt(rnd()) << 33n) ^ BigInt(rnd())) >>
        BigInt(i % 48),
    );
  }
  const problems: string[] = [];
  for (let i = 0; i < OPS.length; i++) {
    for (const v of vals) {
      const want = nat[`f${i}`](v);
      for (const [t, e] of ours.entries()) {
        const got = e[`f${i}`](v);
        if (got !== want) {
          problems.push(
            `${OPS[i].join(" ")}(${v}) tier ${t}: ${got} != ${want}`,
          );
        }
      }
    }
  }
  assert.deepEqual(problems.slice(0, 10), []);
});
