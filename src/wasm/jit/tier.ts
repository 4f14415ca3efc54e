/**
 * The JS tier at run time: translating a function instance (translate.ts) and binding it to its
 * instance, the helpers its code calls, and the adapters between the tiers.
 *
 * Every FuncInst has an entry `jf` with the translated calling convention (translate.ts). For a
 * translated function it is its code; otherwise an adapter that writes the arguments to the
 * interpreter's stack and runs the interpreter or the host function (`stub`). The interpreter
 * calls translated functions through `invoker`, the reverse adapter. On the interpreter's stack
 * a value takes one 8-byte slot and a v128 two (its four words, lane 0 lowest); in the
 * translated convention a v128 is four i32 arguments, and a v128 result comes back in the
 * multi-value registers (MI, slot by slot as on the stack; see `resultsInMV`).
 * @module
 */
import { trap } from "../errors.ts";
import {
  ctz32,
  divS64,
  divU64,
  mul64,
  nearest,
  popcnt32,
  R64,
  remS64,
  remU64,
  rotl64,
  rotr64,
  s64ToF32,
  shl64,
  shrS64,
  shrU64,
  u64ToF32,
} from "../i64.ts";
import {
  satS32,
  satS64,
  satU32,
  satU64,
  truncS32,
  truncS64,
  truncU32,
  truncU64,
} from "../convert.ts";
import type { CompiledModule } from "../compile.ts";
import {
  type Ctx,
  enterFirst,
  FuncInst,
  HOOKS,
  type TableInst,
} from "../runtime.ts";
import {
  F32,
  F64,
  type FuncType,
  I32,
  I64,
  V128,
  type ValType,
} from "../types.ts";
import { narrowS16, narrowS8, narrowU16, narrowU8, simdOp } from "../simd.ts";
import { memcopy, memfill, meminit, tcopy, tfill, tinit } from "../bulk.ts";
import { SCRATCH, SCRATCH_WORDS, STACK_BUFFER } from "../stack.ts";
import { resultsInMV, translate } from "./translate.ts";
import {
  CF,
  CI,
  DS,
  FS,
  fuelFrame,
  MF,
  MI,
  MR,
  RH,
  SF,
  SI,
  trapCode,
} from "./rt.ts";

/** The interpreter's machine, as the adapters need it (set by exec.ts). */
export interface Machine {
  I: Int32Array;
  F: Float64Array;
  R: unknown[];
  /** the interpreter stack's first free word, after checking room for np arguments */
  base(np: number): number;
  /** runs f (interpreter or host) on the arguments at [b, b + 2 np); results left at b */
  stubCall(f: FuncInst, b: number): void;
}

let M: Machine;

/** Pending tail call of translated code: the callee; its arguments are in MI/MF/MR. */
export const TAIL: { f: FuncInst | null } = { f: null };

const EMPTY: unknown[] = [];
const EMPTY8 = new Uint8Array(0);
/** The immediates of a SIMD instruction that has none (simdOp does not read them). */
const NOIMM = new Int32Array(0);

/**
 * The SIMD instructions translated code does not inline run here: the operands' words are
 * written to the scratch at the end of the interpreter's stack (stack.ts SCRATCH) as the
 * interpreter's stack would hold them, simd.ts `simdOp` runs on them with the stack top after
 * them, and translated code reads the result's words from SX[0..]. One function per operand
 * layout (v: a v128, four words; s: a scalar slot, its low and high words).
 */
