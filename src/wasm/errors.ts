/**
 * Error classes of the engine, mirroring the WebAssembly JS API.
 * @module
 */

/** Thrown when a module is malformed or invalid ("offset 0x1f: reason"). */
export class CompileError extends Error {
  /** Creates a CompileError. */
  constructor(message: string) {
    super(message);
    this.name = "CompileError";
  }
}

/** Thrown when an import cannot be linked (the message names the import). */
export class LinkError extends Error {
  /** Creates a LinkError. */
  constructor(message: string) {
    super(message);
    this.name = "LinkError";
  }
}

/**
 * What stopped the guest, as {@link RuntimeError.kind}:
 * - `"trap"`: a trap of the specification (unreachable, integer divide by zero, out of bounds
 *   memory access, ...) or another failure of the guest;
 * - `"fuel"`: the instance ran out of fuel (`InstanceOptions.fuel`);
 * - `"memory"`: the memory budget (`InstanceOptions.maxMemoryPages`/`maxMemoryBytes`, or the
 *   tables allowed without one) refused the instance, or its memory could not be allocated;
 * - `"call-depth"`: the call stack is exhausted (`InstanceOptions.maxCallDepth`, the engine's
 *   value stack, nested host calls or the host's own stack);
 * - `"interrupted"`: the instance's interrupt flag was set (`InstanceOptions.interrupt`).
 */
export type RuntimeErrorKind =
  | "trap"
  | "fuel"
  | "memory"
  | "call-depth"
  | "interrupted";

/** Thrown when guest code traps or a resource limit is hit. */
export class RuntimeError extends Error {
  /** What stopped the guest (see {@link RuntimeErrorKind}); `"trap"` unless given. */
  readonly kind: RuntimeErrorKind;
  /** Creates a RuntimeError of the given kind (default `"trap"`). */
  constructor(message: string, kind: RuntimeErrorKind = "trap") {
    super(message);
    this.name = "RuntimeError";
    this.kind = kind;
  }
}

/** Throws a RuntimeError (a `"trap"` unless `kind` says otherwise) with the given message. */
export function trap(message: string, kind?: RuntimeErrorKind): never {
  throw new RuntimeError(message, kind);
}
