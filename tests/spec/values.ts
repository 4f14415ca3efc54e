/**
 * Value handling for the spec runner: parsing wast2json values into raw bit
 * patterns, and comparing results at the bit level (including the NaN
 * patterns `nan:canonical` and `nan:arithmetic` and v128 lane arrays).
 *
 * @module
 */

/** A WebAssembly value with its exact bit pattern (the engine's testing API shape). */
export interface RawValue {
  /** Value type: i32, i64, f32, f64, v128, funcref, externref. */
  type: string;
  /** Bit pattern for numeric and vector types (unsigned). */
  bits?: bigint;
  /** Reference value: null, a host value or a function identity. */
  ref?: unknown;
}

/** A value as written by wast2json in `args` and `expected`. */
export interface JsonValue {
  /** Value type (or "either" for alternatives). */
  type: string;
  /** Decimal bit pattern, "null", a NaN pattern, or lane list for v128. */
  value?: string | string[];
  /** Lane type of a v128 value. */
  lane_type?: string;
  /** Alternatives for the "either" type. */
  values?: JsonValue[];
}

/** Host reference objects standing for `(ref.extern N)`, one identity per N. */
export class HostRefs {
  #refs = new Map<string, { externref: number }>();
  /** The host object for externref number `n`. */
  get(n: string): { externref: number } {
    let r = this.#refs.get(n);
    if (r === undefined) {
      r = { externref: Number(n) };
      this.#refs.set(n, r);
    }
    return r;
  }
}

const WIDTH: Record<string, number> = {
  i32: 32,
  i64: 64,
  f32: 32,
  f64: 64,
  v128: 128,
};
const LANE_WIDTH: Record<string, number> = {
  i8: 8,
  i16: 16,
  i32: 32,
  i64: 64,
  f32: 32,
  f64: 64,
};

function mask(bits: bigint, width: number): bigint {
  return BigInt.asUintN(width, bits);
}

/** Converts an argument value from the JSON into a raw value. */
export function parseArg(v: JsonValue, refs: HostRefs): RawValue {
  switch (v.type) {
    case "i32":
    case "i64":
    case "f32":
    case "f64":
      return {
        type: v.type,
        bits: mask(BigInt(v.value as string), WIDTH[v.type]),
      };
    case "v128": {
      const lanes = v.value as string[];
      const w = LANE_WIDTH[v.lane_type ?? "i32"];
      let bits = 0n;
      lanes.forEach((l, i) => {
        bits |= mask(BigInt(l), w) << BigInt(i * w);
      });
      return { type: "v128", bits };
    }
    case "funcref":
      return { type: "funcref", ref: null };
    case "externref":
      return {
        type: "externref",
        ref: v.value === "null" ? null : refs.get(v.value as string),
      };
    default:
      throw new Error(`unsupported argument type ${v.type}`);
  }
}

function nanMismatch(pattern: string, bits: bigint, width: number): boolean {
  const expBits = width === 32 ? 0x7f800000n : 0x7ff0000000000000n;
  const quiet = width === 32 ? 0x00400000n : 0x0008000000000000n;
  const abs = bits & (width === 32 ? 0x7fffffffn : 0x7fffffffffffffffn);
  if (pattern === "nan:canonical") return abs !== (expBits | quiet);
  if (pattern === "nan:arithmetic") {
    return (abs & (expBits | quiet)) !== (expBits | quiet);
  }
  throw new Error(`unknown NaN pattern ${pattern}`);
}

function scalarMatches(type: string, expected: string, bits: bigint): boolean {
  const w = WIDTH[type] ?? LANE_WIDTH[type];
  if (expected.startsWith("nan:")) {
    return !nanMismatch(expected, mask(bits, w), w);
  }
  return mask(BigInt(expected), w) === mask(bits, w);
}

/**
 * Checks one result against its expectation; returns null when it matches,
 * else a short description of the mismatch.
 */
export function matchValue(
  exp: JsonValue,
  got: RawValue | undefined,
  refs: HostRefs,
): string | null {
  if (got === undefined) return `expected ${showExpected(exp)}, got nothing`;
  if (exp.type === "either") {
    for (const alt of exp.values ?? []) {
      if (matchValue(alt, got, refs) === null) return null;
    }
    return `expected ${showExpected(exp)}, got ${showRaw(got)}`;
  }
  const bad = () => `expected ${showExpected(exp)}, got ${showRaw(got)}`;
  if (got.type !== exp.type) return bad();
  switch (exp.type) {
    case "i32":
    case "i64":
    case "f32":
    case "f64":
      if (typeof got.bits !== "bigint") return bad();
      return scalarMatches(exp.type, exp.value as string, got.bits)
        ? null
        : bad();
    case "v128": {
      if (typeof got.bits !== "bigint") return bad();
      const lt = exp.lane_type ?? "i32";
      const w = LANE_WIDTH[lt];
      const lanes = exp.value as string[];
      for (let i = 0; i < lanes.length; i++) {
        const lane = mask(got.bits >> BigInt(i * w), w);
        if (!scalarMatches(lt, lanes[i], lane)) return bad();
      }
      return null;
    }
    case "funcref":
      if (exp.value === undefined) {
        return got.ref !== null && got.ref !== undefined ? null : bad();
      }
      if (exp.value === "null") return got.ref === null ? null : bad();
      return bad();
    case "externref":
      if (exp.value === undefined) {
        return got.ref !== null && got.ref !== undefined ? null : bad();
      }
      if (exp.value === "null") return got.ref === null ? null : bad();
      return got.ref === refs.get(exp.value as string) ? null : bad();
    default:
      return `unsupported expected type ${exp.type}`;
  }
}

function showBits(type: string, bits: bigint): string {
  const w = WIDTH[type];
  const b = mask(bits, w);
  if (type === "i32" || type === "i64") return `${type}:${BigInt.asIntN(w, b)}`;
  const dv = new DataView(new ArrayBuffer(8));
  let num: number;
  if (type === "f32") {
    dv.setUint32(0, Number(b));
    num = dv.getFloat32(0);
  } else {
    dv.setBigUint64(0, b);
    num = dv.getFloat64(0);
  }
  return `${type}:${num}(0x${b.toString(16)})`;
}

/** Formats a raw value for failure messages. */
export function showRaw(v: RawValue): string {
  if (v.type in WIDTH && v.type !== "v128") {
    return typeof v.bits === "bigint"
      ? showBits(v.type, v.bits)
      : `${v.type}:<no bits>`;
  }
  if (v.type === "v128") {
    return `v128:0x${(v.bits ?? 0n).toString(16).padStart(32, "0")}`;
  }
  if (v.ref === null || v.ref === undefined) return `${v.type}:null`;
  const ref = v.ref as { externref?: number };
  if (typeof ref === "object" && typeof ref.externref === "number") {
    return `${v.type}:${ref.externref}`;
  }
  return `${v.type}:<${typeof v.ref}>`;
}

/** Formats an expected JSON value for failure messages. */
export function showExpected(v: JsonValue): string {
  if (v.type === "either") {
    return `either(${(v.values ?? []).map(showExpected).join(" | ")})`;
  }
  if (v.type === "v128") {
    return `v128:${v.lane_type}[${(v.value as string[]).join(" ")}]`;
  }
  if (typeof v.value === "string" && v.value.startsWith("nan:")) {
    return `${v.type}:${v.value}`;
  }
  if (v.type in WIDTH && typeof v.value === "string") {
    return showBits(v.type, BigInt(v.value));
  }
  return `${v.type}:${v.value ?? "<non-null>"}`;
}