const SX = new Int32Array(STACK_BUFFER, SCRATCH * 4, SCRATCH_WORDS);
type Imm = Int32Array;
/** [v128] (unary, test, extract_lane) */
function simdV(
  op: number,
  imm: Imm,
  ctx: Ctx,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
): void {
  SX[0] = a0;
  SX[1] = a1;
  SX[2] = a2;
  SX[3] = a3;
  simdOp(op, imm, 0, SCRATCH + 4, ctx);
}
/** [v128 v128] (binary, shuffle) */
function simdVV(
  op: number,
  imm: Imm,
  ctx: Ctx,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
): void {
  SX[0] = a0;
  SX[1] = a1;
  SX[2] = a2;
  SX[3] = a3;
  SX[4] = b0;
  SX[5] = b1;
  SX[6] = b2;
  SX[7] = b3;
  simdOp(op, imm, 0, SCRATCH + 8, ctx);
}
/** [v128 v128 v128] (bitselect) */
function simdVVV(
  op: number,
  imm: Imm,
  ctx: Ctx,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
): void {
  SX[0] = a0;
  SX[1] = a1;
  SX[2] = a2;
  SX[3] = a3;
  SX[4] = b0;
  SX[5] = b1;
  SX[6] = b2;
  SX[7] = b3;
  SX[8] = c0;
  SX[9] = c1;
  SX[10] = c2;
  SX[11] = c3;
  simdOp(op, imm, 0, SCRATCH + 12, ctx);
}
/** [scalar] (splat, load) */
function simdS(op: number, imm: Imm, ctx: Ctx, lo: number, hi: number): void {
  SX[0] = lo;
  SX[1] = hi;
  simdOp(op, imm, 0, SCRATCH + 2, ctx);
}
/** [v128 scalar] (replace_lane, shift) */
function simdVS(
  op: number,
  imm: Imm,
  ctx: Ctx,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  lo: number,
  hi: number,
): void {
  SX[0] = a0;
  SX[1] = a1;
  SX[2] = a2;
  SX[3] = a3;
  SX[4] = lo;
  SX[5] = hi;
  simdOp(op, imm, 0, SCRATCH + 6, ctx);
}
/** [i32 v128] (store, load_lane, store_lane) */
function simdSV(
  op: number,
  imm: Imm,
  ctx: Ctx,
  i: number,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
): void {
  SX[0] = i;
  SX[2] = a0;
  SX[3] = a1;
  SX[4] = a2;
  SX[5] = a3;
  simdOp(op, imm, 0, SCRATCH + 6, ctx);
}

function fb(x: number): number {
  SI[0] = x;
  return SF[0];
}
/**
 * A signalling NaN f64 in translated code. V8's optimizing tiers may quiet a signalling NaN
 * whenever a double goes through a typed array or DataView, so translated code never holds one
 * as a number: it holds this box of its bits (moves copy the reference; arithmetic sees its quiet
 * form through valueOf; stores, reinterpret, abs, neg, copysign use the bits).
 */
export class NaNBox {
  /** low word */
  lo: number;
  /** high word */
  hi: number;
  /** Boxes the bits of a signalling NaN. */
  constructor(lo: number, hi: number) {
    this.lo = lo;
    this.hi = hi;
  }
  /** Arithmetic sees the quiet NaN with the same payload (what x86 and V8's wasm compute). */
  valueOf(): number {
    CI[0] = this.lo;
    CI[1] = this.hi | 0x80000;
    return CF[0];
  }
}

/** True when (lo, hi) is a signalling NaN (exponent all ones, quiet bit clear, payload not 0). */
function signalling(lo: number, hi: number): boolean {
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | lo) !== 0;
}

/** The f64 with bits (lo, hi): a number, or a NaNBox for a signalling NaN. */
function f64of(lo: number, hi: number): number {
  if (signalling(lo, hi)) return new NaNBox(lo, hi) as unknown as number;
  CI[0] = lo;
  CI[1] = hi;
  return CF[0];
}

/** The low word of f64 x (high word in R64.hi). */
function f64lo(x: number | NaNBox): number {
  if (typeof x === "number") {
    CF[0] = x;
    R64.hi = CI[1];
    return CI[0];
  }
  R64.hi = x.hi;
  return x.lo;
}

