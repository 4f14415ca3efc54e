/**
 * Core type definitions shared by the decoder, validator and runtime.
 * @module
 */

/** Value type codes as they appear in the binary format. */
export const I32 = 0x7f;
/** i64 value type code. */
export const I64 = 0x7e;
/** f32 value type code. */
export const F32 = 0x7d;
/** f64 value type code. */
export const F64 = 0x7c;
/** v128 value type code (SIMD). */
export const V128 = 0x7b;
/** funcref value type code. */
export const FUNCREF = 0x70;
/** externref value type code. */
export const EXTERNREF = 0x6f;

/** A value type code (one of the constants above). */
export type ValType = number;

/** True for the reference types funcref/externref. */
export function isRef(t: ValType): boolean {
  return t === FUNCREF || t === EXTERNREF;
}

/** Text name of a value type. */
export function valTypeName(t: ValType): string {
  switch (t) {
    case I32:
      return "i32";
    case I64:
      return "i64";
    case F32:
      return "f32";
    case F64:
      return "f64";
    case V128:
      return "v128";
    case FUNCREF:
      return "funcref";
    case EXTERNREF:
      return "externref";
  }
  return "unknown";
}

/** A function type. `key` is a canonical string used for structural equality. */
export interface FuncType {
  params: ValType[];
  results: ValType[];
  key: string;
  /** true when a param or result is a v128 (JavaScript cannot call such a function) */
  v128: boolean;
  /** stack slots of the params (a v128 takes two, see slotsOf) */
  paramSlots: number;
  /** stack slots of the results */
  resultSlots: number;
}

/** Builds a FuncType with its canonical key. */
export function funcType(params: ValType[], results: ValType[]): FuncType {
  return {
    params,
    results,
    key: params.join(",") + ">" + results.join(","),
    v128: params.includes(V128) || results.includes(V128),
    paramSlots: slotsOfTypes(params),
    resultSlots: slotsOfTypes(results),
  };
}

/** Stack slots (8 bytes each) a value of type t takes: 2 for a v128, else 1. */
export function slotsOf(t: ValType): number {
  return t === V128 ? 2 : 1;
}

/** Stack slots of a sequence of values. */
export function slotsOfTypes(ts: ValType[]): number {
  let n = ts.length;
  for (let i = 0; i < ts.length; i++) if (ts[i] === V128) n++;
  return n;
}

/** Text form of a function type, e.g. "(i32, i32) -> (i64)". */
export function funcTypeText(t: FuncType): string {
  return `(${t.params.map(valTypeName).join(", ")}) -> (${
    t.results.map(valTypeName).join(", ")
  })`;
}

/** Memory or table limits. */
export interface Limits {
  min: number;
  max: number | null;
}

/** A table type. */
export interface TableType {
  elem: ValType;
  limits: Limits;
}

/** A memory type. */
export interface MemType {
  limits: Limits;
}

/** A global type. */
export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

/** Kinds of imports and exports (binary codes). */
export const KIND_FUNC = 0, KIND_TABLE = 1, KIND_MEMORY = 2, KIND_GLOBAL = 3;

/** Names of the import/export kinds as used by the JS API. */
export const KIND_NAMES = ["function", "table", "memory", "global"] as const;

/** A decoded import. */
export interface Import {
  module: string;
  name: string;
  kind: number;
  /** type index for functions */
  typeIdx?: number;
  table?: TableType;
  memory?: MemType;
  global?: GlobalType;
}

/** A decoded export. */
export interface Export {
  name: string;
  kind: number;
  index: number;
}

/**
 * A constant expression: the byte offset (in the module bytes) of its first instruction. It was
 * checked for syntax when decoded; compile.ts validates its types and api.ts evaluates it by
 * reading the bytes again, so a module with a million globals holds no per-expression objects.
 */
export type ConstExpr = number;

/** A decoded element segment. */
export interface ElemSegment {
  mode: "active" | "passive" | "declarative";
  table: number;
  /** offset expression of an active segment, -1 otherwise */
  offset: ConstExpr;
  type: ValType;
  /**
   * The items: function indices when `exprs` is false (the compact binary forms 0-3), else the
   * byte offsets of one constant expression per item (forms 4-7).
   */
  items: Uint32Array;
  /** true when `items` holds constant-expression offsets */
  exprs: boolean;
}

/** A decoded data segment. */
export interface DataSegment {
  mode: "active" | "passive";
  memory: number;
  /** offset expression of an active segment, -1 otherwise */
  offset: ConstExpr;
  bytes: Uint8Array;
}

/**
 * The function bodies of the code section, one entry per defined function, as parallel typed
 * arrays (no per-function objects). Locals stay in their run-length form in the module bytes
 * (from `localsAt`); only their total is kept.
 */
export interface CodeBodies {
  /** offset of the body's local declarations (the group count) */
  localsAt: Uint32Array;
  /** offset of the body's first instruction */
  start: Uint32Array;
  /** end offset (exclusive) of the body */
  end: Uint32Array;
  /** number of declared locals (params excluded) */
  nlocals: Uint32Array;
}

/** A custom section. */
export interface CustomSection {
  name: string;
  data: Uint8Array;
}

/** The fully decoded (but not yet validated) module. */
export interface ModuleIR {
  bytes: Uint8Array;
  types: FuncType[];
  imports: Import[];
  /** type index of every function, imports first */
  funcTypes: number[];
  numImportedFuncs: number;
  tables: TableType[];
  numImportedTables: number;
  memories: MemType[];
  numImportedMemories: number;
  /** type of every global, imports first (shared objects: one per distinct type) */
  globals: GlobalType[];
  numImportedGlobals: number;
  /** init expression of every defined global */
  globalInits: Uint32Array;
  exports: Export[];
  start: number | null;
  elems: ElemSegment[];
  datas: DataSegment[];
  dataCount: number | null;
  codes: CodeBodies;
  customs: CustomSection[];
  /** size of the code section in bytes */
  codeSize: number;
}
