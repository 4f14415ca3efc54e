/**
 * The interpreter: one `switch` in a `for(;;)` over the compiled Int32Array code (ops.ts).
 *
 * Value stack: one shared ArrayBuffer with Int32/Float32/Float64 views, 8 bytes per slot; i32 and
 * f32 (raw bits) in the low word, i64 and f64 in both words (so NaN payloads survive moves);
 * references live in the parallel JS array `R` (index = slot). Wasm-to-wasm calls use an explicit
 * frame stack (no JS recursion); host calls are the only JS re-entry.
 *
 * Fuel: each instruction costs 1 except `block`, `loop`, `else`, `end` (0). It is charged per
 * basic block by FUEL ops; when the remaining fuel cannot cover a whole block the instance traps
 * before executing that block and its count is set to exactly the limit.
 * @module
 */
import { RuntimeError, trap } from "./errors.ts";
import * as O from "./ops.ts";
import { type Ctx, FuncInst, type MemInst } from "./runtime.ts";
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
import { warmUp } from "./warmup.ts";
import { SIMD_PC, simdOp } from "./simd.ts";
import { memcopy, memfill, meminit, tcopy, tfill, tinit } from "./bulk.ts";
import { SCRATCH, STACK_BUFFER, STACK_WORDS } from "./stack.ts";
import { fuelOpsOf } from "./compile.ts";
import {
  ACT,
  DS,
  FR,
  FS,
  fuelTrap as activationFuelTrap,
  MI,
  MR,
  pollInterrupt,
  setDepthLimit,
  setFuel,
} from "./jit/rt.ts";
import {
  bindMachine,
  invoker,
  osrEntry,
  promote,
  TAIL,
  trampoline,
  writeResults,
} from "./jit/tier.ts";
import {
  satS32,
  satS64,
  satU32,
  satU64,
  truncS32,
  truncS64,
  truncU32,
  truncU64,
} from "./convert.ts";
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
} from "./i64.ts";

// the frames stay below the JS tier's SIMD scratch (stack.ts)
const STACK_LIMIT = SCRATCH - 64;
const MAX_NEST = 200; // host->guest re-entrancy depth
/** Default maximum number of wasm frames. */
export const DEFAULT_MAX_CALL_DEPTH = 20000;

const buffer = STACK_BUFFER;
const I = new Int32Array(buffer);
const Fs = new Float32Array(buffer);
const F = new Float64Array(buffer);
const R: unknown[] = new Array(STACK_WORDS / 2).fill(null);

let SP = 0; // first free Int32 index of the shared stack
// frames in use: DS[0] (shared with the JS tier, jit/rt.ts); the frame limits: DS[1], DS[2]
let NEST = 0;
const frPc: number[] = [];
const frFp: number[] = [];
const frFn: FuncInst[] = [];

const jsOf = new WeakMap<object, FuncInst>();

/** Returns the FuncInst behind an exported wasm function object, if it is one. */
export function funcInstOf(f: unknown): FuncInst | undefined {
  return typeof f === "function" ? jsOf.get(f) : undefined;
}

/** Returns (creating once) the JS function object for a function instance: identity is stable. */
export function jsFunction(f: FuncInst): (...args: unknown[]) => unknown {
  if (f.js) return f.js;
  const fn = function (...args: unknown[]): unknown {
    return invokeJS(f, args);
  };
  Object.defineProperty(fn, "name", { value: String(f.index) });
  Object.defineProperty(fn, "length", { value: f.type.params.length });
  f.js = fn;
  jsOf.set(fn, f);
  return fn;
}

/** Converts a JS value to a reference of type t for the store (funcref: FuncInst|null). */
export function refFromJS(t: ValType, v: unknown): unknown {
  if (t === EXTERNREF) return v;
  if (v === null) return null;
  const fi = funcInstOf(v);
  if (!fi) {
    throw new TypeError(
      "funcref value must be null or an exported WebAssembly function",
    );
  }
  return fi;
}

/** Converts a stored reference to its JS value. */
export function refToJS(t: ValType, v: unknown): unknown {
  if (t === FUNCREF) return v === null ? null : jsFunction(v as FuncInst);
  return v;
}

/** JS API ToBigInt64: Numbers are a TypeError (as in the standard API). */
export function toBigInt64(v: unknown): bigint {
  if (typeof v === "bigint") return BigInt.asIntN(64, v);
  if (typeof v === "number") {
    throw new TypeError(`cannot convert a Number to i64 (BigInt expected)`);
  }
  return BigInt.asIntN(64, BigInt(v as string));
}

/** The JS API's TypeError for a v128 crossing to or from JavaScript. */
function v128Error(): never {
  throw new TypeError("a v128 value cannot cross the JavaScript boundary");
}

function writeJS(t: ValType, v: unknown, i: number): void {
  switch (t) {
    case V128:
      return v128Error();
    case I32:
      I[i] = +(v as number) | 0;
      return;
    case I64: {
      const b = toBigInt64(v);
      I[i] = Number(BigInt.asIntN(32, b));
      I[i + 1] = Number(BigInt.asIntN(32, b >> 32n));
      return;
    }
    case F32:
      Fs[i] = +(v as number);
      return;
    case F64:
      F[i >> 1] = +(v as number);
      return;
    default:
      R[i >> 1] = refFromJS(t, v);
  }
}

function readJS(t: ValType, i: number): unknown {
  switch (t) {
    case V128:
      return v128Error();
    case I32:
      return I[i];
    case I64:
      return BigInt.asIntN(64, (BigInt(I[i + 1]) << 32n) | BigInt(I[i] >>> 0));
    case F32:
      return Fs[i];
    case F64:
      return F[i >> 1];
    default:
      return refToJS(t, R[i >> 1]);
  }
}

/**
 * Raw value for the testing API: numbers as exact bit patterns. A v128 is its four 32-bit words
 * (lane bytes little-endian): `lo`, `hi`, and the upper two in `ref` as `[w2, w3]`.
 */
export interface RawSlot {
  lo: number;
  hi: number;
  ref: unknown;
}

/** Calls a function with raw arguments (bit patterns) and returns raw results. */
export function invokeRawSlots(f: FuncInst, args: RawSlot[]): RawSlot[] {
  const base = SP;
  const t = f.type;
  if (base + 4 * args.length + 64 > STACK_LIMIT) {
    trap("call stack exhausted", "call-depth");
  }
  let at = base;
  for (let k = 0; k < args.length; k++) {
    I[at] = args[k].lo;
    I[at + 1] = args[k].hi;
    if (t.params[k] === V128) {
      const up = args[k].ref as number[];
      I[at + 2] = up[0];
      I[at + 3] = up[1];
      at += 4;
    } else {
      R[at >> 1] = args[k].ref;
      at += 2;
    }
  }
  SP = at;
  try {
    callFromHost(f);
    const out: RawSlot[] = [];
    at = base;
    for (let k = 0; k < t.results.length; k++) {
      if (t.results[k] === V128) {
        out.push({ lo: I[at], hi: I[at + 1], ref: [I[at + 2], I[at + 3]] });
        at += 4;
      } else {
        out.push({ lo: I[at], hi: I[at + 1], ref: R[at >> 1] });
        at += 2;
      }
    }
    return out;
  } finally {
    SP = base;
  }
}

/** Calls a function with JS arguments (JS API conversions) and returns the JS result. */
export function invokeJS(f: FuncInst, args: unknown[]): unknown {
  const t = f.type;
  // JS API: calling an exported function whose type has a v128 is a TypeError
  if (t.v128) v128Error();
  if (f.host) {
    // a host function re-exported: call through
    const a: unknown[] = [];
    for (let k = 0; k < t.params.length; k++) a.push(args[k]);
    return f.host(...a);
  }
  const base = SP;
  if (base + 2 * t.params.length + 64 > STACK_LIMIT) {
    trap("call stack exhausted", "call-depth");
  }
  try {
    for (let k = 0; k < t.params.length; k++) {
      writeJS(t.params[k], args[k], base + 2 * k);
    }
    SP = base + 2 * t.params.length;
    callFromHost(f);
    const nr = t.results.length;
    if (nr === 0) return undefined;
    if (nr === 1) return readJS(t.results[0], base);
    const out: unknown[] = [];
    for (let k = 0; k < nr; k++) out.push(readJS(t.results[k], base + 2 * k));
    return out;
  } finally {
    SP = base;
  }
}

function callFromHost(f: FuncInst): void {
  warmUp(warmCall);
  if (NEST >= MAX_NEST) {
    trap("call stack exhausted: too many nested host calls", "call-depth");
  }
  const baseDepth = DS[0], outerJs = DS[1], outerLimit = DS[2];
  if (f.host) {
    NEST++;
    try {
      callHost(f, SP);
    } finally {
      NEST--;
      DS[0] = baseDepth;
    }
    return;
  }
  const outer = ACT.ctx;
  const ctx = f.ctx!;
  if (outer !== null) outer.fuel = FS[0] + FR[0];
  ACT.ctx = ctx;
  setFuel(ctx.fuel);
  setDepthLimit(baseDepth, ctx.maxCallDepth);
  NEST++;
  try {
    pollInterrupt();
    if (
      !f.jit &&
      (ctx.tier === "js" || (ctx.tier === "auto" && ++f.calls >= HOT_CALLS))
    ) promote(f);
    const b = SP - 2 * f.cf!.nparams;
    if (f.jit) invoker(f.type)(f, b);
    else {
      runToEnd(f, baseDepth);
      if (TAIL.f !== null) writeResults(f.type, trampoline(baseDepth), b);
    }
  } catch (e) {
    if (e instanceof RangeError && e !== HOST_ERROR) {
      // the JS stack overflowed, or translated code indexed a DataView out of bounds
      const deep = e.message.includes("call stack");
      throw new RuntimeError(
        deep
          ? "call stack exhausted: host stack overflow"
          : "out of bounds memory access",
        deep ? "call-depth" : "trap",
      );
    }
    throw e;
  } finally {
    NEST--;
    ctx.fuel = FS[0] + FR[0];
    ACT.ctx = outer;
    if (outer !== null) setFuel(outer.fuel);
    DS[0] = baseDepth;
    DS[1] = outerJs;
    DS[2] = outerLimit;
  }
}

/** Calls from the host into one wasm function before the auto tier translates it. */
const HOT_CALLS = 1000;

/** The host error being thrown through the engine (never turned into a trap). */
let HOST_ERROR: unknown = null;

/**
 * Runs wasm function f in the interpreter to its end (arguments at [SP - 2 np, SP)): re-enters
 * run() after each execution slice, polling the interrupt flag; in the auto tier, the function
 * running at a slice's end is translated and its frame goes on in translated code (OSR).
 */
