// Floating-point instruction families (f32/f64): arithmetic, NaN handling,
// min/max/nearest/copysign, conversions, reinterpret, trapping and saturating
// truncation. Bit patterns are checked through reinterpret so NaN payloads are
// not touched by the JS boundary. Every table row runs through every operand
// shape of tests/wasm/_shapes.ts (plain handlers, the fused f64 forms, and
// comparisons as br_if and if conditions).
import { cases, funcs, NAN, type Row, trap } from "./_harness.ts";
import { type NumT, op, type OpDef, shapeCases } from "./_shapes.ts";

const bin = (t: NumT, o: string): OpDef =>
  op(
    `${t}.${o}`,
    `${t}.${o}`,
    [t, t],
    /^(eq|ne|lt|gt|le|ge)$/.test(o) ? "i32" : t,
  );
const un = (t: NumT, o: string): OpDef => op(`${t}.${o}`, `${t}.${o}`, [t], t);
/** A conversion `instr` from `arg` to `res`, named as the instruction. */
const conv = (instr: string, arg: NumT, res: NumT): OpDef =>
  op(instr, instr, [arg], res);
const OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "min",
  "max",
  "copysign",
  "eq",
  "ne",
  "lt",
  "gt",
  "le",
  "ge",
];
const UN = ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"];

const f32 = Math.fround;

shapeCases(
  "f32 arithmetic, min/max, copysign, compares",
  [...OPS.map((o) => bin("f32", o)), ...UN.map((o) => un("f32", o))],
  [
    ["f32.add", [f32(0.1), f32(0.2)], f32(f32(0.1) + f32(0.2))],
    ["f32.add", [3.4028234663852886e38, 3.4028234663852886e38], Infinity],
    ["f32.sub", [Infinity, Infinity], NAN],
    ["f32.mul", [-0, 5], -0],
    ["f32.mul", [1e-30, 1e-30], 0],
    ["f32.div", [1, 0], Infinity],
    ["f32.div", [-1, 0], -Infinity],
    ["f32.div", [0, 0], NAN],
    ["f32.div", [1, 3], f32(1 / 3)],
    ["f32.min", [0, -0], -0],
    ["f32.min", [-0, 0], -0],
    ["f32.max", [0, -0], 0],
    ["f32.max", [-0, 0], 0],
    ["f32.min", [NaN, 1], NAN],
    ["f32.max", [1, NaN], NAN],
    ["f32.min", [-Infinity, 3], -Infinity],
    ["f32.copysign", [3, -0], -3],
    ["f32.copysign", [-3, 0], 3],
    ["f32.copysign", [-3, NaN], 3],
    ["f32.eq", [NaN, NaN], 0],
    ["f32.ne", [NaN, NaN], 1],
    ["f32.eq", [0, -0], 1],
    ["f32.lt", [-0, 0], 0],
    ["f32.le", [NaN, 1], 0],
    ["f32.gt", [Infinity, 3.4028234663852886e38], 1],
    ["f32.ge", [1, NaN], 0],
    ["f32.abs", [-0], 0],
    ["f32.neg", [0], -0],
    ["f32.sqrt", [-1], NAN],
    ["f32.sqrt", [2], f32(Math.SQRT2)],
    ["f32.sqrt", [-0], -0],
    ["f32.ceil", [-0.5], -0],
    ["f32.ceil", [1.5], 2],
    ["f32.floor", [-0.5], -1],
    ["f32.floor", [0.5], 0],
    ["f32.trunc", [-1.9], -1],
    ["f32.trunc", [-0.9], -0],
    ["f32.nearest", [0.5], 0],
    ["f32.nearest", [1.5], 2],
    ["f32.nearest", [2.5], 2],
    ["f32.nearest", [-0.5], -0],
    ["f32.nearest", [-3.5], -4],
    ["f32.nearest", [8388609], 8388609],
    ["f32.nearest", [Infinity], Infinity],
  ],
);

