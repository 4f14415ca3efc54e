/**
 * The interpreter's SIMD instructions (the 0xFD prefix of WebAssembly 2.0), kept out of the
 * main dispatch loop (exec.ts calls `simdOp` for every internal opcode from SIMD_BASE on).
 * The JS tier runs the same code for every SIMD instruction it does not inline: it writes the
 * operands to a scratch area at the end of the stack buffer that the interpreter never uses
 * (stack.ts SCRATCH) and calls `simdOp` there (jit/tier.ts `simdV` ...).
 *
 * A v128 takes two 8-byte stack slots, lane 0 at the lowest address (the stack is
 * little-endian, as wasm memory), so every lane shape is a typed-array view of the stack
 * buffer: the top value starts at Int32 index `sp - 4`, the one below it at `sp - 8`. Lane
 * operations work in place on the stack; the few that read lanes they also write (shuffles,
 * widenings) go through one preallocated scratch buffer, and the narrowings compute one result
 * word at a time (`narrowS8` ...). Nothing is allocated per instruction.
 *
 * NaN results: every float lane operation that computes a NaN writes the canonical NaN (a
 * canonical NaN is also an arithmetic NaN, so this meets the spec's rule whatever the inputs);
 * `abs`, `neg`, `pmin`, `pmax`, lane moves, splats, loads and stores keep NaN bits exactly.
 * @module
 */
import { RuntimeError } from "./errors.ts";
import * as O from "./ops.ts";
import type { Ctx, MemInst } from "./runtime.ts";
import { satS32, satU32 } from "./convert.ts";
import { STACK_BUFFER } from "./stack.ts";

// views of the interpreter's stack
const I = new Int32Array(STACK_BUFFER);
const U8 = new Uint8Array(STACK_BUFFER);
const I8 = new Int8Array(STACK_BUFFER);
const I16 = new Int16Array(STACK_BUFFER);
const U16 = new Uint16Array(STACK_BUFFER);
const F32 = new Float32Array(STACK_BUFFER);
const F64 = new Float64Array(STACK_BUFFER);

// scratch: one v128 pair (32 bytes) for operations that read the lanes they write
const SB = new ArrayBuffer(32);
const SI = new Int32Array(SB);
const SU8 = new Uint8Array(SB);
const SI8 = new Int8Array(SB);
const SI16 = new Int16Array(SB);
const SU16 = new Uint16Array(SB);

/** pc after the last simdOp call. */
export let SIMD_PC = 0;

/** The canonical f32 NaN's bits. */
const NAN32 = 0x7fc00000;
/** The high word of the canonical f64 NaN (low word 0). */
const NAN64_HI = 0x7ff80000;

function oobMem(): never {
  throw new RuntimeError("out of bounds memory access");
}

/** Effective address of a memory access of n bytes, checked against memory m. */
function ea(base: number, off: number, n: number, m: MemInst): number {
  const a = (base >>> 0) + (off >>> 0);
  if (a + n > m.buf.byteLength) oobMem();
  return a;
}

/** High 32 bits of the unsigned 32x32 product. */
function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const m1 = a1 * b0 + ((a0 * b0) >>> 16);
  const w1 = (m1 & 0xffff) + a0 * b1;
  return (a1 * b1 + (m1 >>> 16) + (w1 >>> 16)) | 0;
}

/** Round to nearest, ties to even (spec fnearest); NaN is handled by the caller. */
function nearest(x: number): number {
  const t = Math.trunc(x);
  const d = x - t;
  let r: number;
  if (d === 0.5) r = t % 2 === 0 ? t : t + 1;
  else if (d === -0.5) r = t % 2 === 0 ? t : t - 1;
  else r = Math.round(x);
  if (r === 0) return x < 0 || Object.is(x, -0) ? -0 : 0;
  return r;
}

/** Writes f32 lane k at Int32 index w (canonical NaN for a NaN). */
function put32(w: number, y: number): void {
  if (y !== y) I[w] = NAN32;
  else F32[w] = y;
}

/** Writes f64 lane at Int32 index w (even) (canonical NaN for a NaN). */
function put64(w: number, y: number): void {
  if (y !== y) {
    I[w] = 0;
    I[w + 1] = NAN64_HI;
  } else F64[w >> 1] = y;
}

function sat8s(x: number): number {
  return x < -128 ? -128 : x > 127 ? 127 : x;
}
function sat8u(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}
function sat16s(x: number): number {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}
function sat16u(x: number): number {
  return x < 0 ? 0 : x > 65535 ? 65535 : x;
}

/**
 * The narrowings, one result word at a time (the JS tier calls them too, see jit/translate.ts):
 * the word of i16 lanes saturated from i32 lanes x (low) and y, and the word of i8 lanes
 * saturated from the four i16 lanes of words w0 (low) and w1.
 */
export function narrowS16(x: number, y: number): number {
  return (sat16s(x) & 0xffff) | (sat16s(y) << 16);
}
/** See narrowS16. */
export function narrowU16(x: number, y: number): number {
  return sat16u(x) | (sat16u(y) << 16);
}
/** See narrowS16. */
export function narrowS8(w0: number, w1: number): number {
  return (sat8s((w0 << 16) >> 16) & 0xff) | ((sat8s(w0 >> 16) & 0xff) << 8) |
    ((sat8s((w1 << 16) >> 16) & 0xff) << 16) | (sat8s(w1 >> 16) << 24);
}
/** See narrowS16. */
export function narrowU8(w0: number, w1: number): number {
  return sat8u((w0 << 16) >> 16) | (sat8u(w0 >> 16) << 8) |
    (sat8u((w1 << 16) >> 16) << 16) | (sat8u(w1 >> 16) << 24);
}

/** Compare-op result for the i8x16/i16x8/i32x4 comparisons (index: sub - first of the family). */
function cmp(k: number, a: number, b: number, au: number, bu: number): boolean {
  switch (k) {
    case 0:
      return a === b;
    case 1:
      return a !== b;
    case 2:
      return a < b;
    case 3:
      return au < bu;
    case 4:
      return a > b;
    case 5:
      return au > bu;
    case 6:
      return a <= b;
    case 7:
      return au <= bu;
    case 8:
      return a >= b;
    default:
      return au >= bu;
  }
}

/** Float comparison (eq ne lt gt le ge). */
function fcmp(k: number, a: number, b: number): boolean {
  switch (k) {
    case 0:
      return a === b;
    case 1:
      return a !== b;
    case 2:
      return a < b;
    case 3:
      return a > b;
    case 4:
      return a <= b;
    default:
      return a >= b;
  }
}