/** Stores a NaNBox's bits (high word first: an out-of-bounds store writes nothing). */
function nanTo(dv: DataView, at: number, x: NaNBox): void {
  dv.setInt32(at + 4, x.hi, true);
  dv.setInt32(at, x.lo, true);
}
function quiet(y: number): number {
  if (y === y) return y;
  CF[0] = y;
  CI[1] |= 0x80000; // quiet a signalling NaN, as the interpreter does
  return CF[0];
}
function fabs(x: number): number {
  if (typeof x === "number" && x === x) return Math.abs(x);
  const lo = f64lo(x);
  return f64of(lo, R64.hi & 0x7fffffff);
}
function fneg(x: number): number {
  if (typeof x === "number" && x === x) return -x;
  const lo = f64lo(x);
  return f64of(lo, R64.hi ^ -2147483648);
}
function fcopysign(x: number, y: number): number {
  const ylo = f64lo(y);
  const sign = R64.hi & -2147483648;
  void ylo;
  const lo = f64lo(x);
  return f64of(lo, (R64.hi & 0x7fffffff) | sign);
}
function fmin32(a: number, b: number): number {
  const y = Math.min(fb(a), fb(b));
  if (y !== y) return -4194304; // 0xffc00000, as V8 and x86 produce
  SF[0] = y;
  return SI[0];
}
function fmax32(a: number, b: number): number {
  const y = Math.max(fb(a), fb(b));
  if (y !== y) return -4194304;
  SF[0] = y;
  return SI[0];
}
const NAN64 = f64of(0, -524288); // 0xfff8000000000000
function fmin64(a: number, b: number): number {
  const y = Math.min(a, b);
  return y !== y ? NAN64 : y;
}
function fmax64(a: number, b: number): number {
  const y = Math.max(a, b);
  return y !== y ? NAN64 : y;
}
function oobTable(): never {
  return trapCode(8);
}
function tget(t: TableInst, i: number): unknown {
  i >>>= 0;
  if (i >= t.elems.length) oobTable();
  return t.elems[i];
}
function tset(t: TableInst, i: number, v: unknown): void {
  i >>>= 0;
  if (i >= t.elems.length) oobTable();
  t.elems[i] = v;
}

/** What translated code reaches through `env.rt`. */
function runtimeObject(): Record<string, unknown> {
  return {
    FS,
    DS,
    MI,
    MF,
    MR,
    RH,
    SI,
    SF,
    CI,
    CF,
    R64,
    TAIL,
    I: M.I,
    F: M.F,
    R: M.R,
    fuel: fuelFrame,
    trap: trapCode,
    deep,
    fb,
    f64of,
    f64lo,
    nanTo,
    ctz32,
    popcnt32,
    mul64,
    divS64,
    divU64,
    remS64,
    remU64,
    shl64,
    shrS64,
    shrU64,
    rotl64,
    rotr64,
    nearest,
    quiet,
    fabs,
    fneg,
    fcopysign,
    fmin32,
    fmax32,
    fmin64,
    fmax64,
    truncS32,
    truncU32,
    truncS64,
    truncU64,
    satS32,
    satU32,
    satS64,
    satU64,
    s64ToF32,
    u64ToF32,
    tget,
    tset,
    tfill,
    tcopy,
    tinit,
    meminit,
    memcopy,
    memfill,
    EMPTY,
    EMPTY8,
    SX,
    simdV,
    simdVV,
    simdVVV,
    simdS,
    simdVS,
    simdSV,
    NOIMM,
    narrowS8,
    narrowU8,
    narrowS16,
    narrowU16,
  };
}

let RT: Record<string, unknown> | null = null;

/** Connects the tier to the interpreter's machine (called once by exec.ts). */
export function bindMachine(m: Machine): void {
  M = m;
  HOOKS.enter = enterGeneric;
  HOOKS.tail = tailGeneric;
}

type Factory = (env: unknown) => [Fn, Fn];

/**
 * Functions the JS tier does not translate: too deeply nested for V8's parser (the generated
 * source nests as deep as the wasm blocks). They run in the interpreter at every tier.
 */
const MAX_NESTING = 1000;

/**
 * Nor are bodies above this many bytes: translation and V8's compilation of the source take
 * memory and time in proportion (a hostile module's 7 MB body would cost hundreds of MB).
 */
const MAX_BODY_BYTES = 1 << 18;

/**
 * Adapters generated per function type, at most (a module may declare a million types); past
 * this, calls through adapters use the generic ones (slower, same results).
 */