shapeCases(
  "f64 arithmetic, min/max, copysign, compares",
  [...OPS.map((o) => bin("f64", o)), ...UN.map((o) => un("f64", o))],
  [
    ["f64.add", [0.1, 0.2], 0.1 + 0.2],
    ["f64.sub", [-Infinity, -Infinity], NAN],
    ["f64.mul", [1e200, 1e200], Infinity],
    ["f64.mul", [-0, -1], 0],
    ["f64.div", [1, -0], -Infinity],
    ["f64.div", [5e-324, 2], 0],
    ["f64.min", [0, -0], -0],
    ["f64.max", [-0, 0], 0],
    ["f64.min", [NaN, -Infinity], NAN],
    ["f64.max", [-Infinity, NaN], NAN],
    ["f64.copysign", [1, -2], -1],
    ["f64.copysign", [Infinity, -1], -Infinity],
    ["f64.eq", [NaN, 0], 0],
    ["f64.ne", [0, -0], 0],
    ["f64.lt", [-Infinity, -1.7976931348623157e308], 1],
    ["f64.abs", [-Infinity], Infinity],
    ["f64.neg", [-0], 0],
    ["f64.sqrt", [-0], -0],
    ["f64.sqrt", [-1e-300], NAN],
    ["f64.ceil", [-0.1], -0],
    ["f64.floor", [-0], -0],
    ["f64.trunc", [1e15 + 0.5], 1e15],
    ["f64.trunc", [-1e15 - 0.5], -1e15],
    ["f64.nearest", [4503599627370495.5], 4503599627370496],
    ["f64.nearest", [-2.5], -2],
    ["f64.nearest", [-0.49999999999999994], -0],
    ["f64.nearest", [0.49999999999999994], 0],
  ],
);

// Bit-exact NaN handling through reinterpret (sign/payload preserved by
// neg/abs/copysign/reinterpret/load/store/select; arithmetic NaNs are
// arithmetic NaNs).
cases(
  "f32/f64 NaN bits: neg, abs, copysign, reinterpret keep payloads; arithmetic gives a quiet NaN",
  funcs([
    [
      "f32.neg.bits",
      "(param i32) (result i32)",
      "local.get 0 f32.reinterpret_i32 f32.neg i32.reinterpret_f32",
    ],
    [
      "f32.abs.bits",
      "(param i32) (result i32)",
      "local.get 0 f32.reinterpret_i32 f32.abs i32.reinterpret_f32",
    ],
    [
      "f32.copysign.bits",
      "(param i32 i32) (result i32)",
      "local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 f32.copysign i32.reinterpret_f32",
    ],
    [
      "f32.id.bits",
      "(param i32) (result i32)",
      "local.get 0 f32.reinterpret_i32 i32.reinterpret_f32",
    ],
    [
      "f32.add.quiet",
      "(param i32) (result i32)",
      "local.get 0 f32.reinterpret_i32 f32.const 1 f32.add i32.reinterpret_f32 i32.const 0x7fc00000 i32.and i32.const 0x7fc00000 i32.eq",
    ],
    [
      "f32.const.snan",
      "(result i32)",
      "f32.const nan:0x200000 i32.reinterpret_f32",
    ],
    [
      "f32.const.negnan",
      "(result i32)",
      "f32.const -nan:0x7fffff i32.reinterpret_f32",
    ],
    [
      "f64.neg.bits",
      "(param i64) (result i64)",
      "local.get 0 f64.reinterpret_i64 f64.neg i64.reinterpret_f64",
    ],
    [
      "f64.abs.bits",
      "(param i64) (result i64)",
      "local.get 0 f64.reinterpret_i64 f64.abs i64.reinterpret_f64",
    ],
    [
      "f64.id.bits",
      "(param i64) (result i64)",
      "local.get 0 f64.reinterpret_i64 i64.reinterpret_f64",
    ],
    [
      "f64.const.snan",
      "(result i64)",
      "f64.const nan:0x4000000000000 i64.reinterpret_f64",
    ],
    [
      "f64.mul.quiet",
      "(param i64) (result i32)",
      "local.get 0 f64.reinterpret_i64 f64.const 2 f64.mul i64.reinterpret_f64 i64.const 0x7ff8000000000000 i64.and i64.const 0x7ff8000000000000 i64.eq",
    ],
    [
      "select.f32.bits",
      "(param i32 i32 i32) (result i32)",
      "local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 local.get 2 select i32.reinterpret_f32",
    ],
    [
      "local.f32.bits",
      "(param i32) (result i32) (local f32)",
      "local.get 0 f32.reinterpret_i32 local.set 1 local.get 1 i32.reinterpret_f32",
    ],
    [
      "demote.canonical",
      "(param i64) (result i32)",
      "local.get 0 f64.reinterpret_i64 f32.demote_f64 i32.reinterpret_f32 i32.const 0x7fc00000 i32.and i32.const 0x7fc00000 i32.eq",
    ],
  ]),
  [
    ["f32.neg.bits", [0x7fa00000], 0xffa00000 | 0],
    ["f32.neg.bits", [0xffa00001 | 0], 0x7fa00001],
    ["f32.abs.bits", [0xff800001 | 0], 0x7f800001],
    ["f32.copysign.bits", [0x7fa00000, 0x80000000 | 0], 0xffa00000 | 0],
    ["f32.id.bits", [0x7f800001], 0x7f800001],
    ["f32.id.bits", [0xffbfffff | 0], 0xffbfffff | 0],
    ["f32.add.quiet", [0x7fa00000], 1],
    ["f32.const.snan", [], 0x7fa00000],
    ["f32.const.negnan", [], -1],
    ["f64.neg.bits", [0x7ff4000000000001n], -0x000bffffffffffffn],
    ["f64.abs.bits", [-0x000bffffffffffffn - 1n], 0x7ff4000000000001n - 1n],
    ["f64.id.bits", [0x7ff0000000000001n], 0x7ff0000000000001n],
    ["f64.const.snan", [], 0x7ff4000000000000n],
    ["f64.mul.quiet", [0x7ff4000000000000n], 1],
    ["select.f32.bits", [0x7fa00001, 0, 1], 0x7fa00001],
    ["select.f32.bits", [0, 0xffa00002 | 0, 0], 0xffa00002 | 0],
    ["local.f32.bits", [0x7f800003], 0x7f800003],
    ["demote.canonical", [0x7ff0000000000001n], 1],
  ],
);

