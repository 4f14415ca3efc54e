/**
 * The interpreter's value stack buffer, shared by the dispatch loop (exec.ts) and the SIMD
 * instructions (simd.ts), which view it through typed arrays of every lane shape.
 * @module
 */

/** Int32 entries of the stack (8 MiB); slots = STACK_WORDS / 2. */
export const STACK_WORDS = 1 << 21;

/** The stack's memory. */
export const STACK_BUFFER: ArrayBuffer = new ArrayBuffer(STACK_WORDS * 4);