let MAX_ADAPTERS = 4096;

/**
 * Sets the number of per-type adapters generated before the generic ones are used and forgets
 * those generated so far; returns the previous limit. For tests (0: every adapter generic).
 */
export function setAdapterLimit(n: number): number {
  const old = MAX_ADAPTERS;
  MAX_ADAPTERS = n;
  stubs.clear();
  invokers.clear();
  return old;
}
// deno-lint-ignore no-explicit-any
type Fn = (...args: any[]) => any;

const factories = new WeakMap<CompiledModule, Map<number, Factory | null>>();
const envs = new WeakMap<Ctx, unknown>();

function envOf(ctx: Ctx): unknown {
  let e = envs.get(ctx);
  if (e === undefined) {
    RT ??= runtimeObject();
    e = {
      rt: RT,
      funcs: ctx.funcs,
      globals: ctx.globals,
      mems: ctx.mems,
      tables: ctx.tables,
      typeIds: ctx.typeIds,
      ctx,
    };
    envs.set(ctx, e);
  }
  return e;
}

/**
 * The factory of function `index` (or of its OSR entry at block `osr`), translated and compiled
 * once per module; null when the function cannot be translated (it stays interpreted).
 */
function factoryOf(
  cm: CompiledModule,
  index: number,
  osr: number,
): Factory | null {
  let m = factories.get(cm);
  if (m === undefined) {
    m = new Map();
    factories.set(cm, m);
  }
  const key = osr < 0 ? index : -(index * 65536 + osr + 1);
  let fac = m.get(key);
  if (fac === undefined) {
    const bi = index - cm.ir.numImportedFuncs;
    if (cm.ir.codes.end[bi] - cm.ir.codes.start[bi] > MAX_BODY_BYTES) {
      m.set(key, null);
      return null;
    }
    try {
      const t = translate(cm.ir, index, osr, MAX_NESTING);
      fac = t === null ? null : new Function("env", t.src) as Factory;
    } catch (e) {
      // V8 could not compile the source (a parser or size limit): stay interpreted
      if (!(e instanceof RangeError || e instanceof SyntaxError)) throw e;
      fac = null;
    }
    m.set(key, fac);
  }
  return fac;
}

/**
 * Translates wasm function f (once) and makes translated code its entry; false when it cannot
 * be translated (it stays interpreted).
 */
export function promote(f: FuncInst): boolean {
  if (f.jit) return true;
  if (f.host || f.ctx!.cm === null) return false;
  const ctx = f.ctx!;
  const fac = factoryOf(ctx.cm!, f.index, -1);
  if (fac === null) return false;
  const [outer, inner] = fac(envOf(ctx));
  f.jf = outer;
  f.ji = inner === outer ? null : inner;
  f.jit = true;
  return true;
}

/**
 * The entry of f at basic block k, for an interpreter frame at fp: returns its results by the
 * translated convention. Runs the tail calls it hands back.
 */
export function osrEntry(
  f: FuncInst,
  k: number,
): ((fp: number, dp: number) => unknown) | null {
  const ctx = f.ctx!;
  const fac = factoryOf(ctx.cm!, f.index, k);
  if (fac === null) return null;
  const [fn] = fac(envOf(ctx));
  return (fp: number, dp: number) => {
    const r = fn(dp, 1, fp);
    return TAIL.f === null ? r : trampoline(dp);
  };
}

const interpreted = new WeakMap<FuncInst, FuncInst>();

/**
 * The callee of a call made DS[1] frames deep: the same function run by the interpreter (its
 * frames do not use the JS stack), or the trap when the activation's frame limit is reached.
 */
function deep(f: FuncInst, dp: number): FuncInst {
  // a host function pushes no wasm frame: the interpreter calls one at any depth too
  if (f.host !== null) return f;
  if (dp >= DS[2]) trapCode(6);
  if (!f.jit) return f;
  let g = interpreted.get(f);
  if (g === undefined) {
    g = new FuncInst(f.type, f.ctx, f.cf, null, f.index);
    g.jf = stubFor(f.type, true);
    g.ji = stubFor(f.type, false);
    interpreted.set(f, g);
  }
  return g;
}