shapeCases(
  "float conversions: convert, promote, demote, reinterpret",
  [
    conv("f32.convert_i32_s", "i32", "f32"),
    conv("f32.convert_i32_u", "i32", "f32"),
    conv("f32.convert_i64_s", "i64", "f32"),
    conv("f32.convert_i64_u", "i64", "f32"),
    conv("f64.convert_i32_s", "i32", "f64"),
    conv("f64.convert_i32_u", "i32", "f64"),
    conv("f64.convert_i64_s", "i64", "f64"),
    conv("f64.convert_i64_u", "i64", "f64"),
    op("f64.promote", "f64.promote_f32", ["f32"], "f64"),
    op("f32.demote", "f32.demote_f64", ["f64"], "f32"),
    op("i32.reinterpret", "i32.reinterpret_f32", ["f32"], "i32"),
    op("i64.reinterpret", "i64.reinterpret_f64", ["f64"], "i64"),
    op("f32.reinterpret", "f32.reinterpret_i32", ["i32"], "f32"),
    op("f64.reinterpret", "f64.reinterpret_i64", ["i64"], "f64"),
  ],
  [
    ["f32.convert_i32_s", [0x7fffffff], 2147483648],
    ["f32.convert_i32_s", [16777217], 16777216],
    ["f32.convert_i32_s", [16777219], 16777220],
    ["f32.convert_i32_u", [-1], 4294967296],
    ["f32.convert_i64_s", [0x7fffffffffffffffn], 9223372036854775808],
    ["f32.convert_i64_s", [-0x8000000000000000n], -9223372036854775808],
    // double rounding trap: must round directly from i64, not via f64
    ["f32.convert_i64_s", [9007199791611905n], 9007200328482816],
    ["f32.convert_i64_u", [-1n], 18446744073709551616],
    ["f32.convert_i64_u", [0x8000008000000001n], f32(9223373136366403584)],
    ["f64.convert_i32_s", [-2147483648], -2147483648],
    ["f64.convert_i32_s", [-1], -1],
    ["f64.convert_i32_u", [-2147483648], 2147483648],
    ["f64.convert_i32_u", [-1], 4294967295],
    ["f64.convert_i64_s", [9007199254740993n], 9007199254740992],
    ["f64.convert_i64_s", [-9007199254740995n], -9007199254740996],
    ["f64.convert_i64_u", [-1n], 18446744073709551616],
    ["f64.convert_i64_u", [0x8000000000000401n], 9223372036854777856],
    ["f64.promote", [f32(0.1)], f32(0.1)],
    ["f64.promote", [-Infinity], -Infinity],
    ["f32.demote", [0.1], f32(0.1)],
    ["f32.demote", [3.4028235677973366e38], Infinity],
    ["f32.demote", [1e-50], 0],
    ["f32.demote", [-1e-50], -0],
    ["f32.demote", [1.401298464324817e-45], 1.401298464324817e-45],
    ["i32.reinterpret", [-0], -0x80000000],
    ["i32.reinterpret", [1], 0x3f800000],
    ["i64.reinterpret", [-0], -0x8000000000000000n],
    ["i64.reinterpret", [1], 0x3ff0000000000000n],
    ["f32.reinterpret", [0x3f800000], 1],
    ["f64.reinterpret", [0x4000000000000000n], 2],
  ],
);

