// Integer instruction families (i32 and i64), edge cases, run on native and
// both Porta tiers. Every row runs through every operand shape of
// tests/wasm/_shapes.ts (plain handlers, each fused form, and comparisons as
// br_if and if conditions).
import { cases, funcs, type Row, trap } from "./_harness.ts";
import { type NumT, op, type OpDef, shapeCases } from "./_shapes.ts";

const isCompare = (o: string): boolean => /^(eq|ne|lt|gt|le|ge)/.test(o);
const bin = (t: NumT, o: string): OpDef =>
  op(o, `${t}.${o}`, [t, t], isCompare(o) ? "i32" : t);
const un = (t: NumT, o: string, res: NumT = t, arg: NumT = t): OpDef =>
  op(o, `${t}.${o}`, [arg], res);

const I32_BIN = [
  "add",
  "sub",
  "mul",
  "div_s",
  "div_u",
  "rem_s",
  "rem_u",
  "and",
  "or",
  "xor",
  "shl",
  "shr_s",
  "shr_u",
  "rotl",
  "rotr",
  "eq",
  "ne",
  "lt_s",
  "lt_u",
  "gt_s",
  "gt_u",
  "le_s",
  "le_u",
  "ge_s",
  "ge_u",
];
const MIN32 = -0x80000000;

shapeCases(
  "i32 arithmetic, division, remainder",
  I32_BIN.map((o) => bin("i32", o)),
  [
    ["add", [0x7fffffff, 1], MIN32],
    ["add", [-1, -1], -2],
    ["sub", [MIN32, 1], 0x7fffffff],
    ["mul", [0x10000, 0x10000], 0],
    ["mul", [0x12345678, 0x9abcdef], Math.imul(0x12345678, 0x9abcdef)],
    ["mul", [-1, MIN32], MIN32],
    ["div_s", [7, 2], 3],
    ["div_s", [-7, 2], -3],
    ["div_s", [MIN32, -1], trap("integer overflow")],
    ["div_s", [1, 0], trap("integer divide by zero")],
    ["div_u", [-1, 2], 0x7fffffff],
    ["div_u", [1, 0], trap("integer divide by zero")],
    ["rem_s", [-7, 2], -1],
    ["rem_s", [7, -2], 1],
    ["rem_s", [MIN32, -1], 0],
    ["rem_s", [1, 0], trap("integer divide by zero")],
    ["rem_u", [-1, 10], 5],
    ["rem_u", [1, 0], trap("integer divide by zero")],
  ],
);

shapeCases(
  "i32 bitwise, shifts, rotates, comparisons",
  I32_BIN.map((o) => bin("i32", o)),
  [
    ["and", [0xff00ff, 0x0ff0f0], 0x0f00f0],
    ["or", [0xf0, 0x0f], 0xff],
    ["xor", [-1, 0x0f0f0f0f], -0x0f0f0f10],
    ["shl", [1, 31], MIN32],
    ["shl", [1, 32], 1],
    ["shl", [1, 33], 2],
    ["shl", [1, -1], MIN32],
    ["shr_s", [MIN32, 31], -1],
    ["shr_s", [MIN32, 32], MIN32],
    ["shr_u", [MIN32, 31], 1],
    ["shr_u", [-1, 0], -1],
    ["shr_u", [-1, 36], 0x0fffffff],
    ["rotl", [0x80000001, 1], 3],
    ["rotl", [0x12345678, 36], 0x23456781],
    ["rotr", [1, 1], MIN32],
    ["rotr", [0x12345678, -4], 0x23456781],
    ["eq", [-1, -1], 1],
    ["ne", [-1, -1], 0],
    ["lt_s", [-1, 0], 1],
    ["lt_u", [-1, 0], 0],
    ["gt_s", [MIN32, 0x7fffffff], 0],
    ["gt_u", [MIN32, 0x7fffffff], 1],
    ["le_s", [5, 5], 1],
    ["le_u", [-1, 1], 0],
    ["ge_s", [-2, -1], 0],
    ["ge_u", [-2, -1], 0],
  ],
);

shapeCases(
  "i32 unary: clz ctz popcnt eqz extend8/16",
  [
    un("i32", "clz"),
    un("i32", "ctz"),
    un("i32", "popcnt"),
    un("i32", "eqz"),
    un("i32", "extend8_s"),
    un("i32", "extend16_s"),
  ],
  [
    ["clz", [0], 32],
    ["clz", [1], 31],
    ["clz", [MIN32], 0],
    ["clz", [0x00008000], 16],
    ["ctz", [0], 32],
    ["ctz", [MIN32], 31],
    ["ctz", [0x00010000], 16],
    ["popcnt", [0], 0],
    ["popcnt", [-1], 32],
    ["popcnt", [0x55555555], 16],
    ["eqz", [0], 1],
    ["eqz", [MIN32], 0],
    ["extend8_s", [0x7f], 127],
    ["extend8_s", [0x80], -128],
    ["extend8_s", [0x12345680], -128],
    ["extend16_s", [0x8000], -32768],
    ["extend16_s", [0x12347fff], 32767],
  ],
);

