/**
 * 64-bit integer helpers on 32-bit halves (no BigInt on the hot paths). Functions return the low
 * word and leave the high word in `R64.hi`.
 * @module
 */
import { trap } from "./errors.ts";
import { slowWork } from "./jit/rt.ts";

/** Holder of the high word produced by the helpers. */
export const R64: { hi: number } = { hi: 0 };

/** High 32 bits of the unsigned 32x32 product. */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  // every partial sum stays below 2^32, so the shifts are exact
  const m1 = a1 * b0 + ((a0 * b0) >>> 16);
  const w1 = (m1 & 0xffff) + a0 * b1;
  return (a1 * b1 + (m1 >>> 16) + (w1 >>> 16)) | 0;
}

/** 64-bit multiply; returns lo, hi in R64.hi. */
export function mul64(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  R64.hi = (mulhu(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  return Math.imul(alo, blo);
}

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** The result of a BigInt path (about 250 ns: charged as slow work, see rt.ts slowWork). */
function fromBig(v: bigint): number {
  slowWork(32);
  R64.hi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

const fits53 = (hi: number) => hi >= -2097152 && hi < 2097152;

/** Remainder of the last udiv64by32 call. */
let REM = 0;

/**
 * Unsigned 64/32 division without BigInt: (ahi:alo) / b for 0 < b < 2^32, by two 16-bit
 * long-division steps in doubles (all intermediates < 2^48, exact). Returns lo, sets R64.hi and REM.
 */
function udiv64by32(alo: number, ahi: number, b: number): number {
  const ah = ahi >>> 0, al = alo >>> 0;
  if (b < 2097152) {
    // r < b < 2^21, so r * 2^32 + al < 2^53 is exact: one division for the low word, then a
    // correction of the rounded quotient by at most one
    const qh = Math.floor(ah / b);
    const t = (ah - qh * b) * 4294967296 + al;
    let q = Math.floor(t / b);
    let r = t - q * b;
    if (r < 0) {
      q--;
      r += b;
    } else if (r >= b) {
      q++;
      r -= b;
    }
    REM = r;
    R64.hi = qh | 0;
    return q | 0;
  }
  const qh = Math.floor(ah / b);
  let r = ah - qh * b;
  let t = r * 65536 + (al >>> 16);
  const q1 = Math.floor(t / b);
  r = t - q1 * b;
  t = r * 65536 + (al & 0xffff);
  const q0 = Math.floor(t / b);
  REM = t - q0 * b;
  R64.hi = qh | 0;
  return (q1 * 65536 + q0) | 0;
}

function neg64(lo: number, hi: number): number {
  const nlo = (~lo + 1) | 0;
  R64.hi = (~hi + (nlo === 0 ? 1 : 0)) | 0;
  return nlo;
}

/** |b| when the signed divisor's magnitude is below 2^32, else 0. */
function smallAbs(blo: number, bhi: number): number {
  if (bhi === 0) return blo >>> 0;
  if (bhi === -1 && blo !== 0) return (-blo) >>> 0;
  return 0;
}

/** Signed 64-by-small division/remainder without BigInt; returns lo, sets R64.hi. */
function sdivSmall(
  alo: number,
  ahi: number,
  _blo: number,
  bhi: number,
  b: number,
  rem: boolean,
): number {
  const aneg = ahi < 0;
  let ulo = alo, uhi = ahi;
  if (aneg) {
    ulo = neg64(alo, ahi);
    uhi = R64.hi;
  }
  let qlo = udiv64by32(ulo, uhi, b);
  if (rem) {
    // remainder has the sign of the dividend
    const r = REM;
    if (aneg && r !== 0) return neg64(r | 0, 0);
    R64.hi = 0;
    return r | 0;
  }
  if (aneg !== (bhi < 0)) {
    qlo = neg64(qlo, R64.hi);
  }
  return qlo;
}

function fromNum(v: number): number {
  const hi = Math.floor(v / 4294967296);
  R64.hi = hi | 0;
  return (v - hi * 4294967296) | 0;
}

/** Signed 64-bit division (traps as the spec requires). */
export function divS64(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  if (blo === 0 && bhi === 0) trap("integer divide by zero");
  if (fits53(ahi) && fits53(bhi)) {
    const a = ahi * 4294967296 + (alo >>> 0),
      b = bhi * 4294967296 + (blo >>> 0);
    return fromNum(Math.trunc(a / b));
  }
  if (ahi === -2147483648 && alo === 0 && blo === -1 && bhi === -1) {
    trap("integer overflow");
  }
  return fromBig(
    BigInt.asIntN(64, toBig(alo, ahi)) / BigInt.asIntN(64, toBig(blo, bhi)),
  );
}

/** Unsigned 64-bit division. */
export function divU64(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  if (blo === 0 && bhi === 0) trap("integer divide by zero");
  if ((ahi >>> 0) < 2097152 && (bhi >>> 0) < 2097152) {
    const a = (ahi >>> 0) * 4294967296 + (alo >>> 0),
      b = (bhi >>> 0) * 4294967296 + (blo >>> 0);
    return fromNum(Math.floor(a / b));
  }
  if (bhi === 0) return udiv64by32(alo, ahi, blo >>> 0);
  return fromBig(
    BigInt.asUintN(64, toBig(alo, ahi)) / BigInt.asUintN(64, toBig(blo, bhi)),
  );
}

/** Signed 64-bit remainder. */
export function remS64(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  if (blo === 0 && bhi === 0) trap("integer divide by zero");
  if (fits53(ahi) && fits53(bhi)) {
    const a = ahi * 4294967296 + (alo >>> 0),
      b = bhi * 4294967296 + (blo >>> 0);
    const r = a % b;
    return fromNum(r === 0 ? 0 : r);
  }
  if (blo === -1 && bhi === -1) {
    R64.hi = 0;
    return 0;
  }
  const sb = smallAbs(blo, bhi);
  if (sb !== 0) return sdivSmall(alo, ahi, blo, bhi, sb, true);
  return fromBig(
    BigInt.asIntN(64, toBig(alo, ahi)) % BigInt.asIntN(64, toBig(blo, bhi)),
  );
}

/** Unsigned 64-bit remainder. */
export function remU64(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  if (blo === 0 && bhi === 0) trap("integer divide by zero");
  if ((ahi >>> 0) < 2097152 && (bhi >>> 0) < 2097152) {
    const a = (ahi >>> 0) * 4294967296 + (alo >>> 0),
      b = (bhi >>> 0) * 4294967296 + (blo >>> 0);
    return fromNum(a % b);
  }
  if (bhi === 0) {
    udiv64by32(alo, ahi, blo >>> 0);
    R64.hi = 0;
    return REM | 0;
  }
  return fromBig(
    BigInt.asUintN(64, toBig(alo, ahi)) % BigInt.asUintN(64, toBig(blo, bhi)),
  );
}

/** Shift left by n (mod 64). */
export function shl64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    R64.hi = hi;
    return lo;
  }
  if (n < 32) {
    R64.hi = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  R64.hi = lo << (n - 32);
  return 0;
}

/** Arithmetic shift right by n (mod 64). */
export function shrS64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    R64.hi = hi;
    return lo;
  }
  if (n < 32) {
    R64.hi = hi >> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  R64.hi = hi >> 31;
  return hi >> (n - 32);
}

/** Logical shift right by n (mod 64). */
export function shrU64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    R64.hi = hi;
    return lo;
  }
  if (n < 32) {
    R64.hi = hi >>> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  R64.hi = 0;
  return (hi >>> (n - 32)) | 0;
}