function runToEnd(f: FuncInst, baseDepth: number): void {
  if (run(f, baseDepth)) return;
  let last: FuncInst | null = null;
  for (;;) {
    pollInterrupt();
    const cur = RS_CUR!;
    if (cur.ctx!.tier === "auto") {
      // a function sampled once is translated for its next calls; its frame goes on in
      // translated code only if it is still the one running at the next slice's end (a long
      // loop): each entry point translated costs a compilation
      if (!cur.jit) promote(cur);
      else if (last === cur && osr(baseDepth)) return;
      last = cur;
    }
    if (run(f, baseDepth, true)) return;
  }
}

/**
 * Continues the frame that ended the last slice (RS_*) in translated code, from the basic block
 * it stopped at, then returns from it into its caller's frame as RETURN does. True when that
 * frame was the activation's first (the activation is over).
 */
function osr(baseDepth: number): boolean {
  const f = RS_CUR!;
  let ops = fuelOps.get(f.cf!);
  if (ops === undefined) {
    ops = fuelOpsOf(f.ctx!.cm!, f.index);
    fuelOps.set(f.cf!, ops);
  }
  const k = ops.indexOf(RS_PC - f.cf!.start);
  if (k < 0 || RS_DEPTH >= DS[1] || !promote(f)) return false;
  const entry = osrEntry(f, k);
  if (entry === null) return false;
  // read before the entry runs: a callee the interpreter runs from it (an adapter's runToEnd)
  // ends slices of its own, which set RS_* again
  const fp = RS_FP, frameDepth = RS_DEPTH;
  DS[0] = frameDepth;
  SP = RS_SP;
  const r = entry(fp, frameDepth);
  writeResults(f.type, r, fp);
  const nr = f.type.resultSlots;
  if (frameDepth === baseDepth) {
    SP = fp + 2 * nr;
    return true;
  }
  const depth = frameDepth - 1;
  RS_PC = frPc[depth];
  RS_FP = frFp[depth];
  RS_CUR = frFn[depth];
  RS_SP = fp + 2 * nr;
  RS_DEPTH = depth;
  return false;
}

/** Where each function's basic blocks start in its compiled code (OSR), once computed. */
const fuelOps = new WeakMap<object, number[]>();

/** Room check for an adapter's arguments; returns the interpreter stack's first free word. */
function stubBase(np: number): number {
  if (SP + 2 * np + 64 > STACK_LIMIT) {
    trap("call stack exhausted", "call-depth");
  }
  return SP;
}

/** Runs f (host or interpreter) on the arguments at [b, b + 2 np); results left at b. */
function stubCall(f: FuncInst, b: number): void {
  SP = b + 2 * f.type.paramSlots;
  try {
    if (f.host) callHost(f, SP);
    else runToEnd(f, DS[0]);
  } finally {
    SP = b;
  }
}

bindMachine({ I, F, R, base: stubBase, stubCall });

/** Calls host function f with args at [sp - 2*np, sp); writes results from sp - 2*np. Returns new sp. */
function callHost(f: FuncInst, sp: number): number {
  const t = f.type;
  // JS API: a host function whose type has a v128 throws a TypeError when called
  if (t.v128) v128Error();
  const np = t.params.length;
  const base = sp - 2 * np;
  const args: unknown[] = new Array(np);
  for (let k = 0; k < np; k++) args[k] = readJS(t.params[k], base + 2 * k);
  SP = sp;
  let ret: unknown;
  try {
    ret = f.host!(...args);
  } catch (e) {
    HOST_ERROR = e;
    throw e;
  }
  SP = base;
  const nr = t.results.length;
  if (base + 2 * nr > STACK_LIMIT) trap("call stack exhausted", "call-depth");
  try {
    // converting the result runs host code too (valueOf, iterators): its errors are the host's
    if (nr === 1) writeJS(t.results[0], ret, base);
    else if (nr > 1) {
      if (
        ret === null || typeof ret !== "object" ||
        !(Symbol.iterator in (ret as object))
      ) {
        throw new TypeError(
          "multi-value host function must return an iterable",
        );
      }
      const vs = Array.from(ret as Iterable<unknown>);
      if (vs.length !== nr) {
        throw new TypeError(
          "multi-value host function returned the wrong number of values",
        );
      }
      for (let k = 0; k < nr; k++) writeJS(t.results[k], vs[k], base + 2 * k);
    }
  } catch (e) {
    HOST_ERROR = e;
    throw e;
  }
  return base + 2 * nr;
}

/** Total steps used by the given context. */
export function stepsOf(ctx: Ctx): number {
  return ctx.fuelStart - ctx.fuel;
}

function fuelTrap(_ctx: Ctx): never {
  return activationFuelTrap(ACT.ctx!);
}

function oobMem(): never {
  throw new RuntimeError("out of bounds memory access");
}

function oobTable(): never {
  throw new RuntimeError("out of bounds table access");
}

/** Load/store on an arbitrary memory (MEM_N). Returns the new sp. */
function memN(op: number, off: number, mem: MemInst, sp: number): number {
  const dv = mem.dv;
  const len = dv.byteLength;
  if (op <= 0x35) {
    const a = (I[sp - 2] >>> 0) + off;
    const i = sp - 2;
    switch (op) {
      case 0x28:
        if (a + 4 > len) oobMem();
        I[i] = dv.getInt32(a, true);
        break;
      case 0x29:
        if (a + 8 > len) oobMem();
        I[i] = dv.getInt32(a, true);
        I[i + 1] = dv.getInt32(a + 4, true);
        break;
      case 0x2c:
        if (a + 1 > len) oobMem();
        I[i] = dv.getInt8(a);
        break;
      case 0x2d:
        if (a + 1 > len) oobMem();
        I[i] = dv.getUint8(a);
        break;
      case 0x2e:
        if (a + 2 > len) oobMem();
        I[i] = dv.getInt16(a, true);
        break;
      case 0x2f:
        if (a + 2 > len) oobMem();
        I[i] = dv.getUint16(a, true);
        break;
      case 0x30:
        if (a + 1 > len) oobMem();
        I[i] = dv.getInt8(a);
        I[i + 1] = I[i] >> 31;
        break;
      case 0x31:
        if (a + 1 > len) oobMem();
        I[i] = dv.getUint8(a);
        I[i + 1] = 0;
        break;
      case 0x32:
        if (a + 2 > len) oobMem();
        I[i] = dv.getInt16(a, true);
        I[i + 1] = I[i] >> 31;
        break;
      case 0x33:
        if (a + 2 > len) oobMem();
        I[i] = dv.getUint16(a, true);
        I[i + 1] = 0;
        break;
      case 0x34:
        if (a + 4 > len) oobMem();
        I[i] = dv.getInt32(a, true);
        I[i + 1] = I[i] >> 31;
        break;
      case 0x35:
        if (a + 4 > len) oobMem();
        I[i] = dv.getInt32(a, true);
        I[i + 1] = 0;
        break;
    }
    return sp;
  }
  sp -= 4;
  const a = (I[sp] >>> 0) + off;
  const v = I[sp + 2];
  switch (op) {
    case 0x36:
      if (a + 4 > len) oobMem();
      dv.setInt32(a, v, true);
      break;
    case 0x37:
      if (a + 8 > len) oobMem();
      dv.setInt32(a, v, true);
      dv.setInt32(a + 4, I[sp + 3], true);
      break;
    case 0x3a:
    case 0x3c:
      if (a + 1 > len) oobMem();
      dv.setInt8(a, v);
      break;
    case 0x3b:
    case 0x3d:
      if (a + 2 > len) oobMem();
      dv.setInt16(a, v, true);
      break;
    case 0x3e:
      if (a + 4 > len) oobMem();
      dv.setInt32(a, v, true);
      break;
  }
  return sp;
}

const EMPTY_U8 = new Uint8Array(0);
const EMPTY: unknown[] = [];

// state saved when run() yields at the end of a fuel slice (resumed by runToEnd); any run that
// yields overwrites it, nested ones (a call through an adapter) included: read it before running code
let RS_PC = 0, RS_FP = 0, RS_SP = 0, RS_DEPTH = 0;
let RS_CUR: FuncInst | null = null;
/** Instructions per execution slice (run() yields to its caller between slices). */
const SLICE = O.SLICE;

/**
 * Runs wasm function f whose arguments are at [SP - 2*nparams, SP); results are left at the
 * argument position. Frames above baseDepth belong to this activation.
 */
