/**
 * Porta's WebAssembly engine: a pure TypeScript interpreter with the shape of the standard
 * WebAssembly JavaScript API, plus resource limits (fuel, a memory budget, call depth) and the
 * JS API's implementation limits (LIMITS).
 *
 * ```ts
 * import * as wasm from "./mod.ts";
 * const m = new wasm.Module(bytes);
 * const i = new wasm.Instance(m, {}, { fuel: 1_000_000 });
 * ```
 * @module
 */
export {
  type Bytes,
  compile,
  DEFAULT_TABLE_ELEMENTS,
  Global,
  Instance,
  type InstanceOptions,
  instantiate,
  Memory,
  memoryBytes,
  Module,
  type ModuleExportDescriptor,
  type ModuleImportDescriptor,
  stepsUsed,
  Table,
  type Tier,
  validate,
  type WebAssemblyInstantiatedSource,
} from "./api.ts";
export {
  CompileError,
  LinkError,
  RuntimeError,
  type RuntimeErrorKind,
} from "./errors.ts";
export { LIMITS } from "./limits.ts";
export { ensureWarm as warmUp } from "./exec.ts";
export {
  describeModule,
  type ExportInfo,
  type ImportInfo,
  type ModuleInfo,
} from "./describe.ts";