const I64_BIN = I32_BIN;
const MIN64 = -0x8000000000000000n;
const MAX64 = 0x7fffffffffffffffn;

shapeCases(
  "i64 arithmetic, division, remainder",
  I64_BIN.map((o) => bin("i64", o)),
  [
    ["add", [MAX64, 1n], MIN64],
    ["add", [0xffffffffn, 1n], 0x100000000n],
    ["add", [-1n, -1n], -2n],
    ["sub", [0n, 1n], -1n],
    ["sub", [0x100000000n, 1n], 0xffffffffn],
    ["mul", [0x100000000n, 0x100000000n], 0n],
    [
      "mul",
      [0x123456789abcdefn, 0xfedcba987654321n],
      BigInt.asIntN(64, 0x123456789abcdefn * 0xfedcba987654321n),
    ],
    ["mul", [-1n, MIN64], MIN64],
    [
      "mul",
      [0xffffffffn, 0xffffffffn],
      0xfffffffe00000001n - 0x10000000000000000n,
    ],
    ["mul", [-0x1234567n, 0x89abcdefn], -0x1234567n * 0x89abcdefn],
    ["div_s", [-7n, 2n], -3n],
    ["div_s", [MIN64, -1n], trap("integer overflow")],
    ["div_s", [1n, 0n], trap("integer divide by zero")],
    ["div_u", [-1n, 2n], MAX64],
    ["div_u", [-1n, 0x100000000n], 0xffffffffn],
    ["div_u", [1n, 0n], trap("integer divide by zero")],
    ["rem_s", [MIN64, -1n], 0n],
    ["rem_s", [-7n, 2n], -1n],
    ["rem_u", [-1n, 10n], 5n],
    ["rem_u", [1n, 0n], trap("integer divide by zero")],
  ],
);

shapeCases(
  "i64 bitwise, shifts, rotates, comparisons",
  I64_BIN.map((o) => bin("i64", o)),
  [
    ["and", [-1n, 0x123456789n], 0x123456789n],
    [
      "or",
      [0xf0000000_00000000n - 0x10000000000000000n, 0xfn],
      -0x0ffffffffffffff1n,
    ],
    ["xor", [-1n, 0n], -1n],
    ["shl", [1n, 63n], MIN64],
    ["shl", [1n, 64n], 1n],
    ["shl", [1n, 32n], 0x100000000n],
    ["shl", [0x80000000n, 1n], 0x100000000n],
    ["shr_s", [MIN64, 63n], -1n],
    ["shr_s", [MIN64, 32n], -0x80000000n],
    ["shr_u", [MIN64, 63n], 1n],
    ["shr_u", [-1n, 32n], 0xffffffffn],
    ["shr_u", [-1n, 65n], MAX64],
    ["rotl", [MIN64 + 1n, 1n], 3n],
    ["rotl", [0x0123456789abcdefn, 4n], 0x123456789abcdef0n],
    [
      "rotl",
      [0x0123456789abcdefn, 36n],
      BigInt.asIntN(64, 0x89abcdef01234567n << 4n | 0x8n),
    ],
    ["rotr", [1n, 1n], MIN64],
    [
      "rotr",
      [0x0123456789abcdefn, 32n],
      BigInt.asIntN(64, 0x89abcdef01234567n),
    ],
    ["eq", [0x100000000n, 0n], 0],
    ["ne", [0x100000000n, 0n], 1],
    ["lt_s", [-1n, 0n], 1],
    ["lt_u", [-1n, 0n], 0],
    ["lt_u", [0xffffffffn, 0x100000000n], 1],
    ["gt_s", [0x100000000n, 0xffffffffn], 1],
    ["gt_u", [MIN64, MAX64], 1],
    ["le_s", [MIN64, MIN64], 1],
    ["le_u", [0x100000000n, 0xffffffffn], 0],
    ["ge_s", [-0x100000000n, -0xffffffffn], 0],
    ["ge_u", [-1n, 0n], 1],
  ],
);

shapeCases(
  "i64 unary: clz ctz popcnt eqz extends",
  [
    un("i64", "clz"),
    un("i64", "ctz"),
    un("i64", "popcnt"),
    un("i64", "eqz", "i32"),
    un("i64", "extend8_s"),
    un("i64", "extend16_s"),
    un("i64", "extend32_s"),
    op("extend_i32_s", "i64.extend_i32_s", ["i32"], "i64"),
    op("extend_i32_u", "i64.extend_i32_u", ["i32"], "i64"),
    op("wrap", "i32.wrap_i64", ["i64"], "i32"),
  ],
  [
    ["clz", [0n], 64n],
    ["clz", [1n], 63n],
    ["clz", [0x100000000n], 31n],
    ["clz", [MIN64], 0n],
    ["ctz", [0n], 64n],
    ["ctz", [0x100000000n], 32n],
    ["ctz", [MIN64], 63n],
    ["popcnt", [-1n], 64n],
    ["popcnt", [0x5555555555555555n], 32n],
    ["popcnt", [0x100000001n], 2n],
    ["eqz", [0n], 1],
    ["eqz", [0x100000000n], 0],
    ["extend8_s", [0x80n], -128n],
    ["extend16_s", [0xffffn], -1n],
    ["extend32_s", [0x80000000n], -0x80000000n],
    ["extend32_s", [0x1_7fffffffn], 0x7fffffffn],
    ["extend_i32_s", [-1], -1n],
    ["extend_i32_u", [-1], 0xffffffffn],
    ["extend_i32_u", [MIN32], 0x80000000n],
    ["wrap", [0x1_2345_6789n], 0x23456789],
    ["wrap", [-1n], -1],
    ["wrap", [0xffffffff_80000000n - 0x10000000000000000n], MIN32],
  ],
);