function run(f: FuncInst, baseDepth: number, resume = false): boolean {
  const i32 = I, f32 = Fs, f64 = F, rf = R;
  const entryCtx = f.ctx!;
  let ctx = entryCtx;
  let cur = f;
  const cf = f.cf!;
  let code = cf.code;
  let fp = SP - 2 * cf.nparams;
  let sp = fp + 2 * cf.nlocals;
  if (sp + 2 * cf.maxHeight > STACK_LIMIT) {
    trap("call stack exhausted", "call-depth");
  }
  for (let k = SP; k < sp; k++) i32[k] = 0;
  for (let k = 0; k < cf.refLocals.length; k += 2) {
    for (let j = fp + cf.refLocals[k]; j < fp + cf.refLocals[k + 1]; j += 2) {
      rf[j >> 1] = null;
    }
  }
  let pc = cf.start;
  let depth = DS[0];
  // fuel is split into a Smi-range counter (fast) and a reserve; total = fuel + reserve
  // a resumed run starts a new slice; a new one goes on with the caller's
  let fuel = FS[0], reserve = FR[0];
  if (fuel > SLICE) {
    reserve += fuel - SLICE;
    fuel = SLICE;
  }
  if (resume) {
    fuel += reserve;
    reserve = fuel > SLICE ? fuel - SLICE : 0;
    fuel -= reserve;
  }
  let funcs = ctx.funcs;
  let globals = ctx.globals;
  let mem0: MemInst = ctx.mems[0];
  let dv: DataView = mem0 ? mem0.dv : new DataView(new ArrayBuffer(0));
  let memLen = dv.byteLength;
  let a = 0, b = 0, n = 0, x = 0, y = 0;
  let inHost = false;
  if (resume) {
    cur = RS_CUR!;
    ctx = cur.ctx!;
    code = cur.cf!.code;
    fp = RS_FP;
    sp = RS_SP;
    pc = RS_PC;
    depth = RS_DEPTH;
    funcs = ctx.funcs;
    globals = ctx.globals;
    mem0 = ctx.mems[0];
    if (mem0) {
      dv = mem0.dv;
      memLen = dv.byteLength;
    }
  }
  try {
    for (;;) {
      const op = code[pc++];
      switch (op) {
        case 0x100: // FUEL
          n = code[pc++];
          if ((fuel -= n) < 0) {
            if (reserve > 0 && n <= SLICE) {
              fuel += n;
              RS_PC = pc - 2;
              RS_FP = fp;
              RS_SP = SP = sp;
              RS_DEPTH = depth;
              RS_CUR = cur;
              return false;
            }
            if (reserve > 0) {
              x = reserve > SLICE ? SLICE : reserve;
              reserve -= x;
              fuel += x;
            }
            if (fuel < 0) {
              fuel = reserve = 0;
              fuelTrap(entryCtx);
            }
          }
          break;
        case 0x101: // JMP
          pc = code[pc];
          break;
        case 0x102: // BR
        case 0x103: { // BR_R
          const target = code[pc];
          const dst = fp + code[pc + 1];
          n = code[pc + 2];
          const src = sp - 2 * n;
          for (let k = 0; k < 2 * n; k++) i32[dst + k] = i32[src + k];
          if (op === O.BR_R) {
            for (let k = 0; k < n; k++) {
              rf[(dst >> 1) + k] = rf[(src >> 1) + k];
            }
          }
          sp = dst + 2 * n;
          pc = target;
          break;
        }
        case 0x104: // BR_IF
          sp -= 2;
          if (i32[sp] !== 0) pc = code[pc];
          else pc++;
          break;
        case 0x105: // BR_IF_COPY
          sp -= 2;
          if (i32[sp] !== 0) {
            const target = code[pc];
            const dst = fp + code[pc + 1];
            n = code[pc + 2];
            const src = sp - 2 * n;
            for (let k = 0; k < 2 * n; k++) i32[dst + k] = i32[src + k];
            if (code[pc + 3]) {
              for (let k = 0; k < n; k++) {
                rf[(dst >> 1) + k] = rf[(src >> 1) + k];
              }
            }
            sp = dst + 2 * n;
            pc = target;
          } else pc += 4;
          break;
        case 0x106: // IF
          sp -= 2;
          if (i32[sp] === 0) pc = code[pc];
          else pc++;
          break;
        case 0x107: { // BR_TABLE
          n = code[pc];
          sp -= 2;
          let i = i32[sp] >>> 0;
          if (i > n) i = n;
          const e = pc + 2 + 3 * i;
          const cnt = code[e + 2];
          if (cnt >= 0) {
            const dst = fp + code[e + 1];
            const src = sp - 2 * cnt;
            if (dst !== src) {
              for (let k = 0; k < 2 * cnt; k++) i32[dst + k] = i32[src + k];
              if (code[pc + 1]) {
                for (let k = 0; k < cnt; k++) {
                  rf[(dst >> 1) + k] = rf[(src >> 1) + k];
                }
              }
            }
            sp = dst + 2 * cnt;
          }
          pc = code[e];
          break;
        }
        case 0x108: { // RETURN
          n = code[pc];
          const src = sp - 2 * n;
          if (src !== fp) {
            for (let k = 0; k < 2 * n; k++) i32[fp + k] = i32[src + k];
            if (code[pc + 1]) {
              for (let k = 0; k < n; k++) {
                rf[(fp >> 1) + k] = rf[(src >> 1) + k];
              }
            }
          }
          sp = fp + 2 * n;
          if (depth === baseDepth) {
            SP = sp;
            return true;
          }
          depth--;
          pc = frPc[depth];
          fp = frFp[depth];
          cur = frFn[depth];
          code = cur.cf!.code;
          if (cur.ctx !== ctx) {
            ctx = cur.ctx!;
            funcs = ctx.funcs;
            globals = ctx.globals;
            mem0 = ctx.mems[0];
          }
          if (mem0) {
            dv = mem0.dv;
            memLen = dv.byteLength;
          }
          break;
        }
        case 0x109: // CALL
        case 0x10a: // CALL_INDIRECT
        case 0x10b: // RETURN_CALL
        case 0x10c: { // RETURN_CALL_INDIRECT
          let callee: FuncInst;
          if (op === O.CALL || op === O.RETURN_CALL) {
            callee = funcs[code[pc++]];
          } else {
            const ti = code[pc++];
            const tab = ctx.tables[code[pc++]];
            sp -= 2;
            const i = i32[sp] >>> 0;
            if (i >= tab.elems.length) trap("undefined element");
            const e = tab.elems[i] as FuncInst | null;
            if (e === null) trap("uninitialized element");
            if (e.typeId !== ctx.typeIds[ti]) {
              trap("indirect call type mismatch");
            }
            callee = e;
          }
          const tail = op === O.RETURN_CALL || op === O.RETURN_CALL_INDIRECT;
          if (tail && callee.jit && depth === baseDepth) {
            // the activation's first frame tail-calls translated code: hand the call to the
            // trampoline of whoever entered this run (stubCall, callFromHost), so chains of
            // tail calls across the tiers do not grow the JS stack
            n = callee.type.paramSlots;
            const src = sp - 2 * n;
            for (let k = 0; k < 2 * n; k++) MI[k] = i32[src + k];
            for (let k = 0; k < n; k++) MR[k] = rf[(src >> 1) + k];
            TAIL.f = callee;
            SP = fp;
            return true;
          }
          if (
            callee.host ||
            (callee.jit
              ? depth < DS[1]
              : callee.ctx!.tier === "js" && depth < DS[1] && promote(callee))
          ) {
            FS[0] = fuel;
            FR[0] = reserve;
            DS[0] = depth;
            inHost = true;
            if (callee.host) sp = callHost(callee, sp);
            else {
              // translated code: one more frame, as a call in this tier
              DS[0] = tail ? depth : depth + 1;
              SP = sp;
              n = 2 * callee.type.paramSlots;
              invoker(callee.type)(callee, sp - n);
              sp = sp - n + 2 * callee.type.resultSlots;
              DS[0] = depth;
            }
            inHost = false;
            // the slice goes on (not a fresh one): slices must end for the auto tier to sample
            fuel = FS[0];
            reserve = FR[0];
            if (fuel > SLICE) {
              // translated code's longer slice: the interpreter yields at its own
              reserve += fuel - SLICE;
              fuel = SLICE;
            }
            if (mem0) {
              dv = mem0.dv;
              memLen = dv.byteLength;
            }
            if (tail) {
              // return the host results
              n = callee.type.resultSlots;
              const src = sp - 2 * n;
              if (src !== fp) {
                for (let k = 0; k < 2 * n; k++) i32[fp + k] = i32[src + k];
                for (let k = 0; k < n; k++) {
                  rf[(fp >> 1) + k] = rf[(src >> 1) + k];
                }
              }
              sp = fp + 2 * n;
              if (depth === baseDepth) {
                SP = sp;
                return true;
              }
              depth--;
              pc = frPc[depth];
              fp = frFp[depth];
              cur = frFn[depth];
              code = cur.cf!.code;
              if (cur.ctx !== ctx) {
                ctx = cur.ctx!;
                funcs = ctx.funcs;
                globals = ctx.globals;
                mem0 = ctx.mems[0];
              }
              if (mem0) {
                dv = mem0.dv;
                memLen = dv.byteLength;
              }
            }
            break;
          }
          const ncf = callee.cf!;
          if (tail) {
            const np2 = 2 * ncf.nparams;
            const src = sp - np2;
            if (src !== fp) {
              for (let k = 0; k < np2; k++) i32[fp + k] = i32[src + k];
              for (let k = 0; k < ncf.nparams; k++) {
                rf[(fp >> 1) + k] = rf[(src >> 1) + k];
              }
            }
            sp = fp + np2;
          } else {
            if (depth >= DS[2]) {
              trap("call stack exhausted", "call-depth");
            }
            frPc[depth] = pc;
            frFp[depth] = fp;
            frFn[depth] = cur;
            depth++;
            fp = sp - 2 * ncf.nparams;
          }
          const nsp = fp + 2 * ncf.nlocals;
          if (nsp + 2 * ncf.maxHeight > STACK_LIMIT) {
            trap("call stack exhausted", "call-depth");
          }
          for (let k = sp; k < nsp; k++) i32[k] = 0;
          sp = nsp;
          const rl = ncf.refLocals;
          for (let k = 0; k < rl.length; k += 2) {
            for (let j = fp + rl[k]; j < fp + rl[k + 1]; j += 2) {
              rf[j >> 1] = null;
            }
          }
          cur = callee;
          code = ncf.code;
          pc = ncf.entryPc;
          if (ncf.entryFuel !== 0 && (fuel -= ncf.entryFuel) < 0) {
            if (
              entryCtx.interrupt !== null &&
              Atomics.load(entryCtx.interrupt, 0) !== 0
            ) {
              fuel += ncf.entryFuel;
              throw new RuntimeError("interrupted", "interrupted");
            }
            if (reserve > 0) {
              x = reserve > SLICE ? SLICE : reserve;
              reserve -= x;
              fuel += x;
            }
            if (fuel < 0) {
              fuel = reserve = 0;
              fuelTrap(entryCtx);
            }
          }
          if (callee.ctx !== ctx) {
            ctx = callee.ctx!;
            funcs = ctx.funcs;
            globals = ctx.globals;
            mem0 = ctx.mems[0];
            if (mem0) {
              dv = mem0.dv;
              memLen = dv.byteLength;
            }
          }
          break;
        }
        case 0x10d: // DROP
          sp -= 2;
          break;
        case 0x10e: // SELECT
          sp -= 4;
          if (i32[sp + 2] === 0) {
            i32[sp - 2] = i32[sp];
            i32[sp - 1] = i32[sp + 1];
          }
          break;
        case 0x110: // LOCAL_GET32
          i32[sp] = i32[fp + code[pc++]];
          sp += 2;
          break;
        case 0x111: // LOCAL_GET64
          a = fp + code[pc++];
          i32[sp] = i32[a];
          i32[sp + 1] = i32[a + 1];
          sp += 2;
          break;
        case 0x113: // LOCAL_SET32
          sp -= 2;
          i32[fp + code[pc++]] = i32[sp];
          break;
        case 0x114: // LOCAL_SET64
          sp -= 2;
          a = fp + code[pc++];
          i32[a] = i32[sp];
          i32[a + 1] = i32[sp + 1];
          break;
        case 0x116: // LOCAL_TEE32
          i32[fp + code[pc++]] = i32[sp - 2];
          break;
        case 0x117: // LOCAL_TEE64
          a = fp + code[pc++];
          i32[a] = i32[sp - 2];
          i32[a + 1] = i32[sp - 1];
          break;
        case 0x119: { // GLOBAL_GET
          const g = globals[code[pc++]];
          i32[sp] = g.lo;
          i32[sp + 1] = g.hi;
          sp += 2;
          break;
        }
        case 0x11a: { // GLOBAL_SET
          const g = globals[code[pc++]];
          sp -= 2;
          g.lo = i32[sp];
          g.hi = i32[sp + 1];
          break;
        }
        case 0x11d: // CONST32
          i32[sp] = code[pc++];
          sp += 2;
          break;
        case 0x11e: // CONST64
          i32[sp] = code[pc];
          i32[sp + 1] = code[pc + 1];
          pc += 2;
          sp += 2;
          break;

        // ---- memory (memory 0) ----
        case 0x28:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 4 > memLen) oobMem();
          i32[sp - 2] = dv.getInt32(a, true);
          break;
        case 0x29:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 8 > memLen) oobMem();
          i32[sp - 2] = dv.getInt32(a, true);
          i32[sp - 1] = dv.getInt32(a + 4, true);
          break;
        case 0x2c:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a >= memLen) oobMem();
          i32[sp - 2] = dv.getInt8(a);
          break;
        case 0x2d:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a >= memLen) oobMem();
          i32[sp - 2] = dv.getUint8(a);
          break;
        case 0x2e:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 2 > memLen) oobMem();
          i32[sp - 2] = dv.getInt16(a, true);
          break;
        case 0x2f:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 2 > memLen) oobMem();
          i32[sp - 2] = dv.getUint16(a, true);
          break;
        case 0x30:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a >= memLen) oobMem();
          i32[sp - 2] = x = dv.getInt8(a);
          i32[sp - 1] = x >> 31;
          break;
        case 0x31:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a >= memLen) oobMem();
          i32[sp - 2] = dv.getUint8(a);
          i32[sp - 1] = 0;
          break;
        case 0x32:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 2 > memLen) oobMem();
          i32[sp - 2] = x = dv.getInt16(a, true);
          i32[sp - 1] = x >> 31;
          break;
        case 0x33:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 2 > memLen) oobMem();
          i32[sp - 2] = dv.getUint16(a, true);
          i32[sp - 1] = 0;
          break;
        case 0x34:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 4 > memLen) oobMem();
          i32[sp - 2] = x = dv.getInt32(a, true);
          i32[sp - 1] = x >> 31;
          break;
        case 0x35:
          a = (i32[sp - 2] >>> 0) + (code[pc++] >>> 0);
          if (a + 4 > memLen) oobMem();
          i32[sp - 2] = dv.getInt32(a, true);
          i32[sp - 1] = 0;
          break;
        case 0x36:
          sp -= 4;
          a = (i32[sp] >>> 0) + (code[pc++] >>> 0);
          if (a + 4 > memLen) oobMem();
          dv.setInt32(a, i32[sp + 2], true);
          break;
        case 0x37:
          sp -= 4;
          a = (i32[sp] >>> 0) + (code[pc++] >>> 0);
          if (a + 8 > memLen) oobMem();
          dv.setInt32(a, i32[sp + 2], true);
          dv.setInt32(a + 4, i32[sp + 3], true);
          break;
        case 0x3a:
        case 0x3c:
          sp -= 4;
          a = (i32[sp] >>> 0) + (code[pc++] >>> 0);
          if (a >= memLen) oobMem();
          dv.setInt8(a, i32[sp + 2]);
          break;
        case 0x3b:
        case 0x3d:
          sp -= 4;
          a = (i32[sp] >>> 0) + (code[pc++] >>> 0);
          if (a + 2 > memLen) oobMem();
          dv.setInt16(a, i32[sp + 2], true);
          break;
        case 0x3e:
          sp -= 4;
          a = (i32[sp] >>> 0) + (code[pc++] >>> 0);
          if (a + 4 > memLen) oobMem();
          dv.setInt32(a, i32[sp + 2], true);
          break;
        case 0x3f: // MEMORY_SIZE
          i32[sp] = ctx.mems[code[pc++]].pages;
          sp += 2;
          break;
        case 0x40: // MEMORY_GROW
          i32[sp - 2] = ctx.mems[code[pc++]].grow(i32[sp - 2] >>> 0);
          if (mem0) {
            dv = mem0.dv;
            memLen = dv.byteLength;
          }
          break;

        // ---- i32 ----
        case 0x45:
          i32[sp - 2] = i32[sp - 2] === 0 ? 1 : 0;
          break;
        case 0x46:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] === i32[sp] ? 1 : 0;
          break;
        case 0x47:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] !== i32[sp] ? 1 : 0;
          break;
        case 0x48:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] < i32[sp] ? 1 : 0;
          break;
        case 0x49:
          sp -= 2;
          i32[sp - 2] = (i32[sp - 2] ^ -2147483648) < (i32[sp] ^ -2147483648)
            ? 1
            : 0;
          break;
        case 0x4a:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] > i32[sp] ? 1 : 0;
          break;
        case 0x4b:
          sp -= 2;
          i32[sp - 2] = (i32[sp - 2] ^ -2147483648) > (i32[sp] ^ -2147483648)
            ? 1
            : 0;
          break;
        case 0x4c:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] <= i32[sp] ? 1 : 0;
          break;
        case 0x4d:
          sp -= 2;
          i32[sp - 2] = (i32[sp - 2] ^ -2147483648) <= (i32[sp] ^ -2147483648)
            ? 1
            : 0;
          break;
        case 0x4e:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] >= i32[sp] ? 1 : 0;
          break;
        case 0x4f:
          sp -= 2;
          i32[sp - 2] = (i32[sp - 2] ^ -2147483648) >= (i32[sp] ^ -2147483648)
            ? 1
            : 0;
          break;
        // ---- i64 compare ----
        case 0x50:
          i32[sp - 2] = (i32[sp - 2] | i32[sp - 1]) === 0 ? 1 : 0;
          break;
        case 0x51:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] === i32[sp] && i32[sp - 1] === i32[sp + 1]
            ? 1
            : 0;
          break;
        case 0x52:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] !== i32[sp] || i32[sp - 1] !== i32[sp + 1]
            ? 1
            : 0;
          break;
        case 0x53: // lt_s
        case 0x54: // lt_u
        case 0x55: // gt_s
        case 0x56: // gt_u
        case 0x57: // le_s
        case 0x58: // le_u
        case 0x59: // ge_s
        case 0x5a: { // ge_u
          sp -= 2;
          const ah = i32[sp - 1], bh = i32[sp + 1];
          let cmp: number; // -1, 0, 1
          if (ah !== bh) {
            if (op & 1) cmp = ah < bh ? -1 : 1; // signed ops are odd: 0x53,0x55,0x57,0x59
            else cmp = (ah ^ -2147483648) < (bh ^ -2147483648) ? -1 : 1;
          } else {
            const al = i32[sp - 2] >>> 0, bl = i32[sp] >>> 0;
            cmp = al < bl ? -1 : al > bl ? 1 : 0;
          }
          const k = (op - 0x53) >> 1; // 0 lt, 1 gt, 2 le, 3 ge
          i32[sp - 2] = (k === 0
              ? cmp < 0
              : k === 1
              ? cmp > 0
              : k === 2
              ? cmp <= 0
              : cmp >= 0)
            ? 1
            : 0;
          break;
        }
        // ---- f32 compare ----
        case 0x5b:
          sp -= 2;
          i32[sp - 2] = f32[sp - 2] === f32[sp] ? 1 : 0;
          break;
        case 0x5c:
          sp -= 2;
          i32[sp - 2] = f32[sp - 2] !== f32[sp] ? 1 : 0;
          break;
        case 0x5d:
          sp -= 2;
          i32[sp - 2] = f32[sp - 2] < f32[sp] ? 1 : 0;
          break;
        case 0x5e:
          sp -= 2;
          i32[sp - 2] = f32[sp - 2] > f32[sp] ? 1 : 0;
          break;
        case 0x5f:
          sp -= 2;
          i32[sp - 2] = f32[sp - 2] <= f32[sp] ? 1 : 0;
          break;
        case 0x60:
          sp -= 2;
          i32[sp - 2] = f32[sp - 2] >= f32[sp] ? 1 : 0;
          break;
        // ---- f64 compare ----
        case 0x61:
          sp -= 2;
          i32[sp - 2] = f64[(sp - 2) >> 1] === f64[sp >> 1] ? 1 : 0;
          break;
        case 0x62:
          sp -= 2;
          i32[sp - 2] = f64[(sp - 2) >> 1] !== f64[sp >> 1] ? 1 : 0;
          break;
        case 0x63:
          sp -= 2;
          i32[sp - 2] = f64[(sp - 2) >> 1] < f64[sp >> 1] ? 1 : 0;
          break;
        case 0x64:
          sp -= 2;
          i32[sp - 2] = f64[(sp - 2) >> 1] > f64[sp >> 1] ? 1 : 0;
          break;
        case 0x65:
          sp -= 2;
          i32[sp - 2] = f64[(sp - 2) >> 1] <= f64[sp >> 1] ? 1 : 0;
          break;
        case 0x66:
          sp -= 2;
          i32[sp - 2] = f64[(sp - 2) >> 1] >= f64[sp >> 1] ? 1 : 0;
          break;
        // ---- i32 arithmetic ----
        case 0x67:
          i32[sp - 2] = Math.clz32(i32[sp - 2]);
          break;
        case 0x68:
          i32[sp - 2] = ctz32(i32[sp - 2]);
          break;
        case 0x69:
          i32[sp - 2] = popcnt32(i32[sp - 2]);
          break;
        case 0x6a:
          sp -= 2;
          i32[sp - 2] = (i32[sp - 2] + i32[sp]) | 0;
          break;
        case 0x6b:
          sp -= 2;
          i32[sp - 2] = (i32[sp - 2] - i32[sp]) | 0;
          break;
        case 0x6c:
          sp -= 2;
          i32[sp - 2] = Math.imul(i32[sp - 2], i32[sp]);
          break;
        case 0x6d:
          sp -= 2;
          b = i32[sp];
          a = i32[sp - 2];
          if (b === 0) {
            trap("integer divide by zero");
          }
          if (a === -2147483648 && b === -1) {
            trap("integer overflow");
          }
          i32[sp - 2] = (a / b) | 0;
          break;
        case 0x6e:
          sp -= 2;
          b = i32[sp] >>> 0;
          if (b === 0) {
            trap("integer divide by zero");
          }
          i32[sp - 2] = ((i32[sp - 2] >>> 0) / b) | 0;
          break;
        case 0x6f:
          sp -= 2;
          b = i32[sp];
          if (b === 0) {
            trap("integer divide by zero");
          }
          i32[sp - 2] = b === -1 ? 0 : (i32[sp - 2] % b) | 0;
          break;
        case 0x70:
          sp -= 2;
          b = i32[sp] >>> 0;
          if (b === 0) {
            trap("integer divide by zero");
          }
          i32[sp - 2] = ((i32[sp - 2] >>> 0) % b) | 0;
          break;
        case 0x71:
          sp -= 2;
          i32[sp - 2] &= i32[sp];
          break;
        case 0x72:
          sp -= 2;
          i32[sp - 2] |= i32[sp];
          break;
        case 0x73:
          sp -= 2;
          i32[sp - 2] ^= i32[sp];
          break;
        case 0x74:
          sp -= 2;
          i32[sp - 2] <<= i32[sp];
          break;
        case 0x75:
          sp -= 2;
          i32[sp - 2] >>= i32[sp];
          break;
        case 0x76:
          sp -= 2;
          i32[sp - 2] = i32[sp - 2] >>> i32[sp];
          break;
        case 0x77:
          sp -= 2;
          a = i32[sp - 2];
          b = i32[sp] & 31;
          i32[sp - 2] = (a << b) | (a >>> (32 - b));
          break;
        case 0x78:
          sp -= 2;
          a = i32[sp - 2];
          b = i32[sp] & 31;
          i32[sp - 2] = (a >>> b) | (a << (32 - b));
          break;
        // ---- i64 arithmetic ----
        case 0x7c:
          sp -= 2;
          x = (i32[sp - 2] >>> 0) + (i32[sp] >>> 0);
          i32[sp - 1] = (i32[sp - 1] + i32[sp + 1] + (x > 4294967295 ? 1 : 0)) |
            0;
          i32[sp - 2] = x | 0;
          break;
        case 0x7d:
          sp -= 2;
          x = (i32[sp - 2] >>> 0) - (i32[sp] >>> 0);
          i32[sp - 1] = (i32[sp - 1] - i32[sp + 1] - (x < 0 ? 1 : 0)) | 0;
          i32[sp - 2] = x | 0;
          break;
        case 0x7e:
          sp -= 2;
          i32[sp - 2] = mul64(i32[sp - 2], i32[sp - 1], i32[sp], i32[sp + 1]);
          i32[sp - 1] = R64.hi;
          break;
        case 0x83:
          sp -= 2;
          i32[sp - 2] &= i32[sp];
          i32[sp - 1] &= i32[sp + 1];
          break;
        case 0x84:
          sp -= 2;
          i32[sp - 2] |= i32[sp];
          i32[sp - 1] |= i32[sp + 1];
          break;
        case 0x85:
          sp -= 2;
          i32[sp - 2] ^= i32[sp];
          i32[sp - 1] ^= i32[sp + 1];
          break;
        case 0x86:
          sp -= 2;
          i32[sp - 2] = shl64(i32[sp - 2], i32[sp - 1], i32[sp]);
          i32[sp - 1] = R64.hi;
          break;
        case 0x87:
          sp -= 2;
          i32[sp - 2] = shrS64(i32[sp - 2], i32[sp - 1], i32[sp]);
          i32[sp - 1] = R64.hi;
          break;
        case 0x88:
          sp -= 2;
          i32[sp - 2] = shrU64(i32[sp - 2], i32[sp - 1], i32[sp]);
          i32[sp - 1] = R64.hi;
          break;
        case 0x89:
          sp -= 2;
          i32[sp - 2] = rotl64(i32[sp - 2], i32[sp - 1], i32[sp]);
          i32[sp - 1] = R64.hi;
          break;
        case 0x8a:
          sp -= 2;
          i32[sp - 2] = rotr64(i32[sp - 2], i32[sp - 1], i32[sp]);
          i32[sp - 1] = R64.hi;
          break;
        // ---- f32 arithmetic ----
        case 0x8b:
          i32[sp - 2] &= 0x7fffffff;
          break;
        case 0x8c:
          i32[sp - 2] ^= -2147483648;
          break;
        case 0x92:
          sp -= 2;
          f32[sp - 2] = f32[sp - 2] + f32[sp];
          break;
        case 0x93:
          sp -= 2;
          f32[sp - 2] = f32[sp - 2] - f32[sp];
          break;
        case 0x94:
          sp -= 2;
          f32[sp - 2] = f32[sp - 2] * f32[sp];
          break;
        case 0x95:
          sp -= 2;
          f32[sp - 2] = f32[sp - 2] / f32[sp];
          break;
        // ---- f64 arithmetic ----
        case 0x99:
          i32[sp - 1] &= 0x7fffffff;
          break;
        case 0x9a:
          i32[sp - 1] ^= -2147483648;
          break;
        case 0x9f:
          f64[(sp - 2) >> 1] = y = Math.sqrt(f64[(sp - 2) >> 1]);
          if (y !== y) {
            i32[sp - 1] |= 0x80000; // quiet a signalling NaN (V8 returns it unchanged)
          }
          break;
        case 0xa0:
          sp -= 2;
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] + f64[sp >> 1];
          break;
        case 0xa1:
          sp -= 2;
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] - f64[sp >> 1];
          break;
        case 0xa2:
          sp -= 2;
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] * f64[sp >> 1];
          break;
        case 0xa3:
          sp -= 2;
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] / f64[sp >> 1];
          break;
        // ---- conversions ----
        case 0xa7: // i32.wrap_i64: low word already in place
          break;
        case 0xaa:
          i32[sp - 2] = truncS32(f64[(sp - 2) >> 1]);
          break;
        case 0xac:
          i32[sp - 1] = i32[sp - 2] >> 31;
          break;
        case 0xad:
          i32[sp - 1] = 0;
          break;
        case 0xb2:
          f32[sp - 2] = i32[sp - 2];
          break;
        case 0xb7:
          f64[(sp - 2) >> 1] = i32[sp - 2];
          break;
        case 0xb8:
          f64[(sp - 2) >> 1] = i32[sp - 2] >>> 0;
          break;
        case 0xbb:
          y = f32[sp - 2];
          f64[(sp - 2) >> 1] = y;
          break;
        case 0xc0:
          i32[sp - 2] = (i32[sp - 2] << 24) >> 24;
          break;
        case 0xc1:
          i32[sp - 2] = (i32[sp - 2] << 16) >> 16;
          break;
        case 0xc2:
          i32[sp - 2] = x = (i32[sp - 2] << 24) >> 24;
          i32[sp - 1] = x >> 31;
          break;
        case 0xc3:
          i32[sp - 2] = x = (i32[sp - 2] << 16) >> 16;
          i32[sp - 1] = x >> 31;
          break;
        case 0xc4:
          i32[sp - 1] = i32[sp - 2] >> 31;
          break;
        // ---- fused superinstructions (generated; see compile.ts fusion) ----
        case 0x140: // i32.eq L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a === b) ? 1 : 0;
          break;
        case 0x160: // i32.eq K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a === b) ? 1 : 0;
          break;
        case 0x141: // i32.ne L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a !== b) ? 1 : 0;
          break;
        case 0x161: // i32.ne K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a !== b) ? 1 : 0;
          break;
        case 0x142: // i32.lt_s L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a < b) ? 1 : 0;
          break;
        case 0x162: // i32.lt_s K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a < b) ? 1 : 0;
          break;
        case 0x143: // i32.lt_u L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = ((a ^ -2147483648) < (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x163: // i32.lt_u K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = ((a ^ -2147483648) < (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x144: // i32.gt_s L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a > b) ? 1 : 0;
          break;
        case 0x164: // i32.gt_s K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a > b) ? 1 : 0;
          break;
        case 0x145: // i32.gt_u L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = ((a ^ -2147483648) > (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x165: // i32.gt_u K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = ((a ^ -2147483648) > (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x146: // i32.le_s L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a <= b) ? 1 : 0;
          break;
        case 0x166: // i32.le_s K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a <= b) ? 1 : 0;
          break;
        case 0x147: // i32.le_u L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = ((a ^ -2147483648) <= (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x167: // i32.le_u K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = ((a ^ -2147483648) <= (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x148: // i32.ge_s L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a >= b) ? 1 : 0;
          break;
        case 0x168: // i32.ge_s K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a >= b) ? 1 : 0;
          break;
        case 0x149: // i32.ge_u L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = ((a ^ -2147483648) >= (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x169: // i32.ge_u K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = ((a ^ -2147483648) >= (b ^ -2147483648)) ? 1 : 0;
          break;
        case 0x14a: // i32.add L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a + b) | 0;
          break;
        case 0x16a: // i32.add K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a + b) | 0;
          break;
        case 0x14b: // i32.sub L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a - b) | 0;
          break;
        case 0x16b: // i32.sub K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a - b) | 0;
          break;
        case 0x14c: // i32.mul L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = Math.imul(a, b);
          break;
        case 0x16c: // i32.mul K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = Math.imul(a, b);
          break;
        case 0x14d: // i32.and L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = a & b;
          break;
        case 0x16d: // i32.and K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = a & b;
          break;
        case 0x14e: // i32.or L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = a | b;
          break;
        case 0x16e: // i32.or K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = a | b;
          break;
        case 0x14f: // i32.xor L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = a ^ b;
          break;
        case 0x16f: // i32.xor K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = a ^ b;
          break;
        case 0x150: // i32.shl L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = a << b;
          break;
        case 0x170: // i32.shl K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = a << b;
          break;
        case 0x151: // i32.shr_s L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = a >> b;
          break;
        case 0x171: // i32.shr_s K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = a >> b;
          break;
        case 0x152: // i32.shr_u L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = a >>> b;
          break;
        case 0x172: // i32.shr_u K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = a >>> b;
          break;
        case 0x153: // i32.rotl L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a << (b & 31)) | (a >>> (32 - (b & 31)));
          break;
        case 0x173: // i32.rotl K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a << (b & 31)) | (a >>> (32 - (b & 31)));
          break;
        case 0x154: // i32.rotr L
          a = i32[sp - 2];
          b = i32[fp + code[pc++]];
          i32[sp - 2] = (a >>> (b & 31)) | (a << (32 - (b & 31)));
          break;
        case 0x174: // i32.rotr K
          a = i32[sp - 2];
          b = code[pc++];
          i32[sp - 2] = (a >>> (b & 31)) | (a << (32 - (b & 31)));
          break;
        case 0x180: // i32.eq + br_if
          sp -= 4;
          if (i32[sp] === i32[sp + 2]) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x190: // i32.eq L + br_if
          sp -= 2;
          if (i32[sp] === i32[fp + code[pc]]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a0: // i32.eq K + br_if
          sp -= 2;
          if (i32[sp] === code[pc]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x181: // i32.ne + br_if
          sp -= 4;
          if (i32[sp] !== i32[sp + 2]) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x191: // i32.ne L + br_if
          sp -= 2;
          if (i32[sp] !== i32[fp + code[pc]]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a1: // i32.ne K + br_if
          sp -= 2;
          if (i32[sp] !== code[pc]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x182: // i32.lt_s + br_if
          sp -= 4;
          if (i32[sp] < i32[sp + 2]) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x192: // i32.lt_s L + br_if
          sp -= 2;
          if (i32[sp] < i32[fp + code[pc]]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a2: // i32.lt_s K + br_if
          sp -= 2;
          if (i32[sp] < code[pc]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x183: // i32.lt_u + br_if
          sp -= 4;
          if ((i32[sp] ^ -2147483648) < (i32[sp + 2] ^ -2147483648)) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x193: // i32.lt_u L + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) < (i32[fp + code[pc]] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a3: // i32.lt_u K + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) < (code[pc] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x184: // i32.gt_s + br_if
          sp -= 4;
          if (i32[sp] > i32[sp + 2]) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x194: // i32.gt_s L + br_if
          sp -= 2;
          if (i32[sp] > i32[fp + code[pc]]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a4: // i32.gt_s K + br_if
          sp -= 2;
          if (i32[sp] > code[pc]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x185: // i32.gt_u + br_if
          sp -= 4;
          if ((i32[sp] ^ -2147483648) > (i32[sp + 2] ^ -2147483648)) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x195: // i32.gt_u L + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) > (i32[fp + code[pc]] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a5: // i32.gt_u K + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) > (code[pc] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x186: // i32.le_s + br_if
          sp -= 4;
          if (i32[sp] <= i32[sp + 2]) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x196: // i32.le_s L + br_if
          sp -= 2;
          if (i32[sp] <= i32[fp + code[pc]]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a6: // i32.le_s K + br_if
          sp -= 2;
          if (i32[sp] <= code[pc]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x187: // i32.le_u + br_if
          sp -= 4;
          if ((i32[sp] ^ -2147483648) <= (i32[sp + 2] ^ -2147483648)) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x197: // i32.le_u L + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) <= (i32[fp + code[pc]] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a7: // i32.le_u K + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) <= (code[pc] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x188: // i32.ge_s + br_if
          sp -= 4;
          if (i32[sp] >= i32[sp + 2]) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x198: // i32.ge_s L + br_if
          sp -= 2;
          if (i32[sp] >= i32[fp + code[pc]]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a8: // i32.ge_s K + br_if
          sp -= 2;
          if (i32[sp] >= code[pc]) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x189: // i32.ge_u + br_if
          sp -= 4;
          if ((i32[sp] ^ -2147483648) >= (i32[sp + 2] ^ -2147483648)) {
            pc = code[pc];
          } else pc++;
          break;
        case 0x199: // i32.ge_u L + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) >= (i32[fp + code[pc]] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x1a9: // i32.ge_u K + br_if
          sp -= 2;
          if ((i32[sp] ^ -2147483648) >= (code[pc] ^ -2147483648)) {
            pc = code[pc + 1];
          } else pc += 2;
          break;
        case 0x18a: // i32.eqz + br_if
          sp -= 2;
          if (i32[sp] === 0) {
            pc = code[pc];
          } else pc++;
          break;

        case 0x1b0: // GET2_32
          i32[sp] = i32[fp + code[pc]];
          i32[sp + 2] = i32[fp + code[pc + 1]];
          pc += 2;
          sp += 4;
          break;
        case 0x1b1: // LG_ADDK
          i32[sp] = (i32[fp + code[pc]] + code[pc + 1]) | 0;
          pc += 2;
          sp += 2;
          break;
        case 0x1b2: // SET_GET32
          i32[fp + code[pc]] = i32[sp - 2];
          i32[sp - 2] = i32[fp + code[pc + 1]];
          pc += 2;
          break;
        case 0x1b3: // LG_LOAD32
          a = (i32[fp + code[pc]] >>> 0) + (code[pc + 1] >>> 0);
          pc += 2;
          if (a + 4 > memLen) {
            oobMem();
          }
          i32[sp] = dv.getInt32(a, true);
          sp += 2;
          break;
        case 0x1b4: // FUEL_LG
          n = code[pc];
          if ((fuel -= n) < 0) {
            if (reserve > 0 && n <= SLICE) {
              fuel += n;
              RS_PC = pc - 1;
              RS_FP = fp;
              RS_SP = SP = sp;
              RS_DEPTH = depth;
              RS_CUR = cur;
              return false;
            }
            if (reserve > 0) {
              x = reserve > SLICE ? SLICE : reserve;
              reserve -= x;
              fuel += x;
            }
            if (fuel < 0) {
              fuel = reserve = 0;
              fuelTrap(entryCtx);
            }
          }
          i32[sp] = i32[fp + code[pc + 1]];
          pc += 2;
          sp += 2;
          break;
        case 0x1c0: { // i64.add L
          const q = fp + code[pc++];
          const bl = i32[q], bh = i32[q + 1];
          {
            x = (i32[sp - 2] >>> 0) + (bl >>> 0);
            i32[sp - 1] = (i32[sp - 1] + bh + (x > 4294967295 ? 1 : 0)) | 0;
            i32[sp - 2] = x | 0;
          }
          break;
        }
        case 0x1d0: { // i64.add K
          const bl = code[pc], bh = code[pc + 1];
          pc += 2;
          {
            x = (i32[sp - 2] >>> 0) + (bl >>> 0);
            i32[sp - 1] = (i32[sp - 1] + bh + (x > 4294967295 ? 1 : 0)) | 0;
            i32[sp - 2] = x | 0;
          }
          break;
        }
        case 0x1c1: { // i64.sub L
          const q = fp + code[pc++];
          const bl = i32[q], bh = i32[q + 1];
          {
            x = (i32[sp - 2] >>> 0) - (bl >>> 0);
            i32[sp - 1] = (i32[sp - 1] - bh - (x < 0 ? 1 : 0)) | 0;
            i32[sp - 2] = x | 0;
          }
          break;
        }
        case 0x1d1: { // i64.sub K
          const bl = code[pc], bh = code[pc + 1];
          pc += 2;
          {
            x = (i32[sp - 2] >>> 0) - (bl >>> 0);
            i32[sp - 1] = (i32[sp - 1] - bh - (x < 0 ? 1 : 0)) | 0;
            i32[sp - 2] = x | 0;
          }
          break;
        }
        case 0x1c2: { // i64.mul L
          const q = fp + code[pc++];
          const bl = i32[q], bh = i32[q + 1];
          {
            i32[sp - 2] = mul64(i32[sp - 2], i32[sp - 1], bl, bh);
            i32[sp - 1] = R64.hi;
          }
          break;
        }
        case 0x1d2: { // i64.mul K
          const bl = code[pc], bh = code[pc + 1];
          pc += 2;
          {
            i32[sp - 2] = mul64(i32[sp - 2], i32[sp - 1], bl, bh);
            i32[sp - 1] = R64.hi;
          }
          break;
        }
        case 0x1c3: { // i64.and L
          const q = fp + code[pc++];
          const bl = i32[q], bh = i32[q + 1];
          {
            i32[sp - 2] &= bl;
            i32[sp - 1] &= bh;
          }
          break;
        }
        case 0x1d3: { // i64.and K
          const bl = code[pc], bh = code[pc + 1];
          pc += 2;
          {
            i32[sp - 2] &= bl;
            i32[sp - 1] &= bh;
          }
          break;
        }
        case 0x1c4: { // i64.or L
          const q = fp + code[pc++];
          const bl = i32[q], bh = i32[q + 1];
          {
            i32[sp - 2] |= bl;
            i32[sp - 1] |= bh;
          }
          break;
        }
        case 0x1d4: { // i64.or K
          const bl = code[pc], bh = code[pc + 1];
          pc += 2;
          {
            i32[sp - 2] |= bl;
            i32[sp - 1] |= bh;
          }
          break;
        }
        case 0x1c5: { // i64.xor L
          const q = fp + code[pc++];
          const bl = i32[q], bh = i32[q + 1];
          {
            i32[sp - 2] ^= bl;
            i32[sp - 1] ^= bh;
          }
          break;
        }
        case 0x1d5: { // i64.xor K
          const bl = code[pc], bh = code[pc + 1];
          pc += 2;
          {
            i32[sp - 2] ^= bl;
            i32[sp - 1] ^= bh;
          }
          break;
        }
        case 0x1c6: { // i64.shl L
          const q = fp + code[pc++];
          const bl = i32[q];
          {
            n = bl & 63;
            x = i32[sp - 2];
            if (n >= 32) {
              i32[sp - 1] = x << (n - 32);
              i32[sp - 2] = 0;
            } else if (n !== 0) {
              i32[sp - 1] = (i32[sp - 1] << n) | (x >>> (32 - n));
              i32[sp - 2] = x << n;
            }
          }
          break;
        }
        case 0x1d6: { // i64.shl K
          const bl = code[pc];
          pc += 2;
          {
            n = bl & 63;
            x = i32[sp - 2];
            if (n >= 32) {
              i32[sp - 1] = x << (n - 32);
              i32[sp - 2] = 0;
            } else if (n !== 0) {
              i32[sp - 1] = (i32[sp - 1] << n) | (x >>> (32 - n));
              i32[sp - 2] = x << n;
            }
          }
          break;
        }
        case 0x1c7: { // i64.shr_s L
          const q = fp + code[pc++];
          const bl = i32[q];
          {
            n = bl & 63;
            x = i32[sp - 1];
            if (n >= 32) {
              i32[sp - 2] = x >> (n - 32);
              i32[sp - 1] = x >> 31;
            } else if (n !== 0) {
              i32[sp - 2] = (i32[sp - 2] >>> n) | (x << (32 - n));
              i32[sp - 1] = x >> n;
            }
          }
          break;
        }
        case 0x1d7: { // i64.shr_s K
          const bl = code[pc];
          pc += 2;
          {
            n = bl & 63;
            x = i32[sp - 1];
            if (n >= 32) {
              i32[sp - 2] = x >> (n - 32);
              i32[sp - 1] = x >> 31;
            } else if (n !== 0) {
              i32[sp - 2] = (i32[sp - 2] >>> n) | (x << (32 - n));
              i32[sp - 1] = x >> n;
            }
          }
          break;
        }
        case 0x1c8: { // i64.shr_u L
          const q = fp + code[pc++];
          const bl = i32[q];
          {
            n = bl & 63;
            x = i32[sp - 1];
            if (n >= 32) {
              i32[sp - 2] = x >>> (n - 32);
              i32[sp - 1] = 0;
            } else if (n !== 0) {
              i32[sp - 2] = (i32[sp - 2] >>> n) | (x << (32 - n));
              i32[sp - 1] = x >>> n;
            }
          }
          break;
        }
        case 0x1d8: { // i64.shr_u K
          const bl = code[pc];
          pc += 2;
          {
            n = bl & 63;
            x = i32[sp - 1];
            if (n >= 32) {
              i32[sp - 2] = x >>> (n - 32);
              i32[sp - 1] = 0;
            } else if (n !== 0) {
              i32[sp - 2] = (i32[sp - 2] >>> n) | (x << (32 - n));
              i32[sp - 1] = x >>> n;
            }
          }
          break;
        }
        case 0x1c9: { // i64.rotl L
          const q = fp + code[pc++];
          const bl = i32[q];
          {
            i32[sp - 2] = rotl64(i32[sp - 2], i32[sp - 1], bl);
            i32[sp - 1] = R64.hi;
          }
          break;
        }
        case 0x1d9: { // i64.rotl K
          const bl = code[pc];
          pc += 2;
          {
            i32[sp - 2] = rotl64(i32[sp - 2], i32[sp - 1], bl);
            i32[sp - 1] = R64.hi;
          }
          break;
        }
        case 0x1ca: { // i64.rotr L
          const q = fp + code[pc++];
          const bl = i32[q];
          {
            i32[sp - 2] = rotr64(i32[sp - 2], i32[sp - 1], bl);
            i32[sp - 1] = R64.hi;
          }
          break;
        }
        case 0x1da: { // i64.rotr K
          const bl = code[pc];
          pc += 2;
          {
            i32[sp - 2] = rotr64(i32[sp - 2], i32[sp - 1], bl);
            i32[sp - 1] = R64.hi;
          }
          break;
        }

        case 0x1e0: // i32.eq LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a === b) ? 1 : 0;
          sp += 2;
          break;
        case 0x200: // i32.eq LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a === b) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e1: // i32.ne LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a !== b) ? 1 : 0;
          sp += 2;
          break;
        case 0x201: // i32.ne LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a !== b) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e2: // i32.lt_s LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a < b) ? 1 : 0;
          sp += 2;
          break;
        case 0x202: // i32.lt_s LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a < b) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e3: // i32.lt_u LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) < (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x203: // i32.lt_u LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) < (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e4: // i32.gt_s LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a > b) ? 1 : 0;
          sp += 2;
          break;
        case 0x204: // i32.gt_s LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a > b) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e5: // i32.gt_u LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) > (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x205: // i32.gt_u LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) > (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e6: // i32.le_s LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a <= b) ? 1 : 0;
          sp += 2;
          break;
        case 0x206: // i32.le_s LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a <= b) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e7: // i32.le_u LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) <= (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x207: // i32.le_u LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) <= (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e8: // i32.ge_s LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a >= b) ? 1 : 0;
          sp += 2;
          break;
        case 0x208: // i32.ge_s LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a >= b) ? 1 : 0;
          sp += 2;
          break;
        case 0x1e9: // i32.ge_u LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) >= (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x209: // i32.ge_u LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = ((a ^ -2147483648) >= (b ^ -2147483648)) ? 1 : 0;
          sp += 2;
          break;
        case 0x1ea: // i32.add LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a + b) | 0;
          sp += 2;
          break;
        case 0x20a: // i32.add LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a + b) | 0;
          sp += 2;
          break;
        case 0x1eb: // i32.sub LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a - b) | 0;
          sp += 2;
          break;
        case 0x20b: // i32.sub LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a - b) | 0;
          sp += 2;
          break;
        case 0x1ec: // i32.mul LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = Math.imul(a, b);
          sp += 2;
          break;
        case 0x20c: // i32.mul LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = Math.imul(a, b);
          sp += 2;
          break;
        case 0x1ed: // i32.and LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = a & b;
          sp += 2;
          break;
        case 0x20d: // i32.and LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = a & b;
          sp += 2;
          break;
        case 0x1ee: // i32.or LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = a | b;
          sp += 2;
          break;
        case 0x20e: // i32.or LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = a | b;
          sp += 2;
          break;
        case 0x1ef: // i32.xor LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = a ^ b;
          sp += 2;
          break;
        case 0x20f: // i32.xor LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = a ^ b;
          sp += 2;
          break;
        case 0x1f0: // i32.shl LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = a << b;
          sp += 2;
          break;
        case 0x210: // i32.shl LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = a << b;
          sp += 2;
          break;
        case 0x1f1: // i32.shr_s LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = a >> b;
          sp += 2;
          break;
        case 0x211: // i32.shr_s LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = a >> b;
          sp += 2;
          break;
        case 0x1f2: // i32.shr_u LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = a >>> b;
          sp += 2;
          break;
        case 0x212: // i32.shr_u LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = a >>> b;
          sp += 2;
          break;
        case 0x1f3: // i32.rotl LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a << (b & 31)) | (a >>> (32 - (b & 31)));
          sp += 2;
          break;
        case 0x213: // i32.rotl LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a << (b & 31)) | (a >>> (32 - (b & 31)));
          sp += 2;
          break;
        case 0x1f4: // i32.rotr LK
          a = i32[fp + code[pc]];
          b = code[pc + 1];
          pc += 2;
          i32[sp] = (a >>> (b & 31)) | (a << (32 - (b & 31)));
          sp += 2;
          break;
        case 0x214: // i32.rotr LL
          a = i32[fp + code[pc]];
          b = i32[fp + code[pc + 1]];
          pc += 2;
          i32[sp] = (a >>> (b & 31)) | (a << (32 - (b & 31)));
          sp += 2;
          break;
        case 0x220: // i32.eq LK + br_if
          if (i32[fp + code[pc]] === code[pc + 1]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x230: // i32.eq LL + br_if
          if (i32[fp + code[pc]] === i32[fp + code[pc + 1]]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x221: // i32.ne LK + br_if
          if (i32[fp + code[pc]] !== code[pc + 1]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x231: // i32.ne LL + br_if
          if (i32[fp + code[pc]] !== i32[fp + code[pc + 1]]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x222: // i32.lt_s LK + br_if
          if (i32[fp + code[pc]] < code[pc + 1]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x232: // i32.lt_s LL + br_if
          if (i32[fp + code[pc]] < i32[fp + code[pc + 1]]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x223: // i32.lt_u LK + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) < (code[pc + 1] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x233: // i32.lt_u LL + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) <
              (i32[fp + code[pc + 1]] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x224: // i32.gt_s LK + br_if
          if (i32[fp + code[pc]] > code[pc + 1]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x234: // i32.gt_s LL + br_if
          if (i32[fp + code[pc]] > i32[fp + code[pc + 1]]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x225: // i32.gt_u LK + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) > (code[pc + 1] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x235: // i32.gt_u LL + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) >
              (i32[fp + code[pc + 1]] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x226: // i32.le_s LK + br_if
          if (i32[fp + code[pc]] <= code[pc + 1]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x236: // i32.le_s LL + br_if
          if (i32[fp + code[pc]] <= i32[fp + code[pc + 1]]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x227: // i32.le_u LK + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) <= (code[pc + 1] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x237: // i32.le_u LL + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) <=
              (i32[fp + code[pc + 1]] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x228: // i32.ge_s LK + br_if
          if (i32[fp + code[pc]] >= code[pc + 1]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x238: // i32.ge_s LL + br_if
          if (i32[fp + code[pc]] >= i32[fp + code[pc + 1]]) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x229: // i32.ge_u LK + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) >= (code[pc + 1] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;
        case 0x239: // i32.ge_u LL + br_if
          if (
            (i32[fp + code[pc]] ^ -2147483648) >=
              (i32[fp + code[pc + 1]] ^ -2147483648)
          ) {
            pc = code[pc + 2];
          } else pc += 3;
          break;

        case 0x240: // f64.add L
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] + f64[(fp + code[pc++]) >> 1];
          break;
        case 0x241: // f64.sub L
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] - f64[(fp + code[pc++]) >> 1];
          break;
        case 0x242: // f64.mul L
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] * f64[(fp + code[pc++]) >> 1];
          break;
        case 0x243: // f64.div L
          f64[(sp - 2) >> 1] = f64[(sp - 2) >> 1] / f64[(fp + code[pc++]) >> 1];
          break;
        // ---- references and tables ----
        default:
          if (op >= O.SIMD_BASE) {
            // SIMD (simd.ts)
            sp = simdOp(op, code, pc, sp, ctx);
            pc = SIMD_PC;
            break;
          }
          sp = rareOp(op, code, pc, sp, fp, ctx);
          pc = RARE_PC;
          break;
      }
    }
  } finally {
    if (!inHost) {
      FS[0] = fuel;
      FR[0] = reserve;
    }
  }
}

function warmCall(f: FuncInst): void {
  const base = SP;
  const outer = ACT.ctx, d0 = DS[0], js = DS[1], lim = DS[2];
  if (outer !== null) outer.fuel = FS[0] + FR[0];
  ACT.ctx = f.ctx;
  setFuel(f.ctx!.fuel);
  setDepthLimit(d0, 1000);
  try {
    if (!run(f, d0)) { while (!run(f, d0, true)); }
  } finally {
    f.ctx!.fuel = FS[0] + FR[0];
    ACT.ctx = outer;
    if (outer !== null) setFuel(outer.fuel);
    DS[0] = d0;
    DS[1] = js;
    DS[2] = lim;
    SP = base;
  }
}

/** pc after the last rareOp call. */
let RARE_PC = 0;

/**
 * Rarely executed opcodes, kept out of run() so the hot dispatch loop stays small (faster to
 * optimize). Returns the new sp; the new pc is left in RARE_PC.
 */
function rareOp(
  op: number,
  code: Int32Array,
  pc: number,
  sp: number,
  fp: number,
  ctx: Ctx,
): number {
  const i32 = I, f32 = Fs, f64 = F, rf = R;
  const funcs = ctx.funcs, globals = ctx.globals;
  let x = 0, y = 0;
  switch (op) {
    case 0x0: // UNREACHABLE
      trap("unreachable");
      break;
    case 0x10f: // SELECT_R
      sp -= 4;
      if (i32[sp + 2] === 0) rf[(sp - 2) >> 1] = rf[sp >> 1];
      break;
    case 0x112: // LOCAL_GET_R
      rf[sp >> 1] = rf[(fp + code[pc++]) >> 1];
      sp += 2;
      break;
    case 0x115: // LOCAL_SET_R
      sp -= 2;
      rf[(fp + code[pc++]) >> 1] = rf[sp >> 1];
      break;
    case 0x118: // LOCAL_TEE_R
      rf[(fp + code[pc++]) >> 1] = rf[(sp - 2) >> 1];
      break;
    case 0x11b: // GLOBAL_GET_R
      rf[sp >> 1] = globals[code[pc++]].ref;
      sp += 2;
      break;
    case 0x11c: // GLOBAL_SET_R
      sp -= 2;
      globals[code[pc++]].ref = rf[sp >> 1];
      break;
    case 0x11f: // MEM_N
      sp = memN(code[pc], code[pc + 1] >>> 0, ctx.mems[code[pc + 2]], sp);
      pc += 3;
      break;
    case 0x79:
      x = i32[sp - 1];
      i32[sp - 2] = x !== 0 ? Math.clz32(x) : 32 + Math.clz32(i32[sp - 2]);
      i32[sp - 1] = 0;
      break;
    case 0x7a:
      x = i32[sp - 2];
      i32[sp - 2] = x !== 0 ? ctz32(x) : 32 + ctz32(i32[sp - 1]);
      i32[sp - 1] = 0;
      break;
    case 0x7b:
      i32[sp - 2] = popcnt32(i32[sp - 2]) + popcnt32(i32[sp - 1]);
      i32[sp - 1] = 0;
      break;
    case 0x7f:
      sp -= 2;
      i32[sp - 2] = divS64(i32[sp - 2], i32[sp - 1], i32[sp], i32[sp + 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0x80:
      sp -= 2;
      i32[sp - 2] = divU64(i32[sp - 2], i32[sp - 1], i32[sp], i32[sp + 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0x81:
      sp -= 2;
      i32[sp - 2] = remS64(i32[sp - 2], i32[sp - 1], i32[sp], i32[sp + 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0x82:
      sp -= 2;
      i32[sp - 2] = remU64(i32[sp - 2], i32[sp - 1], i32[sp], i32[sp + 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0x8d:
      f32[sp - 2] = Math.ceil(f32[sp - 2]);
      break;
    case 0x8e:
      f32[sp - 2] = Math.floor(f32[sp - 2]);
      break;
    case 0x8f:
      f32[sp - 2] = Math.trunc(f32[sp - 2]);
      break;
    case 0x90:
      f32[sp - 2] = nearest(f32[sp - 2]);
      break;
    case 0x91:
      f32[sp - 2] = Math.sqrt(f32[sp - 2]);
      break;
    case 0x96:
      sp -= 2;
      y = Math.min(f32[sp - 2], f32[sp]);
      // optimized Math.min may yield a non-canonical NaN: write the canonical one (spec fmin/fmax)
      if (y !== y) i32[sp - 2] = -4194304; // 0xffc00000, as V8 and x86 produce
      else f32[sp - 2] = y;
      break;
    case 0x97:
      sp -= 2;
      y = Math.max(f32[sp - 2], f32[sp]);
      // optimized Math.max may yield a non-canonical NaN: write the canonical one (spec fmin/fmax)
      if (y !== y) i32[sp - 2] = -4194304; // 0xffc00000, as V8 and x86 produce
      else f32[sp - 2] = y;
      break;
    case 0x98:
      sp -= 2;
      i32[sp - 2] = (i32[sp - 2] & 0x7fffffff) | (i32[sp] & -2147483648);
      break;
    case 0x9b:
      f64[(sp - 2) >> 1] = y = Math.ceil(f64[(sp - 2) >> 1]);
      if (y !== y) i32[sp - 1] |= 0x80000; // quiet a signalling NaN (V8 returns it unchanged)
      break;
    case 0x9c:
      f64[(sp - 2) >> 1] = y = Math.floor(f64[(sp - 2) >> 1]);
      if (y !== y) i32[sp - 1] |= 0x80000; // quiet a signalling NaN (V8 returns it unchanged)
      break;
    case 0x9d:
      f64[(sp - 2) >> 1] = y = Math.trunc(f64[(sp - 2) >> 1]);
      if (y !== y) i32[sp - 1] |= 0x80000; // quiet a signalling NaN (V8 returns it unchanged)
      break;
    case 0x9e:
      f64[(sp - 2) >> 1] = y = nearest(f64[(sp - 2) >> 1]);
      if (y !== y) i32[sp - 1] |= 0x80000; // quiet a signalling NaN (V8 returns it unchanged)
      break;
    case 0xa4:
      sp -= 2;
      y = Math.min(f64[(sp - 2) >> 1], f64[sp >> 1]);
      if (y !== y) {
        i32[sp - 2] = 0;
        i32[sp - 1] = -524288; // 0xfff80000
      } else f64[(sp - 2) >> 1] = y;
      break;
    case 0xa5:
      sp -= 2;
      y = Math.max(f64[(sp - 2) >> 1], f64[sp >> 1]);
      if (y !== y) {
        i32[sp - 2] = 0;
        i32[sp - 1] = -524288; // 0xfff80000
      } else f64[(sp - 2) >> 1] = y;
      break;
    case 0xa6:
      sp -= 2;
      i32[sp - 1] = (i32[sp - 1] & 0x7fffffff) | (i32[sp + 1] & -2147483648);
      break;
    case 0xa8:
      i32[sp - 2] = truncS32(f32[sp - 2]);
      break;
    case 0xa9:
      i32[sp - 2] = truncU32(f32[sp - 2]);
      break;
    case 0xab:
      i32[sp - 2] = truncU32(f64[(sp - 2) >> 1]);
      break;
    case 0xae:
      i32[sp - 2] = truncS64(f32[sp - 2]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xaf:
      i32[sp - 2] = truncU64(f32[sp - 2]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xb0:
      i32[sp - 2] = truncS64(f64[(sp - 2) >> 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xb1:
      i32[sp - 2] = truncU64(f64[(sp - 2) >> 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xb3:
      f32[sp - 2] = i32[sp - 2] >>> 0;
      break;
    case 0xb4:
      f32[sp - 2] = s64ToF32(i32[sp - 2], i32[sp - 1]);
      break;
    case 0xb5:
      f32[sp - 2] = u64ToF32(i32[sp - 2], i32[sp - 1]);
      break;
    case 0xb6:
      y = f64[(sp - 2) >> 1];
      f32[sp - 2] = y;
      break;
    case 0xb9:
      f64[(sp - 2) >> 1] = i32[sp - 1] * 4294967296 + (i32[sp - 2] >>> 0);
      break;
    case 0xba:
      f64[(sp - 2) >> 1] = (i32[sp - 1] >>> 0) * 4294967296 +
        (i32[sp - 2] >>> 0);
      break;
    case 0xe0: // SAT_BASE + 0
      i32[sp - 2] = satS32(f32[sp - 2]);
      break;
    case 0xe1: // SAT_BASE + 1
      i32[sp - 2] = satU32(f32[sp - 2]);
      break;
    case 0xe2: // SAT_BASE + 2
      i32[sp - 2] = satS32(f64[(sp - 2) >> 1]);
      break;
    case 0xe3: // SAT_BASE + 3
      i32[sp - 2] = satU32(f64[(sp - 2) >> 1]);
      break;
    case 0xe4: // SAT_BASE + 4
      i32[sp - 2] = satS64(f32[sp - 2]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xe5: // SAT_BASE + 5
      i32[sp - 2] = satU64(f32[sp - 2]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xe6: // SAT_BASE + 6
      i32[sp - 2] = satS64(f64[(sp - 2) >> 1]);
      i32[sp - 1] = R64.hi;
      break;
    case 0xe7: // SAT_BASE + 7
      i32[sp - 2] = satU64(f64[(sp - 2) >> 1]);
      i32[sp - 1] = R64.hi;
      break;

    case 0x120: // REF_NULL
      rf[sp >> 1] = null;
      sp += 2;
      break;
    case 0x121: // REF_IS_NULL
      i32[sp - 2] = rf[(sp - 2) >> 1] === null ? 1 : 0;
      break;
    case 0x122: // REF_FUNC
      rf[sp >> 1] = funcs[code[pc++]];
      sp += 2;
      break;
    case 0x123: { // TABLE_GET
      const t = ctx.tables[code[pc++]];
      const i = i32[sp - 2] >>> 0;
      if (i >= t.elems.length) oobTable();
      rf[(sp - 2) >> 1] = t.elems[i];
      break;
    }
    case 0x124: { // TABLE_SET
      const t = ctx.tables[code[pc++]];
      sp -= 4;
      const i = i32[sp] >>> 0;
      if (i >= t.elems.length) oobTable();
      t.elems[i] = rf[(sp + 2) >> 1];
      break;
    }
    case 0x125: // TABLE_SIZE
      i32[sp] = ctx.tables[code[pc++]].elems.length;
      sp += 2;
      break;
    case 0x126: { // TABLE_GROW
      const t = ctx.tables[code[pc++]];
      sp -= 2;
      i32[sp - 2] = t.grow(i32[sp] >>> 0, rf[(sp - 2) >> 1]);
      break;
    }
    case 0x127: { // TABLE_FILL
      const t = ctx.tables[code[pc++]];
      sp -= 6;
      tfill(t, i32[sp], rf[(sp + 2) >> 1], i32[sp + 4]);
      break;
    }
    case 0x128: { // TABLE_COPY
      const td = ctx.tables[code[pc++]];
      const ts = ctx.tables[code[pc++]];
      sp -= 6;
      tcopy(td, ts, i32[sp], i32[sp + 2], i32[sp + 4]);
      break;
    }
    case 0x129: { // TABLE_INIT
      const e = code[pc++];
      const t = ctx.tables[code[pc++]];
      sp -= 6;
      tinit(ctx, e, t, i32[sp], i32[sp + 2], i32[sp + 4]);
      break;
    }
    case 0x12a: // ELEM_DROP
      ctx.elems[code[pc++]] = EMPTY;
      break;
    case 0x12b: { // MEMORY_INIT
      const d = code[pc++];
      const m = ctx.mems[code[pc++]];
      sp -= 6;
      meminit(ctx, d, m, i32[sp], i32[sp + 2], i32[sp + 4]);
      break;
    }
    case 0x12c: // DATA_DROP
      ctx.datas[code[pc++]] = EMPTY_U8;
      break;
    case 0x12d: { // MEMORY_COPY
      const md = ctx.mems[code[pc++]];
      const ms = ctx.mems[code[pc++]];
      sp -= 6;
      memcopy(md, ms, i32[sp], i32[sp + 2], i32[sp + 4]);
      break;
    }
    case 0x12e: { // MEMORY_FILL
      const m = ctx.mems[code[pc++]];
      sp -= 6;
      memfill(m, i32[sp], i32[sp + 2], i32[sp + 4]);
      break;
    }
    default:
      throw new RuntimeError(
        `internal error: bad opcode 0x${op.toString(16)} at ${pc - 1}`,
      );
  }
  RARE_PC = pc;
  return sp;
}

/**
 * Runs the interpreter's one-time warm-up now (a few milliseconds of synthetic code through every
 * opcode, so V8 optimises the dispatch loop with complete type feedback). The first `Instance`
 * runs it otherwise; a host that compiles ahead of its first call (a guest worker at start-up)
 * calls this to keep it off that call's path.
 */
export function ensureWarm(): void {
  warmUp(warmCall);
}

/** Resets the shared machine (used after a catastrophic host error); normally never needed. */
export function resetMachine(): void {
  SP = 0;
  DS[0] = 0;
  NEST = 0;
}

export { FuncInst };