/** First call through a FuncInst's default entry: pick its entry for good, then call it. */
function enterGeneric(f: FuncInst, args: unknown[]): unknown {
  resolve(f);
  return f.jf.apply(f, args);
}

/** Picks f's entries for good: translated code (tier js) or the adapters. */
function resolve(f: FuncInst): void {
  if (f.jf !== enterFirst) return;
  if (f.host !== null || f.ctx!.tier !== "js" || !promote(f)) {
    f.jf = stubFor(f.type, true);
    // a tail call into an adapter leaves a tail call it makes to the trampoline running it
    f.ji = stubFor(f.type, false);
  }
}

/** A pending tail call to f: arguments from the multi-value registers. */
function tailGeneric(f: FuncInst, dp: number): unknown {
  resolve(f);
  const args: unknown[] = [dp];
  pushArgs(f.type, MI, MR, 0, args);
  return (f.ji ?? f.jf).apply(f, args);
}

/**
 * Runs the pending tail calls (TAIL) to the end and returns the last one's result by the
 * translated convention: the caller of a run whose first frame handed it a tail call.
 */
export function trampoline(dp: number): unknown {
  let r: unknown;
  while (TAIL.f !== null) {
    const g = TAIL.f;
    TAIL.f = null;
    r = g.tc(dp);
  }
  return r;
}

/** The translated-convention names of parameter k of type t: p0; an i64 p0, q0; a v128 p0, q0, u0, w0. */
function argNames(t: ValType, k: number): string[] {
  if (t === I64) return ["p" + k, "q" + k];
  if (t === V128) return ["p" + k, "q" + k, "u" + k, "w" + k];
  return ["p" + k];
}

/** Translated-convention parameter names for type t (p0, p1, q1 ...). */
function paramNames(t: FuncType): string[] {
  const ps: string[] = [];
  for (let k = 0; k < t.params.length; k++) {
    ps.push(...argNames(t.params[k], k));
  }
  return ps;
}

/** The first stack slot of each value of ts (a v128 takes two). */
function slotsAt(ts: ValType[]): number[] {
  const at: number[] = [];
  let s = 0;
  for (const t of ts) {
    at.push(s);
    s += t === V128 ? 2 : 1;
  }
  return at;
}

/** Source writing a value of type t (words or reference `v`) to the stack slot at word `at`. */
function slotWrite(t: ValType, at: string, v: string[]): string {
  switch (t) {
    case I32:
    case F32:
      return `I[${at}] = ${v[0]}; `;
    case I64:
      return `I[${at}] = ${v[0]}; I[${at} + 1] = ${v[1]}; `;
    case F64:
      return `I[${at}] = f64lo(${v[0]}); I[${at} + 1] = R64.hi; `;
    case V128:
      return `I[${at}] = ${v[0]}; I[${at} + 1] = ${v[1]}; I[${at} + 2] = ${
        v[2]
      }; I[${at} + 3] = ${v[3]}; `;
    default:
      return `R[(${at}) >> 1] = ${v[0]}; `;
  }
}

/**
 * Source copying the results of type t from the multi-value registers to the stack at word b
 * (`toStack`) or back: each value's words (and reference) at its slot.
 */
function mvCopy(t: FuncType, toStack: boolean): string {
  let body = "";
  const at = slotsAt(t.results);
  for (let k = 0; k < t.results.length; k++) {
    const rt = t.results[k], s = at[k];
    const words = rt === V128 ? 4 : 2;
    for (let w = 2 * s; w < 2 * s + words; w++) {
      body += toStack ? `I[b + ${w}] = MI[${w}]; ` : `MI[${w}] = I[b + ${w}]; `;
    }
    if (rt !== I32 && rt !== I64 && rt !== F32 && rt !== F64 && rt !== V128) {
      body += toStack
        ? `R[(b >> 1) + ${s}] = MR[${s}]; `
        : `MR[${s}] = R[(b >> 1) + ${s}]; `;
    }
  }
  return body;
}

