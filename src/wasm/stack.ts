/**
 * The interpreter's value stack buffer, shared by the dispatch loop (exec.ts) and the SIMD
 * instructions (simd.ts), which view it through typed arrays of every lane shape.
 *
 * Its last SCRATCH_WORDS words are never part of the interpreter's stack: the JS tier runs the
 * SIMD instructions it does not inline there (translate.ts writes the operands' words from
 * SCRATCH on, calls simd.ts `simdOp` with the stack top after them, and reads the result back
 * from SCRATCH), so both tiers share one implementation of every lane operation.
 * @module
 */

/** Int32 entries of the stack (8 MiB); slots = STACK_WORDS / 2. */
export const STACK_WORDS = 1 << 21;

/** Int32 entries of the JS tier's SIMD scratch: three v128 operands and room above them. */
export const SCRATCH_WORDS = 16;

/** First Int32 index of the JS tier's SIMD scratch; the interpreter's frames stay below it. */
export const SCRATCH = STACK_WORDS - SCRATCH_WORDS;

/** The stack's memory. */
export const STACK_BUFFER: ArrayBuffer = new ArrayBuffer(STACK_WORDS * 4);
