/**
 * Operand shapes for the instruction tests. Porta's compiler fuses common
 * operand patterns into superinstructions (src/wasm/compile.ts, ops.ts:
 * FUSE_L/FUSE_K/FUSE_LK/FUSE_LL for i32, FUSE64_L/FUSE64_K for i64, F64_L for
 * f64 add/sub/mul/div, and BRC/BRC_L/BRC_K/BRC_LK/BRC_LL for an i32 compare
 * or eqz followed by `br_if`), so a test that passes its operands with
 * `local.get` only ever reaches the fused handlers. {@link shapeCases} runs
 * every row of a table through each operand shape below, so the plain
 * handler, every fused form, and (for comparisons and eqz) the
 * compare-and-branch and plain `if` forms all see the same inputs:
 *
 * - `name`: `local.get 0 local.get 1 op` at function entry (i32: GET2_32 +
 *   FUSE_LL; i64: FUSE64_L; f64 add/sub/mul/div: F64_L)
 * - `name@call`: each operand through a call of an identity function (plain)
 * - `name@global`: each operand through a global (plain)
 * - `name@block`: each operand as the result of a `block (result t)` (plain)
 * - `name@tee`: the right operand from a `local.tee` (plain: the compiler
 *   fuses local.get only)
 * - `name@l`: left from a global, right `local.get` (FUSE_L, FUSE64_L, F64_L)
 * - `name@k<i>`: left from a global, right a constant (FUSE_K, FUSE64_K)
 * - `name@lk<i>`: `local.get 0 t.const y op` (FUSE_LK, FUSE64_K)
 * - `name@kk<i>`: both operands constant
 *
 * Unary operators (and conversions) get `name`, `@call`, `@global`, `@block`
 * and `@k<i>`. For comparisons and eqz each shape also comes as
 * `<shape>/br_if` (the result as the condition of a `br_if` with no values:
 * fused compare-and-branch for i32) and `<shape>/if` (plain `if`).
 *
 * Constant shapes are one function per row (`<i>` is the row's index).
 *
 * @module
 */
import { cases, type Expected, type Row, Trap } from "./_harness.ts";

/** A numeric value type. */
export type NumT = "i32" | "i64" | "f32" | "f64";

/** One operator under test: the export name rows use, the instruction, its signature. */
export interface OpDef {
  /** Name the rows use, e.g. "add" or "f32.add". */
  name: string;
  /** The instruction, e.g. "i32.add". */
  instr: string;
  /** Operand types (one or two). */
  params: NumT[];
  /** Result type. */
  result: NumT;
}

/** Shorthand for an {@link OpDef}. */
export function op(
  name: string,
  instr: string,
  params: NumT[],
  result: NumT,
): OpDef {
  return { name, instr, params, result };
}

const CMP = /\.(eq|ne|lt|gt|le|ge)(_[su])?$/;

/** True for operators whose i32 result is a truth value (compares, eqz). */
export function isCondition(d: OpDef): boolean {
  return d.result === "i32" && (CMP.test(d.instr) || /\.eqz$/.test(d.instr));
}

/** A WAT constant instruction for a JS value of type t (exact: hex for floats). */
export function constOf(t: NumT, v: unknown): string {
  if (t === "i32") return `i32.const ${Number(v) | 0}`;
  if (t === "i64") return `i64.const ${BigInt.asIntN(64, BigInt(v as bigint))}`;
  const x = Number(v);
  if (Number.isNaN(x)) return `${t}.const nan`;
  if (!Number.isFinite(x)) return `${t}.const ${x > 0 ? "inf" : "-inf"}`;
  if (Object.is(x, -0)) return `${t}.const -0`;
  // f32: the row's value rounds to f32 exactly as the JS API does for a parameter
  const bits = t === "f32" ? Math.fround(x) : x;
  return `${t}.const ${hexFloat(bits)}`;
}

/** Exact hexadecimal float literal of a finite double. */
function hexFloat(x: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const b = dv.getBigUint64(0);
  const sign = b >> 63n ? "-" : "";
  const exp = Number((b >> 52n) & 0x7ffn);
  const frac = b & 0xfffffffffffffn;
  if (exp === 0 && frac === 0n) return `${sign}0x0p+0`;
  const digits = frac.toString(16).padStart(13, "0");
  return exp === 0
    ? `${sign}0x0.${digits}p-1022`
    : `${sign}0x1.${digits}p${exp - 1023}`;
}