const MACHINE_HEAD =
  '"use strict"; const I = m.I, R = m.R, MI = m.MI, MR = m.MR, RH = m.RH, R64 = m.R64, DS = m.DS, f64of = m.f64of, f64lo = m.f64lo, base = m.base, call = m.call, TAIL = m.TAIL, tramp = m.tramp;\n';

/** Compiles an adapter's source (a function expression) against the machine. */
function compileAdapter(fn: string): unknown {
  return new Function("m", MACHINE_HEAD + `return ${fn};`)({
    ...M,
    MI,
    MR,
    RH,
    R64,
    DS,
    f64of,
    f64lo,
    TAIL,
    tramp: trampoline,
    call: M.stubCall,
  });
}

const stubs = new Map<string, Fn>();

/** The adapter entry for a function run by the interpreter or a host: one per type. */
function stubFor(t: FuncType, tramp: boolean): Fn {
  const key = (tramp ? "T" : "N") + t.key;
  let s = stubs.get(key);
  if (s !== undefined) return s;
  if (stubs.size >= MAX_ADAPTERS) {
    return tramp ? genericStub : genericStubNoTramp;
  }
  // the adapter's callee runs at depth dp: the interpreter and host calls count from DS[0]
  let body = `DS[0] = dp; const b = base(${t.paramSlots}); `;
  const at = slotsAt(t.params);
  for (let k = 0; k < t.params.length; k++) {
    body += slotWrite(
      t.params[k],
      `b + ${2 * at[k]}`,
      argNames(t.params[k], k),
    );
  }
  body += tramp
    ? "call(this, b); if (TAIL.f !== null) return tramp(dp); "
    : "call(this, b); if (TAIL.f !== null) return 0; ";
  const rs = t.results;
  if (!resultsInMV(rs)) {
    switch (rs[0]) {
      case I32:
      case F32:
        body += "return I[b];";
        break;
      case I64:
        body += "RH[0] = I[b + 1]; return I[b];";
        break;
      case F64:
        body += "return f64of(I[b], I[b + 1]);";
        break;
      default:
        body += "return R[b >> 1];";
    }
  } else body += mvCopy(t, false);
  s = compileAdapter(
    `function (${["dp", ...paramNames(t)].join(", ")}) { ${body} }`,
  ) as Fn;
  stubs.set(key, s);
  return s;
}

const invokers = new Map<string, (f: FuncInst, b: number) => void>();

/**
 * The reverse adapter: calls f's entry with the arguments at [b, b + 2 np) of the interpreter's
 * stack and leaves its results at b. One per type.
 */
export function invoker(t: FuncType): (f: FuncInst, b: number) => void {
  let v = invokers.get(t.key);
  if (v !== undefined) return v;
  if (invokers.size >= MAX_ADAPTERS) return genericInvoker;
  const args: string[] = [];
  const ps = slotsAt(t.params);
  for (let k = 0; k < t.params.length; k++) {
    const at = `b + ${2 * ps[k]}`;
    switch (t.params[k]) {
      case I32:
      case F32:
        args.push(`I[${at}]`);
        break;
      case I64:
        args.push(`I[${at}]`, `I[${at} + 1]`);
        break;
      case F64:
        args.push(`f64of(I[${at}], I[${at} + 1])`);
        break;
      case V128:
        args.push(`I[${at}]`, `I[${at} + 1]`, `I[${at} + 2]`, `I[${at} + 3]`);
        break;
      default:
        args.push(`R[(${at}) >> 1]`);
    }
  }
  const rs = t.results;
  let body = `const r = f.jf(${["DS[0]", ...args].join(", ")}); `;
  if (!resultsInMV(rs)) {
    body += rs[0] === I64
      ? "I[b] = r; I[b + 1] = RH[0];"
      : slotWrite(rs[0], "b", ["r"]);
  } else body += mvCopy(t, true);
  v = compileAdapter(`function (f, b) { ${body} }`) as (
    f: FuncInst,
    b: number,
  ) => void;
  invokers.set(t.key, v);
  return v;
}

/**
 * Appends the arguments of type t, in the translated convention, read from words I and
 * references R with its first slot at word b (the interpreter's stack, or MI/MR).
 */