/** Signed 64-bit comparison of (ahi:alo) and (bhi:blo): -1, 0 or 1. */
function cmp64(alo: number, ahi: number, blo: number, bhi: number): number {
  if (ahi !== bhi) return ahi < bhi ? -1 : 1;
  const a = alo >>> 0, b = blo >>> 0;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Float lane operation (sub-opcode relative to add: add sub mul div min max pmin pmax). */
function farith(k: number, a: number, b: number): number {
  switch (k) {
    case 0:
      return a + b;
    case 1:
      return a - b;
    case 2:
      return a * b;
    case 3:
      return a / b;
    case 4:
      // Math.min orders -0 below +0 and returns NaN for a NaN, as the spec's fmin
      return Math.min(a, b);
    default:
      return Math.max(a, b);
  }
}

/** Float rounding (ceil floor trunc nearest). */
function fround(k: number, x: number): number {
  switch (k) {
    case 0:
      return Math.ceil(x);
    case 1:
      return Math.floor(x);
    case 2:
      return Math.trunc(x);
    default:
      return nearest(x);
  }
}

/** 64-bit shifts of the i64x2 lanes at Int32 index w by n (0..63): 0 shl, 1 shr_s, 2 shr_u. */
function shift64(w: number, k: number, n: number): void {
  const i32 = I;
  for (let j = w; j < w + 4; j += 2) {
    const lo = i32[j], hi = i32[j + 1];
    if (n === 0) continue;
    if (k === 0) {
      if (n < 32) {
        i32[j + 1] = (hi << n) | (lo >>> (32 - n));
        i32[j] = lo << n;
      } else {
        i32[j + 1] = lo << (n - 32);
        i32[j] = 0;
      }
    } else if (k === 1) {
      if (n < 32) {
        i32[j] = (lo >>> n) | (hi << (32 - n));
        i32[j + 1] = hi >> n;
      } else {
        i32[j] = hi >> (n - 32);
        i32[j + 1] = hi >> 31;
      }
    } else {
      if (n < 32) {
        i32[j] = (lo >>> n) | (hi << (32 - n));
        i32[j + 1] = hi >>> n;
      } else {
        i32[j] = hi >>> (n - 32);
        i32[j + 1] = 0;
      }
    }
  }
}

/** Byte population counts. */
const POPCNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCNT[i] = (i & 1) + POPCNT[i >> 1];

/**
 * Runs SIMD instruction `op` (an internal opcode from SIMD_BASE on, see ops.ts) whose immediates
 * start at code[pc], on the stack whose first free Int32 is sp. Returns the new sp; the new pc
 * is left in SIMD_PC. Traps throw RuntimeError.
 */
export function simdOp(
  op: number,
  code: Int32Array,
  pc: number,
  sp: number,
  ctx: Ctx,
): number {
  const i32 = I, u8 = U8, i8 = I8, i16 = I16, u16 = U16, f32 = F32, f64 = F64;
  // s: the second operand from the top (Int32 index), t: the top one
  const t = sp - 4, s = sp - 8;
  let m: MemInst, a = 0, x = 0, y = 0, lane = 0;
  switch (op) {
    // ---- v128 globals and select (not wasm sub-opcodes) ----
    case O.GLOBAL_GET128: {
      const v = ctx.globals[code[pc++]].ref as Int32Array;
      i32[sp] = v[0];
      i32[sp + 1] = v[1];
      i32[sp + 2] = v[2];
      i32[sp + 3] = v[3];
      sp += 4;
      break;
    }
    case O.GLOBAL_SET128: {
      const v = ctx.globals[code[pc++]].ref as Int32Array;
      v[0] = i32[t];
      v[1] = i32[t + 1];
      v[2] = i32[t + 2];
      v[3] = i32[t + 3];
      sp -= 4;
      break;
    }
    case O.SELECT128: {
      // [v1 v2 c]: c at sp - 2, v2 at sp - 6, v1 at sp - 10
      const c = i32[sp - 2];
      sp -= 6;
      if (c === 0) {
        i32[sp - 4] = i32[sp];
        i32[sp - 3] = i32[sp + 1];
        i32[sp - 2] = i32[sp + 2];
        i32[sp - 1] = i32[sp + 3];
      }
      break;
    }

    // ---- loads: [i32] -> [v128] ----
    case O.SIMD_BASE + 0x00: // v128.load
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 16, m);
      pc += 2;
      {
        const dv = m.dv, w = sp - 2;
        i32[w] = dv.getInt32(a, true);
        i32[w + 1] = dv.getInt32(a + 4, true);
        i32[w + 2] = dv.getInt32(a + 8, true);
        i32[w + 3] = dv.getInt32(a + 12, true);
      }
      sp += 2;
      break;
    case O.SIMD_BASE + 0x01: // v128.load8x8_s
    case O.SIMD_BASE + 0x02: { // v128.load8x8_u
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 8, m);
      pc += 2;
      const h = 2 * (sp - 2), mb = m.u8;
      if (op === O.SIMD_BASE + 0x01) {
        for (let k = 0; k < 8; k++) i16[h + k] = (mb[a + k] << 24) >> 24;
      } else for (let k = 0; k < 8; k++) i16[h + k] = mb[a + k];
      sp += 2;
      break;
    }
    case O.SIMD_BASE + 0x03: // v128.load16x4_s
    case O.SIMD_BASE + 0x04: { // v128.load16x4_u
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 8, m);
      pc += 2;
      const w = sp - 2, dv = m.dv;
      if (op === O.SIMD_BASE + 0x03) {
        for (let k = 0; k < 4; k++) i32[w + k] = dv.getInt16(a + 2 * k, true);
      } else {
        for (let k = 0; k < 4; k++) i32[w + k] = dv.getUint16(a + 2 * k, true);
      }
      sp += 2;
      break;
    }
    case O.SIMD_BASE + 0x05: // v128.load32x2_s
    case O.SIMD_BASE + 0x06: { // v128.load32x2_u
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 8, m);
      pc += 2;
      const w = sp - 2, dv = m.dv;
      x = dv.getInt32(a, true);
      y = dv.getInt32(a + 4, true);
      const signed = op === O.SIMD_BASE + 0x05;
      i32[w] = x;
      i32[w + 1] = signed ? x >> 31 : 0;
      i32[w + 2] = y;
      i32[w + 3] = signed ? y >> 31 : 0;
      sp += 2;
      break;
    }
    case O.SIMD_BASE + 0x07: // v128.load8_splat
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 1, m);
      pc += 2;
      u8.fill(m.u8[a], 4 * (sp - 2), 4 * (sp + 2));
      sp += 2;
      break;
    case O.SIMD_BASE + 0x08: // v128.load16_splat
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 2, m);
      pc += 2;
      u16.fill(m.dv.getUint16(a, true), 2 * (sp - 2), 2 * (sp + 2));
      sp += 2;
      break;
    case O.SIMD_BASE + 0x09: // v128.load32_splat
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 4, m);
      pc += 2;
      x = m.dv.getInt32(a, true);
      i32[sp - 2] =
        i32[sp - 1] =
        i32[sp] =
        i32[sp + 1] =
          x;
      sp += 2;
      break;
    case O.SIMD_BASE + 0x0a: // v128.load64_splat
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 8, m);
      pc += 2;
      i32[sp - 2] = i32[sp] = m.dv.getInt32(a, true);
      i32[sp - 1] = i32[sp + 1] = m.dv.getInt32(a + 4, true);
      sp += 2;
      break;
    case O.SIMD_BASE + 0x5c: // v128.load32_zero
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 4, m);
      pc += 2;
      i32[sp - 2] = m.dv.getInt32(a, true);
      i32[sp - 1] = i32[sp] = i32[sp + 1] = 0;
      sp += 2;
      break;
    case O.SIMD_BASE + 0x5d: // v128.load64_zero
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 2], code[pc], 8, m);
      pc += 2;
      i32[sp - 2] = m.dv.getInt32(a, true);
      i32[sp - 1] = m.dv.getInt32(a + 4, true);
      i32[sp] = i32[sp + 1] = 0;
      sp += 2;
      break;

    // ---- stores: [i32 v128] -> [] ----
    case O.SIMD_BASE + 0x0b: { // v128.store
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 6], code[pc], 16, m);
      pc += 2;
      const dv = m.dv;
      dv.setInt32(a, i32[t], true);
      dv.setInt32(a + 4, i32[t + 1], true);
      dv.setInt32(a + 8, i32[t + 2], true);
      dv.setInt32(a + 12, i32[t + 3], true);
      sp -= 6;
      break;
    }

    // ---- lane loads: [i32 v128] -> [v128]; lane stores: [i32 v128] -> [] ----
    case O.SIMD_BASE + 0x54: // v128.load8_lane
    case O.SIMD_BASE + 0x55: // v128.load16_lane
    case O.SIMD_BASE + 0x56: // v128.load32_lane
    case O.SIMD_BASE + 0x57: { // v128.load64_lane
      const sz = op - (O.SIMD_BASE + 0x54);
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 6], code[pc], 1 << sz, m);
      lane = code[pc + 2];
      pc += 3;
      const w = sp - 6;
      i32[w] = i32[t];
      i32[w + 1] = i32[t + 1];
      i32[w + 2] = i32[t + 2];
      i32[w + 3] = i32[t + 3];
      if (sz === 0) u8[4 * w + lane] = m.u8[a];
      else if (sz === 1) u16[2 * w + lane] = m.dv.getUint16(a, true);
      else if (sz === 2) i32[w + lane] = m.dv.getInt32(a, true);
      else {
        i32[w + 2 * lane] = m.dv.getInt32(a, true);
        i32[w + 2 * lane + 1] = m.dv.getInt32(a + 4, true);
      }
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0x58: // v128.store8_lane
    case O.SIMD_BASE + 0x59: // v128.store16_lane
    case O.SIMD_BASE + 0x5a: // v128.store32_lane
    case O.SIMD_BASE + 0x5b: { // v128.store64_lane
      const sz = op - (O.SIMD_BASE + 0x58);
      m = ctx.mems[code[pc + 1]];
      a = ea(i32[sp - 6], code[pc], 1 << sz, m);
      lane = code[pc + 2];
      pc += 3;
      if (sz === 0) m.u8[a] = u8[4 * t + lane];
      else if (sz === 1) m.dv.setUint16(a, u16[2 * t + lane], true);
      else if (sz === 2) m.dv.setInt32(a, i32[t + lane], true);
      else {
        m.dv.setInt32(a, i32[t + 2 * lane], true);
        m.dv.setInt32(a + 4, i32[t + 2 * lane + 1], true);
      }
      sp -= 6;
      break;
    }

    // ---- shuffle and swizzle ----
    case O.SIMD_BASE + 0x0d: { // i8x16.shuffle
      for (let k = 0; k < 8; k++) SI[k] = i32[s + k];
      const bs = 4 * s;
      for (let k = 0; k < 4; k++) {
        const w = code[pc + k];
        u8[bs + 4 * k] = SU8[w & 31];
        u8[bs + 4 * k + 1] = SU8[(w >>> 8) & 31];
        u8[bs + 4 * k + 2] = SU8[(w >>> 16) & 31];
        u8[bs + 4 * k + 3] = SU8[(w >>> 24) & 31];
      }
      pc += 4;
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x0e: { // i8x16.swizzle
      for (let k = 0; k < 4; k++) SI[k] = i32[s + k];
      const bs = 4 * s, bt = 4 * t;
      for (let k = 0; k < 16; k++) {
        const j = u8[bt + k];
        u8[bs + k] = j < 16 ? SU8[j] : 0;
      }
      sp -= 4;
      break;
    }

    // ---- splats: [scalar] -> [v128] ----
    case O.SIMD_BASE + 0x0f: // i8x16.splat
      u8.fill(i32[sp - 2] & 255, 4 * (sp - 2), 4 * (sp + 2));
      sp += 2;
      break;
    case O.SIMD_BASE + 0x10: // i16x8.splat
      u16.fill(i32[sp - 2] & 0xffff, 2 * (sp - 2), 2 * (sp + 2));
      sp += 2;
      break;
    case O.SIMD_BASE + 0x11: // i32x4.splat
    case O.SIMD_BASE + 0x13: // f32x4.splat
      i32[sp - 1] = i32[sp] = i32[sp + 1] = i32[sp - 2];
      sp += 2;
      break;
    case O.SIMD_BASE + 0x12: // i64x2.splat
    case O.SIMD_BASE + 0x14: // f64x2.splat
      i32[sp] = i32[sp - 2];
      i32[sp + 1] = i32[sp - 1];
      sp += 2;
      break;

    // ---- lanes: extract [v128] -> [scalar], replace [v128 scalar] -> [v128] ----
    case O.SIMD_BASE + 0x15: // i8x16.extract_lane_s
      i32[t] = i8[4 * t + code[pc++]];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x16: // i8x16.extract_lane_u
      i32[t] = u8[4 * t + code[pc++]];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x18: // i16x8.extract_lane_s
      i32[t] = i16[2 * t + code[pc++]];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x19: // i16x8.extract_lane_u
      i32[t] = u16[2 * t + code[pc++]];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x1b: // i32x4.extract_lane
    case O.SIMD_BASE + 0x1f: // f32x4.extract_lane
      i32[t] = i32[t + code[pc++]];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x1d: // i64x2.extract_lane
    case O.SIMD_BASE + 0x21: // f64x2.extract_lane
      lane = code[pc++];
      x = i32[t + 2 * lane];
      y = i32[t + 2 * lane + 1];
      i32[t] = x;
      i32[t + 1] = y;
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x17: // i8x16.replace_lane
      u8[4 * (sp - 6) + code[pc++]] = i32[sp - 2];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x1a: // i16x8.replace_lane
      u16[2 * (sp - 6) + code[pc++]] = i32[sp - 2];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x1c: // i32x4.replace_lane
    case O.SIMD_BASE + 0x20: // f32x4.replace_lane
      i32[sp - 6 + code[pc++]] = i32[sp - 2];
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x1e: // i64x2.replace_lane
    case O.SIMD_BASE + 0x22: // f64x2.replace_lane
      lane = code[pc++];
      i32[sp - 6 + 2 * lane] = i32[sp - 2];
      i32[sp - 6 + 2 * lane + 1] = i32[sp - 1];
      sp -= 2;
      break;

    // ---- integer comparisons ----
    case O.SIMD_BASE + 0x23:
    case O.SIMD_BASE + 0x24:
    case O.SIMD_BASE + 0x25:
    case O.SIMD_BASE + 0x26:
    case O.SIMD_BASE + 0x27:
    case O.SIMD_BASE + 0x28:
    case O.SIMD_BASE + 0x29:
    case O.SIMD_BASE + 0x2a:
    case O.SIMD_BASE + 0x2b:
    case O.SIMD_BASE + 0x2c: { // i8x16 eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u
      const k = op - (O.SIMD_BASE + 0x23), bs = 4 * s, bt = 4 * t;
      for (let j = 0; j < 16; j++) {
        i8[bs + j] = cmp(k, i8[bs + j], i8[bt + j], u8[bs + j], u8[bt + j])
          ? -1
          : 0;
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x2d:
    case O.SIMD_BASE + 0x2e:
    case O.SIMD_BASE + 0x2f:
    case O.SIMD_BASE + 0x30:
    case O.SIMD_BASE + 0x31:
    case O.SIMD_BASE + 0x32:
    case O.SIMD_BASE + 0x33:
    case O.SIMD_BASE + 0x34:
    case O.SIMD_BASE + 0x35:
    case O.SIMD_BASE + 0x36: { // i16x8 comparisons
      const k = op - (O.SIMD_BASE + 0x2d), hs = 2 * s, ht = 2 * t;
      for (let j = 0; j < 8; j++) {
        i16[hs + j] = cmp(k, i16[hs + j], i16[ht + j], u16[hs + j], u16[ht + j])
          ? -1
          : 0;
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x37:
    case O.SIMD_BASE + 0x38:
    case O.SIMD_BASE + 0x39:
    case O.SIMD_BASE + 0x3a:
    case O.SIMD_BASE + 0x3b:
    case O.SIMD_BASE + 0x3c:
    case O.SIMD_BASE + 0x3d:
    case O.SIMD_BASE + 0x3e:
    case O.SIMD_BASE + 0x3f:
    case O.SIMD_BASE + 0x40: { // i32x4 comparisons
      const k = op - (O.SIMD_BASE + 0x37);
      for (let j = 0; j < 4; j++) {
        x = i32[s + j];
        y = i32[t + j];
        i32[s + j] = cmp(k, x, y, x >>> 0, y >>> 0) ? -1 : 0;
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0xd6:
    case O.SIMD_BASE + 0xd7:
    case O.SIMD_BASE + 0xd8:
    case O.SIMD_BASE + 0xd9:
    case O.SIMD_BASE + 0xda:
    case O.SIMD_BASE + 0xdb: { // i64x2 eq ne lt_s gt_s le_s ge_s
      const k = op - (O.SIMD_BASE + 0xd6);
      for (let j = 0; j < 4; j += 2) {
        const c = cmp64(i32[s + j], i32[s + j + 1], i32[t + j], i32[t + j + 1]);
        const r = k === 0
          ? c === 0
          : k === 1
          ? c !== 0
          : k === 2
          ? c < 0
          : k === 3
          ? c > 0
          : k === 4
          ? c <= 0
          : c >= 0;
        i32[s + j] = i32[s + j + 1] = r ? -1 : 0;
      }
      sp -= 4;
      break;
    }

    // ---- float comparisons ----
    case O.SIMD_BASE + 0x41:
    case O.SIMD_BASE + 0x42:
    case O.SIMD_BASE + 0x43:
    case O.SIMD_BASE + 0x44:
    case O.SIMD_BASE + 0x45:
    case O.SIMD_BASE + 0x46: { // f32x4 eq ne lt gt le ge
      const k = op - (O.SIMD_BASE + 0x41);
      for (let j = 0; j < 4; j++) {
        i32[s + j] = fcmp(k, f32[s + j], f32[t + j]) ? -1 : 0;
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x47:
    case O.SIMD_BASE + 0x48:
    case O.SIMD_BASE + 0x49:
    case O.SIMD_BASE + 0x4a:
    case O.SIMD_BASE + 0x4b:
    case O.SIMD_BASE + 0x4c: { // f64x2 eq ne lt gt le ge
      const k = op - (O.SIMD_BASE + 0x47), ds = s >> 1, dt = t >> 1;
      for (let j = 0; j < 2; j++) {
        i32[s + 2 * j] = i32[s + 2 * j + 1] = fcmp(k, f64[ds + j], f64[dt + j])
          ? -1
          : 0;
      }
      sp -= 4;
      break;
    }

    // ---- bitwise ----
    case O.SIMD_BASE + 0x4d: // v128.not
      i32[t] = ~i32[t];
      i32[t + 1] = ~i32[t + 1];
      i32[t + 2] = ~i32[t + 2];
      i32[t + 3] = ~i32[t + 3];
      break;
    case O.SIMD_BASE + 0x4e: // v128.and
      for (let j = 0; j < 4; j++) i32[s + j] &= i32[t + j];
      sp -= 4;
      break;
    case O.SIMD_BASE + 0x4f: // v128.andnot
      for (let j = 0; j < 4; j++) i32[s + j] &= ~i32[t + j];
      sp -= 4;
      break;
    case O.SIMD_BASE + 0x50: // v128.or
      for (let j = 0; j < 4; j++) i32[s + j] |= i32[t + j];
      sp -= 4;
      break;
    case O.SIMD_BASE + 0x51: // v128.xor
      for (let j = 0; j < 4; j++) i32[s + j] ^= i32[t + j];
      sp -= 4;
      break;
    case O.SIMD_BASE + 0x52: { // v128.bitselect [v1 v2 c]
      const v = sp - 12;
      for (let j = 0; j < 4; j++) {
        const c = i32[t + j];
        i32[v + j] = (i32[v + j] & c) | (i32[s + j] & ~c);
      }
      sp -= 8;
      break;
    }

    // ---- tests: [v128] -> [i32] ----
    case O.SIMD_BASE + 0x53: // v128.any_true
      i32[t] = (i32[t] | i32[t + 1] | i32[t + 2] | i32[t + 3]) !== 0 ? 1 : 0;
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x63: { // i8x16.all_true
      const bt = 4 * t;
      x = 1;
      for (let j = 0; j < 16; j++) if (u8[bt + j] === 0) x = 0;
      i32[t] = x;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0x83: { // i16x8.all_true
      const ht = 2 * t;
      x = 1;
      for (let j = 0; j < 8; j++) if (u16[ht + j] === 0) x = 0;
      i32[t] = x;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0xa3: // i32x4.all_true
      i32[t] = i32[t] !== 0 && i32[t + 1] !== 0 && i32[t + 2] !== 0 &&
          i32[t + 3] !== 0
        ? 1
        : 0;
      sp -= 2;
      break;
    case O.SIMD_BASE + 0xc3: // i64x2.all_true
      i32[t] = (i32[t] | i32[t + 1]) !== 0 && (i32[t + 2] | i32[t + 3]) !== 0
        ? 1
        : 0;
      sp -= 2;
      break;
    case O.SIMD_BASE + 0x64: { // i8x16.bitmask
      const bt = 4 * t;
      x = 0;
      for (let j = 0; j < 16; j++) x |= (u8[bt + j] >>> 7) << j;
      i32[t] = x;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0x84: { // i16x8.bitmask
      const ht = 2 * t;
      x = 0;
      for (let j = 0; j < 8; j++) x |= (u16[ht + j] >>> 15) << j;
      i32[t] = x;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0xa4: // i32x4.bitmask
      i32[t] = (i32[t] >>> 31) | ((i32[t + 1] >>> 31) << 1) |
        ((i32[t + 2] >>> 31) << 2) | ((i32[t + 3] >>> 31) << 3);
      sp -= 2;
      break;
    case O.SIMD_BASE + 0xc4: // i64x2.bitmask
      i32[t] = (i32[t + 1] >>> 31) | ((i32[t + 3] >>> 31) << 1);
      sp -= 2;
      break;

    // ---- i8x16 arithmetic ----
    case O.SIMD_BASE + 0x60: { // i8x16.abs
      const bt = 4 * t;
      for (let j = 0; j < 16; j++) {
        x = i8[bt + j];
        i8[bt + j] = x < 0 ? -x : x;
      }
      break;
    }
    case O.SIMD_BASE + 0x61: { // i8x16.neg
      const bt = 4 * t;
      for (let j = 0; j < 16; j++) i8[bt + j] = -i8[bt + j];
      break;
    }
    case O.SIMD_BASE + 0x62: { // i8x16.popcnt
      const bt = 4 * t;
      for (let j = 0; j < 16; j++) u8[bt + j] = POPCNT[u8[bt + j]];
      break;
    }
    case O.SIMD_BASE + 0x6b: // i8x16.shl
    case O.SIMD_BASE + 0x6c: // i8x16.shr_s
    case O.SIMD_BASE + 0x6d: { // i8x16.shr_u
      const n = i32[sp - 2] & 7, b = 4 * (sp - 6);
      if (op === O.SIMD_BASE + 0x6b) {
        for (let j = 0; j < 16; j++) u8[b + j] = u8[b + j] << n;
      } else if (op === O.SIMD_BASE + 0x6c) {
        for (let j = 0; j < 16; j++) i8[b + j] = i8[b + j] >> n;
      } else for (let j = 0; j < 16; j++) u8[b + j] = u8[b + j] >>> n;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0x6e: { // i8x16.add
      // SWAR: add the low 7 bits of each byte, then fix the top bits
      for (let j = 0; j < 4; j++) {
        x = i32[s + j];
        y = i32[t + j];
        i32[s + j] = ((x & 0x7f7f7f7f) + (y & 0x7f7f7f7f)) ^
          ((x ^ y) & 0x80808080);
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x71: { // i8x16.sub
      for (let j = 0; j < 4; j++) {
        x = i32[s + j];
        y = i32[t + j];
        i32[s + j] = ((x | 0x80808080) - (y & 0x7f7f7f7f)) ^
          ((x ^ ~y) & 0x80808080);
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x6f: // i8x16.add_sat_s
    case O.SIMD_BASE + 0x70: // i8x16.add_sat_u
    case O.SIMD_BASE + 0x72: // i8x16.sub_sat_s
    case O.SIMD_BASE + 0x73: // i8x16.sub_sat_u
    case O.SIMD_BASE + 0x76: // i8x16.min_s
    case O.SIMD_BASE + 0x77: // i8x16.min_u
    case O.SIMD_BASE + 0x78: // i8x16.max_s
    case O.SIMD_BASE + 0x79: // i8x16.max_u
    case O.SIMD_BASE + 0x7b: { // i8x16.avgr_u
      const bs = 4 * s, bt = 4 * t;
      switch (op - O.SIMD_BASE) {
        case 0x6f:
          for (let j = 0; j < 16; j++) {
            i8[bs + j] = sat8s(i8[bs + j] + i8[bt + j]);
          }
          break;
        case 0x70:
          for (let j = 0; j < 16; j++) {
            u8[bs + j] = sat8u(u8[bs + j] + u8[bt + j]);
          }
          break;
        case 0x72:
          for (let j = 0; j < 16; j++) {
            i8[bs + j] = sat8s(i8[bs + j] - i8[bt + j]);
          }
          break;
        case 0x73:
          for (let j = 0; j < 16; j++) {
            u8[bs + j] = sat8u(u8[bs + j] - u8[bt + j]);
          }
          break;
        case 0x76:
          for (let j = 0; j < 16; j++) {
            if (i8[bt + j] < i8[bs + j]) i8[bs + j] = i8[bt + j];
          }
          break;
        case 0x77:
          for (let j = 0; j < 16; j++) {
            if (u8[bt + j] < u8[bs + j]) u8[bs + j] = u8[bt + j];
          }
          break;
        case 0x78:
          for (let j = 0; j < 16; j++) {
            if (i8[bt + j] > i8[bs + j]) i8[bs + j] = i8[bt + j];
          }
          break;
        case 0x79:
          for (let j = 0; j < 16; j++) {
            if (u8[bt + j] > u8[bs + j]) u8[bs + j] = u8[bt + j];
          }
          break;
        default:
          for (let j = 0; j < 16; j++) {
            u8[bs + j] = (u8[bs + j] + u8[bt + j] + 1) >>> 1;
          }
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x65: // i8x16.narrow_i16x8_s
    case O.SIMD_BASE + 0x66: { // i8x16.narrow_i16x8_u
      // result word j reads words 2j and 2j + 1 of the pair: in place, in order
      const f = op === O.SIMD_BASE + 0x65 ? narrowS8 : narrowU8;
      for (let j = 0; j < 4; j++) {
        i32[s + j] = f(i32[s + 2 * j], i32[s + 2 * j + 1]);
      }
      sp -= 4;
      break;
    }

    // ---- i16x8 arithmetic ----
    case O.SIMD_BASE + 0x7c: // i16x8.extadd_pairwise_i8x16_s
    case O.SIMD_BASE + 0x7d: { // i16x8.extadd_pairwise_i8x16_u
      for (let j = 0; j < 4; j++) SI[j] = i32[t + j];
      const ht = 2 * t;
      if (op === O.SIMD_BASE + 0x7c) {
        for (let j = 0; j < 8; j++) i16[ht + j] = SI8[2 * j] + SI8[2 * j + 1];
      } else {
        for (let j = 0; j < 8; j++) i16[ht + j] = SU8[2 * j] + SU8[2 * j + 1];
      }
      break;
    }
    case O.SIMD_BASE + 0x80: { // i16x8.abs
      const ht = 2 * t;
      for (let j = 0; j < 8; j++) {
        x = i16[ht + j];
        i16[ht + j] = x < 0 ? -x : x;
      }
      break;
    }
    case O.SIMD_BASE + 0x81: { // i16x8.neg
      const ht = 2 * t;
      for (let j = 0; j < 8; j++) i16[ht + j] = -i16[ht + j];
      break;
    }
    case O.SIMD_BASE + 0x82: { // i16x8.q15mulr_sat_s
      const hs = 2 * s, ht = 2 * t;
      for (let j = 0; j < 8; j++) {
        i16[hs + j] = sat16s((i16[hs + j] * i16[ht + j] + 0x4000) >> 15);
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x85: // i16x8.narrow_i32x4_s
    case O.SIMD_BASE + 0x86: { // i16x8.narrow_i32x4_u
      const f = op === O.SIMD_BASE + 0x85 ? narrowS16 : narrowU16;
      for (let j = 0; j < 4; j++) {
        i32[s + j] = f(i32[s + 2 * j], i32[s + 2 * j + 1]);
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x87: // i16x8.extend_low_i8x16_s
    case O.SIMD_BASE + 0x88: // i16x8.extend_high_i8x16_s
    case O.SIMD_BASE + 0x89: // i16x8.extend_low_i8x16_u
    case O.SIMD_BASE + 0x8a: { // i16x8.extend_high_i8x16_u
      for (let j = 0; j < 4; j++) SI[j] = i32[t + j];
      const k = op - (O.SIMD_BASE + 0x87), o = k & 1 ? 8 : 0, ht = 2 * t;
      if (k < 2) { for (let j = 0; j < 8; j++) i16[ht + j] = SI8[o + j]; }
      else for (let j = 0; j < 8; j++) i16[ht + j] = SU8[o + j];
      break;
    }
    case O.SIMD_BASE + 0x8b: // i16x8.shl
    case O.SIMD_BASE + 0x8c: // i16x8.shr_s
    case O.SIMD_BASE + 0x8d: { // i16x8.shr_u
      const n = i32[sp - 2] & 15, h = 2 * (sp - 6);
      if (op === O.SIMD_BASE + 0x8b) {
        for (let j = 0; j < 8; j++) u16[h + j] = u16[h + j] << n;
      } else if (op === O.SIMD_BASE + 0x8c) {
        for (let j = 0; j < 8; j++) i16[h + j] = i16[h + j] >> n;
      } else for (let j = 0; j < 8; j++) u16[h + j] = u16[h + j] >>> n;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0x8e: // i16x8.add
    case O.SIMD_BASE + 0x8f: // i16x8.add_sat_s
    case O.SIMD_BASE + 0x90: // i16x8.add_sat_u
    case O.SIMD_BASE + 0x91: // i16x8.sub
    case O.SIMD_BASE + 0x92: // i16x8.sub_sat_s
    case O.SIMD_BASE + 0x93: // i16x8.sub_sat_u
    case O.SIMD_BASE + 0x95: // i16x8.mul
    case O.SIMD_BASE + 0x96: // i16x8.min_s
    case O.SIMD_BASE + 0x97: // i16x8.min_u
    case O.SIMD_BASE + 0x98: // i16x8.max_s
    case O.SIMD_BASE + 0x99: // i16x8.max_u
    case O.SIMD_BASE + 0x9b: { // i16x8.avgr_u
      const hs = 2 * s, ht = 2 * t;
      switch (op - O.SIMD_BASE) {
        case 0x8e:
          for (let j = 0; j < 8; j++) i16[hs + j] = i16[hs + j] + i16[ht + j];
          break;
        case 0x8f:
          for (let j = 0; j < 8; j++) {
            i16[hs + j] = sat16s(i16[hs + j] + i16[ht + j]);
          }
          break;
        case 0x90:
          for (let j = 0; j < 8; j++) {
            u16[hs + j] = sat16u(u16[hs + j] + u16[ht + j]);
          }
          break;
        case 0x91:
          for (let j = 0; j < 8; j++) i16[hs + j] = i16[hs + j] - i16[ht + j];
          break;
        case 0x92:
          for (let j = 0; j < 8; j++) {
            i16[hs + j] = sat16s(i16[hs + j] - i16[ht + j]);
          }
          break;
        case 0x93:
          for (let j = 0; j < 8; j++) {
            u16[hs + j] = sat16u(u16[hs + j] - u16[ht + j]);
          }
          break;
        case 0x95:
          for (let j = 0; j < 8; j++) {
            i16[hs + j] = Math.imul(i16[hs + j], i16[ht + j]);
          }
          break;
        case 0x96:
          for (let j = 0; j < 8; j++) {
            if (i16[ht + j] < i16[hs + j]) i16[hs + j] = i16[ht + j];
          }
          break;
        case 0x97:
          for (let j = 0; j < 8; j++) {
            if (u16[ht + j] < u16[hs + j]) u16[hs + j] = u16[ht + j];
          }
          break;
        case 0x98:
          for (let j = 0; j < 8; j++) {
            if (i16[ht + j] > i16[hs + j]) i16[hs + j] = i16[ht + j];
          }
          break;
        case 0x99:
          for (let j = 0; j < 8; j++) {
            if (u16[ht + j] > u16[hs + j]) u16[hs + j] = u16[ht + j];
          }
          break;
        default:
          for (let j = 0; j < 8; j++) {
            u16[hs + j] = (u16[hs + j] + u16[ht + j] + 1) >>> 1;
          }
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0x9c: // i16x8.extmul_low_i8x16_s
    case O.SIMD_BASE + 0x9d: // i16x8.extmul_high_i8x16_s
    case O.SIMD_BASE + 0x9e: // i16x8.extmul_low_i8x16_u
    case O.SIMD_BASE + 0x9f: { // i16x8.extmul_high_i8x16_u
      for (let j = 0; j < 8; j++) SI[j] = i32[s + j];
      const k = op - (O.SIMD_BASE + 0x9c), o = k & 1 ? 8 : 0, hs = 2 * s;
      if (k < 2) {
        for (let j = 0; j < 8; j++) i16[hs + j] = SI8[o + j] * SI8[16 + o + j];
      } else {
        for (let j = 0; j < 8; j++) i16[hs + j] = SU8[o + j] * SU8[16 + o + j];
      }
      sp -= 4;
      break;
    }

    // ---- i32x4 arithmetic ----
    case O.SIMD_BASE + 0x7e: // i32x4.extadd_pairwise_i16x8_s
    case O.SIMD_BASE + 0x7f: // i32x4.extadd_pairwise_i16x8_u
      for (let j = 0; j < 4; j++) SI[j] = i32[t + j];
      if (op === O.SIMD_BASE + 0x7e) {
        for (let j = 0; j < 4; j++) i32[t + j] = SI16[2 * j] + SI16[2 * j + 1];
      } else {
        for (let j = 0; j < 4; j++) i32[t + j] = SU16[2 * j] + SU16[2 * j + 1];
      }
      break;
    case O.SIMD_BASE + 0xa0: // i32x4.abs
      for (let j = 0; j < 4; j++) {
        x = i32[t + j];
        i32[t + j] = x < 0 ? -x | 0 : x;
      }
      break;
    case O.SIMD_BASE + 0xa1: // i32x4.neg
      for (let j = 0; j < 4; j++) i32[t + j] = -i32[t + j] | 0;
      break;
    case O.SIMD_BASE + 0xa7: // i32x4.extend_low_i16x8_s
    case O.SIMD_BASE + 0xa8: // i32x4.extend_high_i16x8_s
    case O.SIMD_BASE + 0xa9: // i32x4.extend_low_i16x8_u
    case O.SIMD_BASE + 0xaa: { // i32x4.extend_high_i16x8_u
      for (let j = 0; j < 4; j++) SI[j] = i32[t + j];
      const k = op - (O.SIMD_BASE + 0xa7), o = k & 1 ? 4 : 0;
      if (k < 2) { for (let j = 0; j < 4; j++) i32[t + j] = SI16[o + j]; }
      else for (let j = 0; j < 4; j++) i32[t + j] = SU16[o + j];
      break;
    }
    case O.SIMD_BASE + 0xab: // i32x4.shl
    case O.SIMD_BASE + 0xac: // i32x4.shr_s
    case O.SIMD_BASE + 0xad: { // i32x4.shr_u
      const n = i32[sp - 2] & 31, w = sp - 6;
      if (op === O.SIMD_BASE + 0xab) {
        for (let j = 0; j < 4; j++) i32[w + j] <<= n;
      } else if (op === O.SIMD_BASE + 0xac) {
        for (let j = 0; j < 4; j++) i32[w + j] >>= n;
      } else for (let j = 0; j < 4; j++) i32[w + j] = i32[w + j] >>> n;
      sp -= 2;
      break;
    }
    case O.SIMD_BASE + 0xae: // i32x4.add
      for (let j = 0; j < 4; j++) i32[s + j] = (i32[s + j] + i32[t + j]) | 0;
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xb1: // i32x4.sub
      for (let j = 0; j < 4; j++) i32[s + j] = (i32[s + j] - i32[t + j]) | 0;
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xb5: // i32x4.mul
      for (let j = 0; j < 4; j++) {
        i32[s + j] = Math.imul(i32[s + j], i32[t + j]);
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xb6: // i32x4.min_s
      for (let j = 0; j < 4; j++) {
        if (i32[t + j] < i32[s + j]) i32[s + j] = i32[t + j];
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xb7: // i32x4.min_u
      for (let j = 0; j < 4; j++) {
        if (i32[t + j] >>> 0 < i32[s + j] >>> 0) i32[s + j] = i32[t + j];
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xb8: // i32x4.max_s
      for (let j = 0; j < 4; j++) {
        if (i32[t + j] > i32[s + j]) i32[s + j] = i32[t + j];
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xb9: // i32x4.max_u
      for (let j = 0; j < 4; j++) {
        if (i32[t + j] >>> 0 > i32[s + j] >>> 0) i32[s + j] = i32[t + j];
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xba: { // i32x4.dot_i16x8_s
      const hs = 2 * s, ht = 2 * t;
      for (let j = 0; j < 4; j++) {
        i32[s + j] = (i16[hs + 2 * j] * i16[ht + 2 * j] +
          i16[hs + 2 * j + 1] * i16[ht + 2 * j + 1]) | 0;
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0xbc: // i32x4.extmul_low_i16x8_s
    case O.SIMD_BASE + 0xbd: // i32x4.extmul_high_i16x8_s
    case O.SIMD_BASE + 0xbe: // i32x4.extmul_low_i16x8_u
    case O.SIMD_BASE + 0xbf: { // i32x4.extmul_high_i16x8_u
      for (let j = 0; j < 8; j++) SI[j] = i32[s + j];
      const k = op - (O.SIMD_BASE + 0xbc), o = k & 1 ? 4 : 0;
      if (k < 2) {
        for (let j = 0; j < 4; j++) i32[s + j] = SI16[o + j] * SI16[8 + o + j];
      } else {
        for (let j = 0; j < 4; j++) {
          i32[s + j] = (SU16[o + j] * SU16[8 + o + j]) | 0;
        }
      }
      sp -= 4;
      break;
    }

    // ---- i64x2 arithmetic ----
    case O.SIMD_BASE + 0xc0: // i64x2.abs
    case O.SIMD_BASE + 0xc1: // i64x2.neg
      for (let j = t; j < t + 4; j += 2) {
        if (op === O.SIMD_BASE + 0xc0 && i32[j + 1] >= 0) continue;
        const lo = i32[j];
        i32[j] = -lo | 0;
        i32[j + 1] = (~i32[j + 1] + (lo === 0 ? 1 : 0)) | 0;
      }
      break;
    case O.SIMD_BASE + 0xc7: // i64x2.extend_low_i32x4_s
    case O.SIMD_BASE + 0xc8: // i64x2.extend_high_i32x4_s
    case O.SIMD_BASE + 0xc9: // i64x2.extend_low_i32x4_u
    case O.SIMD_BASE + 0xca: { // i64x2.extend_high_i32x4_u
      const k = op - (O.SIMD_BASE + 0xc7), o = k & 1 ? 2 : 0;
      x = i32[t + o];
      y = i32[t + o + 1];
      i32[t] = x;
      i32[t + 1] = k < 2 ? x >> 31 : 0;
      i32[t + 2] = y;
      i32[t + 3] = k < 2 ? y >> 31 : 0;
      break;
    }
    case O.SIMD_BASE + 0xcb: // i64x2.shl
    case O.SIMD_BASE + 0xcc: // i64x2.shr_s
    case O.SIMD_BASE + 0xcd: // i64x2.shr_u
      shift64(sp - 6, op - (O.SIMD_BASE + 0xcb), i32[sp - 2] & 63);
      sp -= 2;
      break;
    case O.SIMD_BASE + 0xce: // i64x2.add
      for (let j = 0; j < 4; j += 2) {
        const lo = (i32[s + j] >>> 0) + (i32[t + j] >>> 0);
        i32[s + j + 1] = (i32[s + j + 1] + i32[t + j + 1] +
          (lo > 0xffffffff ? 1 : 0)) | 0;
        i32[s + j] = lo | 0;
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xd1: // i64x2.sub
      for (let j = 0; j < 4; j += 2) {
        const lo = (i32[s + j] >>> 0) - (i32[t + j] >>> 0);
        i32[s + j + 1] = (i32[s + j + 1] - i32[t + j + 1] - (lo < 0 ? 1 : 0)) |
          0;
        i32[s + j] = lo | 0;
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xd5: // i64x2.mul
      for (let j = 0; j < 4; j += 2) {
        const alo = i32[s + j], ahi = i32[s + j + 1];
        const blo = i32[t + j], bhi = i32[t + j + 1];
        i32[s + j + 1] = (mulhu(alo, blo) + Math.imul(alo, bhi) +
          Math.imul(ahi, blo)) | 0;
        i32[s + j] = Math.imul(alo, blo);
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xdc: // i64x2.extmul_low_i32x4_s
    case O.SIMD_BASE + 0xdd: // i64x2.extmul_high_i32x4_s
    case O.SIMD_BASE + 0xde: // i64x2.extmul_low_i32x4_u
    case O.SIMD_BASE + 0xdf: { // i64x2.extmul_high_i32x4_u
      const k = op - (O.SIMD_BASE + 0xdc), o = k & 1 ? 2 : 0;
      const a0 = i32[s + o], a1 = i32[s + o + 1];
      const b0 = i32[t + o], b1 = i32[t + o + 1];
      const sg = k < 2;
      // the 64-bit product of the sign- or zero-extended operands
      i32[s] = Math.imul(a0, b0);
      i32[s + 1] = (mulhu(a0, b0) +
        (sg ? Math.imul(a0, b0 >> 31) + Math.imul(a0 >> 31, b0) : 0)) | 0;
      i32[s + 2] = Math.imul(a1, b1);
      i32[s + 3] = (mulhu(a1, b1) +
        (sg ? Math.imul(a1, b1 >> 31) + Math.imul(a1 >> 31, b1) : 0)) | 0;
      sp -= 4;
      break;
    }

    // ---- f32x4 ----
    case O.SIMD_BASE + 0xe0: // f32x4.abs
      for (let j = 0; j < 4; j++) i32[t + j] &= 0x7fffffff;
      break;
    case O.SIMD_BASE + 0xe1: // f32x4.neg
      for (let j = 0; j < 4; j++) i32[t + j] ^= -2147483648;
      break;
    case O.SIMD_BASE + 0xe3: // f32x4.sqrt
      for (let j = 0; j < 4; j++) put32(t + j, Math.sqrt(f32[t + j]));
      break;
    case O.SIMD_BASE + 0xe4: // f32x4.add
    case O.SIMD_BASE + 0xe5: // f32x4.sub
    case O.SIMD_BASE + 0xe6: // f32x4.mul
    case O.SIMD_BASE + 0xe7: // f32x4.div
    case O.SIMD_BASE + 0xe8: // f32x4.min
    case O.SIMD_BASE + 0xe9: { // f32x4.max
      const k = op - (O.SIMD_BASE + 0xe4);
      for (let j = 0; j < 4; j++) {
        put32(s + j, farith(k, f32[s + j], f32[t + j]));
      }
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0xea: // f32x4.pmin: b < a ? b : a (bits kept)
      for (let j = 0; j < 4; j++) {
        if (f32[t + j] < f32[s + j]) i32[s + j] = i32[t + j];
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xeb: // f32x4.pmax: a < b ? b : a (bits kept)
      for (let j = 0; j < 4; j++) {
        if (f32[s + j] < f32[t + j]) i32[s + j] = i32[t + j];
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0x67: // f32x4.ceil
    case O.SIMD_BASE + 0x68: // f32x4.floor
    case O.SIMD_BASE + 0x69: // f32x4.trunc
    case O.SIMD_BASE + 0x6a: { // f32x4.nearest
      const k = op - (O.SIMD_BASE + 0x67);
      for (let j = 0; j < 4; j++) {
        x = f32[t + j];
        put32(t + j, x !== x ? x : fround(k, x));
      }
      break;
    }

    // ---- f64x2 ----
    case O.SIMD_BASE + 0xec: // f64x2.abs
      i32[t + 1] &= 0x7fffffff;
      i32[t + 3] &= 0x7fffffff;
      break;
    case O.SIMD_BASE + 0xed: // f64x2.neg
      i32[t + 1] ^= -2147483648;
      i32[t + 3] ^= -2147483648;
      break;
    case O.SIMD_BASE + 0xef: // f64x2.sqrt
      put64(t, Math.sqrt(f64[t >> 1]));
      put64(t + 2, Math.sqrt(f64[(t >> 1) + 1]));
      break;
    case O.SIMD_BASE + 0xf0: // f64x2.add
    case O.SIMD_BASE + 0xf1: // f64x2.sub
    case O.SIMD_BASE + 0xf2: // f64x2.mul
    case O.SIMD_BASE + 0xf3: // f64x2.div
    case O.SIMD_BASE + 0xf4: // f64x2.min
    case O.SIMD_BASE + 0xf5: { // f64x2.max
      const k = op - (O.SIMD_BASE + 0xf0), ds = s >> 1, dt = t >> 1;
      put64(s, farith(k, f64[ds], f64[dt]));
      put64(s + 2, farith(k, f64[ds + 1], f64[dt + 1]));
      sp -= 4;
      break;
    }
    case O.SIMD_BASE + 0xf6: // f64x2.pmin
      for (let j = 0; j < 4; j += 2) {
        if (f64[(t + j) >> 1] < f64[(s + j) >> 1]) {
          i32[s + j] = i32[t + j];
          i32[s + j + 1] = i32[t + j + 1];
        }
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0xf7: // f64x2.pmax
      for (let j = 0; j < 4; j += 2) {
        if (f64[(s + j) >> 1] < f64[(t + j) >> 1]) {
          i32[s + j] = i32[t + j];
          i32[s + j + 1] = i32[t + j + 1];
        }
      }
      sp -= 4;
      break;
    case O.SIMD_BASE + 0x74: // f64x2.ceil
    case O.SIMD_BASE + 0x75: // f64x2.floor
    case O.SIMD_BASE + 0x7a: // f64x2.trunc
    case O.SIMD_BASE + 0x94: { // f64x2.nearest
      const k = op === O.SIMD_BASE + 0x74
        ? 0
        : op === O.SIMD_BASE + 0x75
        ? 1
        : op === O.SIMD_BASE + 0x7a
        ? 2
        : 3;
      for (let j = 0; j < 4; j += 2) {
        x = f64[(t + j) >> 1];
        put64(t + j, x !== x ? x : fround(k, x));
      }
      break;
    }

    // ---- conversions ----
    case O.SIMD_BASE + 0x5e: // f32x4.demote_f64x2_zero
      x = f64[t >> 1];
      y = f64[(t >> 1) + 1];
      put32(t, x);
      put32(t + 1, y);
      i32[t + 2] = i32[t + 3] = 0;
      break;
    case O.SIMD_BASE + 0x5f: // f64x2.promote_low_f32x4
      x = f32[t];
      y = f32[t + 1];
      put64(t, x);
      put64(t + 2, y);
      break;
    case O.SIMD_BASE + 0xf8: // i32x4.trunc_sat_f32x4_s
      for (let j = 0; j < 4; j++) i32[t + j] = satS32(f32[t + j]);
      break;
    case O.SIMD_BASE + 0xf9: // i32x4.trunc_sat_f32x4_u
      for (let j = 0; j < 4; j++) i32[t + j] = satU32(f32[t + j]);
      break;
    case O.SIMD_BASE + 0xfa: // f32x4.convert_i32x4_s
      for (let j = 0; j < 4; j++) f32[t + j] = i32[t + j];
      break;
    case O.SIMD_BASE + 0xfb: // f32x4.convert_i32x4_u
      for (let j = 0; j < 4; j++) f32[t + j] = i32[t + j] >>> 0;
      break;
    case O.SIMD_BASE + 0xfc: // i32x4.trunc_sat_f64x2_s_zero
    case O.SIMD_BASE + 0xfd: // i32x4.trunc_sat_f64x2_u_zero
      x = f64[t >> 1];
      y = f64[(t >> 1) + 1];
      if (op === O.SIMD_BASE + 0xfc) {
        i32[t] = satS32(x);
        i32[t + 1] = satS32(y);
      } else {
        i32[t] = satU32(x);
        i32[t + 1] = satU32(y);
      }
      i32[t + 2] = i32[t + 3] = 0;
      break;
    case O.SIMD_BASE + 0xfe: // f64x2.convert_low_i32x4_s
      x = i32[t];
      y = i32[t + 1];
      f64[t >> 1] = x;
      f64[(t >> 1) + 1] = y;
      break;
    case O.SIMD_BASE + 0xff: // f64x2.convert_low_i32x4_u
      x = i32[t] >>> 0;
      y = i32[t + 1] >>> 0;
      f64[t >> 1] = x;
      f64[(t >> 1) + 1] = y;
      break;

    default:
      throw new RuntimeError(
        `internal error: bad SIMD opcode 0x${op.toString(16)} at ${pc - 1}`,
      );
  }
  SIMD_PC = pc;
  return sp;
}
