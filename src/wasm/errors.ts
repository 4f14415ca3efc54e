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

/** Thrown when guest code traps or a resource limit is hit. */
export class RuntimeError extends Error {
  /** Creates a RuntimeError. */
  constructor(message: string) {
    super(message);
    this.name = "RuntimeError";
  }
}

/** Throws a RuntimeError trap with the given (spec-test wording) message. */
export function trap(message: string): never {
  throw new RuntimeError(message);
}