/** The function bodies of one operator in every shape (runtime-operand shapes only). */
function runtimeShapes(d: OpDef): [string, string][] {
  const [a, b] = d.params;
  const i = d.instr;
  if (d.params.length === 1) {
    return [
      ["", `local.get 0 ${i}`],
      ["@call", `local.get 0 call $id_${a} ${i}`],
      ["@global", `local.get 0 global.set $a_${a} global.get $a_${a} ${i}`],
      ["@block", `(block (result ${a}) local.get 0) ${i}`],
    ];
  }
  return [
    ["", `local.get 0 local.get 1 ${i}`],
    ["@call", `local.get 0 call $id_${a} local.get 1 call $id_${b} ${i}`],
    [
      "@global",
      `local.get 0 global.set $a_${a} local.get 1 global.set $b_${b} ` +
      `global.get $a_${a} global.get $b_${b} ${i}`,
    ],
    [
      "@block",
      `(block (result ${a}) local.get 0) (block (result ${b}) local.get 1) ${i}`,
    ],
    ["@tee", `local.get 0 local.get 1 local.tee 1 ${i}`],
    [
      "@l",
      `local.get 0 global.set $a_${a} global.get $a_${a} local.get 1 ${i}`,
    ],
  ];
}

/** Function bodies with the row's operands as constants (param 0 still the left operand). */
function constShapes(d: OpDef, args: unknown[]): [string, string][] {
  const [a, b] = d.params;
  const i = d.instr;
  if (d.params.length === 1) return [["@k", `${constOf(a, args[0])} ${i}`]];
  const y = constOf(b, args[1]);
  return [
    ["@k", `local.get 0 global.set $a_${a} global.get $a_${a} ${y} ${i}`],
    ["@lk", `local.get 0 ${y} ${i}`],
    ["@kk", `${constOf(a, args[0])} ${y} ${i}`],
  ];
}

/** Wraps an i32 condition body as a `br_if` and as an `if`. */
function conditionForms(body: string): [string, string][] {
  return [
    [
      "/br_if",
      `(block $y ${body} br_if $y (return (i32.const 0))) (i32.const 1)`,
    ],
    [
      "/if",
      `${body} (if (result i32) (then (i32.const 1)) (else (i32.const 0)))`,
    ],
  ];
}

/** True when the expected result is a truth value a branch can reproduce. */
function branchable(exp: Expected): boolean {
  return exp === 0 || exp === 1;
}

/** Builds the module and the expanded rows for {@link shapeCases}. */
export function shapeModule(
  defs: OpDef[],
  rows: Row[],
): { src: string; rows: Row[] } {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const fns: string[] = [];
  const out: Row[] = [];
  const sig = (d: OpDef, params: NumT[]) =>
    `${
      params.length ? `(param ${params.join(" ")})` : ""
    } (result ${d.result})`;
  const add = (name: string, d: OpDef, params: NumT[], body: string) => {
    fns.push(`(func (export "${name}") ${sig(d, params)} ${body})`);
    if (isCondition(d)) {
      for (const [suffix, wrapped] of conditionForms(body)) {
        fns.push(
          `(func (export "${name}${suffix}") ${sig(d, params)} ${wrapped})`,
        );
      }
    }
  };
  for (const d of defs) {
    for (const [suffix, body] of runtimeShapes(d)) {
      add(d.name + suffix, d, d.params, body);
    }
  }
  rows.forEach(([name, args, exp], k) => {
    const d = byName.get(name);
    if (d === undefined) throw new Error(`shapeCases: no operator "${name}"`);
    const cond = isCondition(d) && (branchable(exp) || exp instanceof Trap);
    for (const [suffix] of runtimeShapes(d)) {
      out.push([d.name + suffix, args, exp]);
      if (cond) {
        out.push([`${d.name}${suffix}/br_if`, args, exp]);
        out.push([`${d.name}${suffix}/if`, args, exp]);
      }
    }
    for (const [suffix, body] of constShapes(d, args)) {
      const name = `${d.name}${suffix}${k}`;
      // the constant shapes keep parameter 0 (unused by @kk and unary @k) so
      // that every shape is called with the row's arguments
      const params = d.params.length === 1 ? [] : [d.params[0]];
      const callArgs = d.params.length === 1 ? [] : [args[0]];
      add(name, d, params, body);
      out.push([name, callArgs, exp]);
      if (cond) {
        out.push([`${name}/br_if`, callArgs, exp]);
        out.push([`${name}/if`, callArgs, exp]);
      }
    }
  });
  const types: NumT[] = ["i32", "i64", "f32", "f64"];
  const zero = (t: NumT) => `(${t}.const 0)`;
  const support = types.map((t) =>
    `(func $id_${t} (param ${t}) (result ${t}) local.get 0)
    (global $a_${t} (mut ${t}) ${zero(t)}) (global $b_${t} (mut ${t}) ${
      zero(t)
    })`
  ).join("\n");
  return { src: `(module ${support}\n${fns.join("\n")})`, rows: out };
}

/**
 * Registers a table-driven test (native and both Porta tiers) whose rows run
 * through every operand shape of their operator (see the module comment).
 * A NaN expectation is kept as NaN; a trap stays a trap in every shape.
 */
export function shapeCases(title: string, defs: OpDef[], rows: Row[]): void {
  const m = shapeModule(defs, rows);
  cases(title, m.src, m.rows);
}