function pushArgs(
  t: FuncType,
  I: Int32Array,
  R: unknown[],
  b: number,
  args: unknown[],
): void {
  let at = b;
  for (let k = 0; k < t.params.length; k++) {
    switch (t.params[k]) {
      case I32:
      case F32:
        args.push(I[at]);
        break;
      case I64:
        args.push(I[at], I[at + 1]);
        break;
      case F64:
        args.push(f64of(I[at], I[at + 1]));
        break;
      case V128:
        args.push(I[at], I[at + 1], I[at + 2], I[at + 3]);
        at += 2;
        break;
      default:
        args.push(R[at >> 1]);
    }
    at += 2;
  }
}

/** Reads the arguments of f from the interpreter stack at b, in the translated convention. */
function argsAt(t: FuncType, b: number): unknown[] {
  const args: unknown[] = [];
  pushArgs(t, M.I, M.R, b, args);
  return args;
}

/** The invoker of any type (see MAX_ADAPTERS). */
function genericInvoker(f: FuncInst, b: number): void {
  const r = f.jf(DS[0], ...argsAt(f.type, b));
  writeResults(f.type, r, b);
}

/** The adapter entry of any type (see MAX_ADAPTERS); `this` is the FuncInst. */
function genericAdapter(
  f: FuncInst,
  dp: number,
  args: unknown[],
  tramp: boolean,
): unknown {
  const { I, R } = M;
  const t = f.type;
  DS[0] = dp;
  const b = M.base(t.paramSlots);
  let j = 0;
  let at = b;
  for (let k = 0; k < t.params.length; k++, at += 2) {
    switch (t.params[k]) {
      case I32:
      case F32:
        I[at] = args[j++] as number;
        break;
      case I64:
        I[at] = args[j++] as number;
        I[at + 1] = args[j++] as number;
        break;
      case F64:
        I[at] = f64lo(args[j++] as number);
        I[at + 1] = R64.hi;
        break;
      case V128:
        for (let w = 0; w < 4; w++) I[at + w] = args[j++] as number;
        at += 2;
        break;
      default:
        R[at >> 1] = args[j++];
    }
  }
  M.stubCall(f, b);
  if (TAIL.f !== null) return tramp ? trampoline(dp) : 0;
  const rs = t.results;
  if (!resultsInMV(rs)) {
    switch (rs[0]) {
      case I32:
      case F32:
        return I[b];
      case I64:
        RH[0] = I[b + 1];
        return I[b];
      case F64:
        return f64of(I[b], I[b + 1]);
      default:
        return R[b >> 1];
    }
  }
  for (let k = 0; k < 2 * t.resultSlots; k++) MI[k] = I[b + k];
  for (let k = 0; k < t.resultSlots; k++) MR[k] = R[(b >> 1) + k];
  return undefined;
}
function genericStub(this: FuncInst, dp: number, ...args: unknown[]): unknown {
  return genericAdapter(this, dp, args, true);
}
function genericStubNoTramp(
  this: FuncInst,
  dp: number,
  ...args: unknown[]
): unknown {
  return genericAdapter(this, dp, args, false);
}

/**
 * Writes results returned by the translated convention (r, RH, MI/MF/MR) to the interpreter
 * stack at b (after an OSR entry returns).
 */
export function writeResults(t: FuncType, r: unknown, b: number): void {
  const rs = t.results;
  const { I, R } = M;
  if (!resultsInMV(rs)) {
    switch (rs[0]) {
      case I32:
      case F32:
        I[b] = r as number;
        return;
      case I64:
        I[b] = r as number;
        I[b + 1] = RH[0];
        return;
      case F64:
        I[b] = f64lo(r as number);
        I[b + 1] = R64.hi;
        return;
      default:
        R[b >> 1] = r;
        return;
    }
  }
  for (let k = 0; k < 2 * t.resultSlots; k++) I[b + k] = MI[k];
  for (let k = 0; k < t.resultSlots; k++) R[(b >> 1) + k] = MR[k];
}

void trap;
