/**
 * Float-to-integer conversions shared by both tiers: the trapping `trunc` forms and the
 * saturating `trunc_sat` forms. 64-bit results return the low word and leave the high word in
 * `R64.hi`.
 * @module
 */
import { trap } from "./errors.ts";
import { R64 } from "./i64.ts";

/** wasm `truncS32` conversion (see module doc). */
export function truncS32(x: number): number {
  if (x !== x) trap("invalid conversion to integer");
  if (!(x > -2147483649 && x < 2147483648)) trap("integer overflow");
  return Math.trunc(x) | 0;
}
/** wasm `truncU32` conversion (see module doc). */
export function truncU32(x: number): number {
  if (x !== x) trap("invalid conversion to integer");
  if (!(x > -1 && x < 4294967296)) trap("integer overflow");
  return Math.trunc(x) | 0;
}
/** wasm `truncS64` conversion (see module doc). */
export function truncS64(x: number): number {
  if (x !== x) trap("invalid conversion to integer");
  if (!(x >= -9223372036854775808 && x < 9223372036854775808)) {
    trap("integer overflow");
  }
  const t = Math.trunc(x);
  const hi = Math.floor(t / 4294967296);
  R64.hi = hi | 0;
  return (t - hi * 4294967296) | 0;
}
/** wasm `truncU64` conversion (see module doc). */
export function truncU64(x: number): number {
  if (x !== x) trap("invalid conversion to integer");
  if (!(x > -1 && x < 18446744073709551616)) trap("integer overflow");
  const t = Math.trunc(x);
  const hi = Math.floor(t / 4294967296);
  R64.hi = hi | 0;
  return (t - hi * 4294967296) | 0;
}
/** wasm `satS32` conversion (see module doc). */
export function satS32(x: number): number {
  if (x !== x) return 0;
  if (x <= -2147483648) return -2147483648;
  if (x >= 2147483647) return 2147483647;
  return Math.trunc(x) | 0;
}
/** wasm `satU32` conversion (see module doc). */
export function satU32(x: number): number {
  if (x !== x || x <= 0) return 0;
  if (x >= 4294967295) return -1;
  return Math.trunc(x) | 0;
}
/** wasm `satS64` conversion (see module doc). */
export function satS64(x: number): number {
  if (x !== x) {
    R64.hi = 0;
    return 0;
  }
  if (x < -9223372036854775808) {
    R64.hi = -2147483648;
    return 0;
  }
  if (x >= 9223372036854775808) {
    R64.hi = 2147483647;
    return -1;
  }
  return truncS64(x);
}
/** wasm `satU64` conversion (see module doc). */
export function satU64(x: number): number {
  if (x !== x || x <= -1) {
    R64.hi = 0;
    return 0;
  }
  if (x >= 18446744073709551616) {
    R64.hi = -1;
    return -1;
  }
  return truncU64(x);
}