/** Rotate left by n (mod 64). */
export function rotl64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    R64.hi = hi;
    return lo;
  }
  if (n >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    n -= 32;
    if (n === 0) {
      R64.hi = hi;
      return lo;
    }
  }
  R64.hi = (hi << n) | (lo >>> (32 - n));
  return (lo << n) | (hi >>> (32 - n));
}

/** Rotate right by n (mod 64). */
export function rotr64(lo: number, hi: number, n: number): number {
  return rotl64(lo, hi, (64 - (n & 63)) & 63);
}

/** Population count of a 32-bit word. */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Count trailing zeros of a 32-bit word. */
export function ctz32(x: number): number {
  if (x === 0) return 32;
  return 31 - Math.clz32(x & -x);
}

/** Unsigned 64-bit value (as halves) to the nearest f32, rounding once (round-to-odd to 53 bits first). */
export function u64ToF32(lo: number, hi: number): number {
  const h = hi >>> 0;
  if (h < 0x200000) return Math.fround(h * 4294967296 + (lo >>> 0));
  const bits = 64 - Math.clz32(h); // 22..32 bits in the high word
  const k = bits + 32 - 53; // dropped low bits (1..11)
  const mask = (1 << k) - 1;
  let l = lo & ~mask;
  if (lo & mask) l |= 1 << k;
  return Math.fround(h * 4294967296 + (l >>> 0));
}

/** Signed 64-bit value (as halves) to the nearest f32. */
export function s64ToF32(lo: number, hi: number): number {
  if (hi < 0) {
    // negate
    const nlo = (~lo + 1) | 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) | 0;
    return -u64ToF32(nlo, nhi);
  }
  return u64ToF32(lo, hi);
}

/** Round to nearest, ties to even (spec fnearest). */
export function nearest(x: number): number {
  if (x !== x || x === Infinity || x === -Infinity) return x;
  const t = Math.trunc(x);
  const d = x - t;
  let r: number;
  if (d === 0.5) r = t % 2 === 0 ? t : t + 1;
  else if (d === -0.5) r = t % 2 === 0 ? t : t - 1;
  else r = Math.round(x);
  if (r === 0) return x < 0 || Object.is(x, -0) ? -0 : 0;
  return r;
}
