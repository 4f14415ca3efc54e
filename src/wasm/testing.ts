/**
 * Internal API for the spec-test runner: invoke exports and read globals with exact bit patterns.
 * @module
 */
import { type Instance, internalsOf } from "./api.ts";
import {
  funcInstOf,
  invokeRawSlots,
  jsFunction,
  type RawSlot,
} from "./exec.ts";
import type { FuncInst } from "./runtime.ts";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  I32,
  I64,
  V128,
  type ValType,
} from "./types.ts";

/**
 * A value with its exact bit pattern. `bits` is the unsigned pattern (i32/f32: 32 bits,
 * i64/f64: 64 bits, v128: 128 bits, lane 0 in the lowest bits; signed inputs are accepted and
 * masked). For references `ref` is null, a host
 * value (externref), or a function identity (the exported function object) for funcref.
 */
export interface RawValue {
  /** Value type. */
  type: "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";
  /** Unsigned bit pattern (numeric types). */
  bits?: bigint;
  /** Reference value (reference types). */
  ref?: unknown;
}

const NAMES: Record<number, RawValue["type"]> = {
  [I32]: "i32",
  [I64]: "i64",
  [F32]: "f32",
  [F64]: "f64",
  [V128]: "v128",
  [FUNCREF]: "funcref",
  [EXTERNREF]: "externref",
};

function toSlot(v: RawValue, t: ValType): RawSlot {
  if (t === FUNCREF) {
    const r = v.ref ?? null;
    if (r === null) return { lo: 0, hi: 0, ref: null };
    const fi = funcInstOf(r);
    if (!fi) {
      throw new TypeError(
        "funcref argument must be null or an exported function",
      );
    }
    return { lo: 0, hi: 0, ref: fi };
  }
  if (t === EXTERNREF) {
    return { lo: 0, hi: 0, ref: v.ref === undefined ? null : v.ref };
  }
  if (t === V128) {
    const b = BigInt.asUintN(128, v.bits ?? 0n);
    const w = (k: number) => Number(BigInt.asIntN(32, b >> BigInt(32 * k)));
    return { lo: w(0), hi: w(1), ref: [w(2), w(3)] };
  }
  const b = BigInt.asUintN(64, v.bits ?? 0n);
  return {
    lo: Number(BigInt.asIntN(32, b)),
    hi: Number(BigInt.asIntN(32, b >> 32n)),
    ref: null,
  };
}

function fromSlot(s: RawSlot, t: ValType): RawValue {
  const type = NAMES[t];
  if (t === FUNCREF) {
    return { type, ref: s.ref === null ? null : jsFunction(s.ref as FuncInst) };
  }
  if (t === EXTERNREF) return { type, ref: s.ref };
  if (t === I32 || t === F32) return { type, bits: BigInt(s.lo >>> 0) };
  if (t === V128) {
    const up = s.ref as ArrayLike<number>;
    const ws = [s.lo, s.hi, up[0], up[1]];
    let bits = 0n;
    for (let k = 3; k >= 0; k--) bits = (bits << 32n) | BigInt(ws[k] >>> 0);
    return { type, bits };
  }
  return { type, bits: (BigInt(s.hi >>> 0) << 32n) | BigInt(s.lo >>> 0) };
}

/** Invokes export `exportName` with raw arguments; returns raw results. Traps throw RuntimeError. */
export function invokeRaw(
  instance: Instance,
  exportName: string,
  args: RawValue[],
): RawValue[] {
  const { ctx, exportsByName } = internalsOf(instance);
  const e = exportsByName.get(exportName);
  if (!e || e.kind !== 0) {
    throw new TypeError(`no exported function "${exportName}"`);
  }
  const f = ctx.funcs[e.index];
  const t = f.type;
  if (args.length !== t.params.length) {
    throw new TypeError(`"${exportName}" expects ${t.params.length} arguments`);
  }
  const out = invokeRawSlots(f, args.map((a, i) => toSlot(a, t.params[i])));
  return out.map((s, i) => fromSlot(s, t.results[i]));
}

/** Reads exported global `name` as a raw value. */
export function getGlobalRaw(instance: Instance, name: string): RawValue {
  const { ctx, exportsByName } = internalsOf(instance);
  const e = exportsByName.get(name);
  if (!e || e.kind !== 3) throw new TypeError(`no exported global "${name}"`);
  const g = ctx.globals[e.index];
  if (g.type === V128) {
    const v = g.ref as Int32Array;
    return fromSlot({ lo: v[0], hi: v[1], ref: [v[2], v[3]] }, V128);
  }
  return fromSlot({ lo: g.lo, hi: g.hi, ref: g.ref }, g.type);
}