const I32_MIN = -2147483648;
shapeCases(
  "float to int: trapping and saturating truncation",
  [
    conv("i32.trunc_f32_s", "f32", "i32"),
    conv("i32.trunc_f32_u", "f32", "i32"),
    conv("i32.trunc_f64_s", "f64", "i32"),
    conv("i32.trunc_f64_u", "f64", "i32"),
    conv("i64.trunc_f32_s", "f32", "i64"),
    conv("i64.trunc_f32_u", "f32", "i64"),
    conv("i64.trunc_f64_s", "f64", "i64"),
    conv("i64.trunc_f64_u", "f64", "i64"),
    conv("i32.trunc_sat_f32_s", "f32", "i32"),
    conv("i32.trunc_sat_f32_u", "f32", "i32"),
    conv("i32.trunc_sat_f64_s", "f64", "i32"),
    conv("i32.trunc_sat_f64_u", "f64", "i32"),
    conv("i64.trunc_sat_f32_s", "f32", "i64"),
    conv("i64.trunc_sat_f32_u", "f32", "i64"),
    conv("i64.trunc_sat_f64_s", "f64", "i64"),
    conv("i64.trunc_sat_f64_u", "f64", "i64"),
  ],
  [
    ["i32.trunc_f32_s", [-2147483648], I32_MIN],
    ["i32.trunc_f32_s", [2147483648], trap("integer overflow")],
    ["i32.trunc_f32_s", [-2147483904], trap("integer overflow")],
    ["i32.trunc_f32_s", [NaN], trap("invalid conversion to integer")],
    ["i32.trunc_f32_s", [-1.9], -1],
    ["i32.trunc_f32_u", [-0.9], 0],
    ["i32.trunc_f32_u", [-1], trap("integer overflow")],
    ["i32.trunc_f32_u", [4294967040], -256],
    ["i32.trunc_f64_s", [2147483647.9], 2147483647],
    ["i32.trunc_f64_s", [-2147483648.9], I32_MIN],
    ["i32.trunc_f64_s", [-2147483649], trap("integer overflow")],
    ["i32.trunc_f64_u", [4294967295.9], -1],
    ["i32.trunc_f64_u", [4294967296], trap("integer overflow")],
    ["i32.trunc_f64_u", [-0.99], 0],
    ["i32.trunc_f64_u", [Infinity], trap("integer overflow")],
    ["i64.trunc_f32_s", [-9223372036854775808], -0x8000000000000000n],
    ["i64.trunc_f32_s", [9223372036854775808], trap("integer overflow")],
    ["i64.trunc_f32_u", [18446742974197923840], -1099511627776n],
    ["i64.trunc_f32_u", [-0.9], 0n],
    ["i64.trunc_f32_u", [18446744073709551616], trap("integer overflow")],
    ["i64.trunc_f32_u", [-1], trap("integer overflow")],
    ["i64.trunc_f32_u", [NaN], trap("invalid conversion to integer")],
    ["i64.trunc_f64_s", [9223372036854774784], 9223372036854774784n],
    ["i64.trunc_f64_s", [-9223372036854777856], trap("integer overflow")],
    ["i64.trunc_f64_s", [NaN], trap("invalid conversion to integer")],
    ["i64.trunc_f64_u", [18446744073709549568], -2048n],
    ["i64.trunc_f64_u", [18446744073709551616], trap("integer overflow")],
    ["i64.trunc_f64_u", [4294967296.5], 4294967296n],
    ["i32.trunc_sat_f32_s", [NaN], 0],
    ["i32.trunc_sat_f32_s", [Infinity], 2147483647],
    ["i32.trunc_sat_f32_s", [-3e9], I32_MIN],
    ["i32.trunc_sat_f32_u", [-1], 0],
    ["i32.trunc_sat_f32_u", [4294967040], -256],
    ["i32.trunc_sat_f32_u", [5e9], -1],
    ["i32.trunc_sat_f32_u", [NaN], 0],
    ["i32.trunc_sat_f64_s", [2147483647.9], 2147483647],
    ["i32.trunc_sat_f64_s", [-2147483649], I32_MIN],
    ["i32.trunc_sat_f64_s", [1e300], 2147483647],
    ["i32.trunc_sat_f64_s", [NaN], 0],
    ["i32.trunc_sat_f64_s", [-1.9], -1],
    ["i32.trunc_sat_f64_u", [-5], 0],
    ["i32.trunc_sat_f64_u", [5e9], -1],
    ["i32.trunc_sat_f64_u", [3e9], -1294967296],
    ["i64.trunc_sat_f64_s", [1e19], 0x7fffffffffffffffn],
    ["i64.trunc_sat_f64_s", [-1e19], -0x8000000000000000n],
    ["i64.trunc_sat_f64_s", [-NaN], 0n],
    ["i64.trunc_sat_f32_s", [9223372036854775808], 0x7fffffffffffffffn],
    ["i64.trunc_sat_f32_s", [-Infinity], -0x8000000000000000n],
    ["i64.trunc_sat_f32_s", [-1.5], -1n],
    ["i64.trunc_sat_f32_s", [NaN], 0n],
    ["i64.trunc_sat_f64_u", [18446744073709551616], -1n],
    ["i64.trunc_sat_f64_u", [18446744073709549568], -2048n],
    ["i64.trunc_sat_f64_u", [-1e300], 0n],
    ["i64.trunc_sat_f64_u", [NaN], 0n],
    ["i64.trunc_sat_f32_u", [2e19], -1n],
    ["i64.trunc_sat_f32_u", [1.5], 1n],
  ],
);

