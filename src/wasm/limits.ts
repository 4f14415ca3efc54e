/**
 * Implementation limits. The numbers are those of the WebAssembly JavaScript API ("Implementation-
 * defined limits"), so a module Porta accepts is one a browser accepts too; a module past one of
 * them is refused with a CompileError naming the limit, e.g.
 * `offset 0x1f: too many locals: 60000 > 50000 (implementation limit)`.
 *
 * Every count is checked when its vector length is read, before anything is allocated for it.
 * @module
 */
import { compileError } from "./reader.ts";

/** The limits (the JS API's values; memories: the JS API's 100, multi-memory included). */
export const LIMITS = {
  /** bytes of a module */
  moduleSize: 1_073_741_824,
  /** entries of the type section */
  types: 1_000_000,
  /** functions, imported ones included */
  functions: 1_000_000,
  /** imports */
  imports: 1_000_000,
  /** exports */
  exports: 1_000_000,
  /** globals, imported ones included */
  globals: 1_000_000,
  /** data segments */
  dataSegments: 100_000,
  /** element segments */
  elementSegments: 10_000_000,
  /** entries of one element segment (one table initialization) */
  elementItems: 10_000_000,
  /** tables, imported ones included */
  tables: 100_000,
  /** initial size of a table (elements); also the most a table may grow to at run time */
  tableSize: 10_000_000,
  /** memories, imported ones included */
  memories: 100,
  /** size of a memory (64 KiB pages) */
  memoryPages: 65_536,
  /** parameters of a function or block type */
  params: 1_000,
  /** results of a function or block type */
  results: 1_000,
  /** bytes of one function body, local declarations included */
  functionSize: 7_654_321,
  /** locals of one function, parameters included */
  locals: 50_000,
} as const;

/** Throws the CompileError of an exceeded limit: "offset 0x..: too many X: n > max (implementation limit)". */
export function overLimit(
  at: number,
  what: string,
  n: number,
  max: number,
): never {
  throw compileError(at, `${what}: ${n} > ${max} (implementation limit)`);
}