cases(
  "i64 constants survive the JS boundary exactly",
  funcs([
    ["max", "(result i64)", "i64.const 0x7fffffffffffffff"],
    ["min", "(result i64)", "i64.const -0x8000000000000000"],
    ["odd", "(result i64)", "i64.const 0x123456789abcdef1"],
    ["id", "(param i64) (result i64)", "local.get 0"],
  ]),
  [
    ["max", [], MAX64],
    ["min", [], MIN64],
    ["odd", [], 0x123456789abcdef1n],
    ["id", [0x0123_4567_89ab_cdefn], 0x0123_4567_89ab_cdefn],
    ["id", [MIN64 + 1n], MIN64 + 1n],
  ],
);

const CMP = [
  "eq",
  "ne",
  "lt_s",
  "lt_u",
  "gt_s",
  "gt_u",
  "le_s",
  "le_u",
  "ge_s",
  "ge_u",
];
/** Result of each comparison when both operands are equal. */
const WHEN_EQUAL: Record<string, number> = {
  eq: 1,
  ne: 0,
  lt_s: 0,
  lt_u: 0,
  gt_s: 0,
  gt_u: 0,
  le_s: 1,
  le_u: 1,
  ge_s: 1,
  ge_u: 1,
};
/** Every comparison on x == y, and on neighbours whose signed and unsigned order differ. */
function compareRows<V>(values: V[], pairs: [V, V, Record<string, number>][]) {
  const rows: Row[] = [];
  for (const v of values) {
    for (const o of CMP) rows.push([o, [v, v], WHEN_EQUAL[o]]);
  }
  for (const [x, y, want] of pairs) {
    for (const o of CMP) rows.push([o, [x, y], want[o]]);
  }
  return rows;
}
/** x < y both signed and unsigned. */
const LESS = {
  eq: 0,
  ne: 1,
  lt_s: 1,
  lt_u: 1,
  gt_s: 0,
  gt_u: 0,
  le_s: 1,
  le_u: 1,
  ge_s: 0,
  ge_u: 0,
};
/** x < y signed but x > y unsigned (x negative, y non-negative). */
const SIGN_SPLIT = {
  eq: 0,
  ne: 1,
  lt_s: 1,
  lt_u: 0,
  gt_s: 0,
  gt_u: 1,
  le_s: 1,
  le_u: 0,
  ge_s: 0,
  ge_u: 1,
};
const flip = (w: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(w).map(([o, v]) => [
      o,
      o === "eq" || o === "ne" ? v : w[
        o.replace(
          /^(lt|gt|le|ge)/,
          (m) => ({ lt: "gt", gt: "lt", le: "ge", ge: "le" })[m]!,
        )
      ],
    ]),
  );

shapeCases(
  "i32 comparisons: equal operands, signed/unsigned splits, both orders",
  CMP.map((o) => bin("i32", o)),
  compareRows([0, 1, -1, 5, MIN32, 0x7fffffff], [
    [0, 1, LESS],
    [1, 0, flip(LESS)],
    [0x7ffffffe, 0x7fffffff, LESS],
    [-1, 0, SIGN_SPLIT],
    [0, -1, flip(SIGN_SPLIT)],
    [MIN32, 0x7fffffff, SIGN_SPLIT],
    [0x7fffffff, MIN32, flip(SIGN_SPLIT)],
    [-2, -1, LESS],
  ]),
);

shapeCases(
  "i64 comparisons: equal operands, signed/unsigned splits, high/low words",
  CMP.map((o) => bin("i64", o)),
  compareRows([0n, 1n, -1n, 0x100000000n, 0xffffffffn, MIN64, MAX64], [
    [0n, 1n, LESS],
    [1n, 0n, flip(LESS)],
    // equal low words, different high words (and the reverse)
    [0x1_00000005n, 0x2_00000005n, LESS],
    [0x2_00000005n, 0x1_00000005n, flip(LESS)],
    [0x1_00000000n, 0x1_ffffffffn, LESS],
    [0xffffffffn, 0x100000000n, LESS],
    [-1n, 0n, SIGN_SPLIT],
    [0n, -1n, flip(SIGN_SPLIT)],
    [MIN64, MAX64, SIGN_SPLIT],
    [-0x100000000n, 0xffffffffn, SIGN_SPLIT],
    [-2n, -1n, LESS],
  ]),
);