const FCMP = ["eq", "ne", "lt", "gt", "le", "ge"];
/** Each float comparison on two operands that compare equal, less, greater or unordered. */
const ORDER: Record<string, Record<string, number>> = {
  equal: { eq: 1, ne: 0, lt: 0, gt: 0, le: 1, ge: 1 },
  less: { eq: 0, ne: 1, lt: 1, gt: 0, le: 1, ge: 0 },
  greater: { eq: 0, ne: 1, lt: 0, gt: 1, le: 0, ge: 1 },
  unordered: { eq: 0, ne: 1, lt: 0, gt: 0, le: 0, ge: 0 },
};
function floatCompareRows(t: "f32" | "f64", max: number, tiny: number): Row[] {
  const pairs: [number, number, string][] = [
    [0, 0, "equal"],
    [-0, -0, "equal"],
    [0, -0, "equal"],
    [-0, 0, "equal"],
    [1.5, 1.5, "equal"],
    [-2.5, -2.5, "equal"],
    [max, max, "equal"],
    [tiny, tiny, "equal"],
    [Infinity, Infinity, "equal"],
    [-Infinity, -Infinity, "equal"],
    [NaN, NaN, "unordered"],
    [NaN, 1, "unordered"],
    [1, NaN, "unordered"],
    [NaN, Infinity, "unordered"],
    [-Infinity, NaN, "unordered"],
    [-0, tiny, "less"],
    [tiny, 0, "greater"],
    [-tiny, -0, "less"],
    [-1, 1, "less"],
    [max, Infinity, "less"],
    [-Infinity, -max, "less"],
    [2, 1, "greater"],
    [-1, -2, "greater"],
  ];
  const rows: Row[] = [];
  for (const [x, y, rel] of pairs) {
    for (const o of FCMP) rows.push([`${t}.${o}`, [x, y], ORDER[rel][o]]);
  }
  return rows;
}

shapeCases(
  "f32 comparisons: equal operands, +0/-0, NaN (unordered), infinities, subnormals",
  FCMP.map((o) => bin("f32", o)),
  floatCompareRows("f32", 3.4028234663852886e38, 1.401298464324817e-45),
);

shapeCases(
  "f64 comparisons: equal operands, +0/-0, NaN (unordered), infinities, subnormals",
  FCMP.map((o) => bin("f64", o)),
  floatCompareRows("f64", 1.7976931348623157e308, 5e-324),
);
