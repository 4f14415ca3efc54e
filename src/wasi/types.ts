/**
 * Shared types of the WASI function families.
 * @module
 */

/** A WASI host function: takes wasm values, returns an errno (or nothing). */
export type HostFunction = (...args: any[]) => number | void;

/** A table of host functions keyed by import name. */
export type HostFunctions = Record<string, HostFunction>;

/** Converts an i64 argument (bigint from the JS API, number tolerated) to bigint. */
export function toBigInt(v: bigint | number): bigint {
  return typeof v === "bigint" ? v : BigInt(Math.trunc(v));
}
