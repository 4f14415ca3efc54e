/**
 * describeModule: a summary of a module for `porta inspect`.
 * @module
 */
import { compiledOf, type Module } from "./api.ts";
import {
  funcTypeText,
  KIND_FUNC,
  KIND_GLOBAL,
  KIND_MEMORY,
  KIND_NAMES,
  KIND_TABLE,
  valTypeName,
} from "./types.ts";

/** One import of a module. */
export interface ImportInfo {
  /** Module (namespace) name of the import. */
  module: string;
  /** Field name. */
  name: string;
  /** Kind of the imported/exported entity. */
  kind: "function" | "table" | "memory" | "global";
  /** type text, e.g. "(i32, i32) -> (i32)", "memory 1..2", "global mut i32", "table funcref 1.." */
  type: string;
}

/** One export of a module. */
export interface ExportInfo {
  /** Field name. */
  name: string;
  /** Kind of the imported/exported entity. */
  kind: "function" | "table" | "memory" | "global";
  /** Index in its index space. */
  index: number;
  /** Type in text form. */
  type: string;
}

/** Summary of a module. */
export interface ModuleInfo {
  /** Function types in text form. */
  types: string[];
  /** Imports in declaration order. */
  imports: ImportInfo[];
  /** Exports in declaration order. */
  exports: ExportInfo[];
  /** Memories (pages). */
  memories: { min: number; max: number | null; imported: boolean }[];
  /** Tables. */
  tables: {
    element: string;
    min: number;
    max: number | null;
    imported: boolean;
  }[];
  /** Globals. */
  globals: { type: string; mutable: boolean; imported: boolean }[];
  /** Data segments (size in bytes). */
  dataSegments: { mode: string; memory: number; size: number }[];
  /** Element segments (size in elements). */
  elementSegments: { mode: string; table: number; size: number }[];
  /** Custom sections (size in bytes). */
  customSections: { name: string; size: number }[];
  /** Number of functions, imported ones included. */
  functionCount: number;
  /** Number of imported functions. */
  importedFunctionCount: number;
  /** Size of the code section in bytes. */
  codeSize: number;
  /** Index of the start function, if any. */
  startFunction: number | null;
}

const lim = (min: number, max: number | null) => `${min}..${max ?? ""}`;

/** Describes a compiled module. */
export function describeModule(module: Module): ModuleInfo {
  const ir = compiledOf(module).ir;
  const typeOf = (kind: number, index: number): string => {
    switch (kind) {
      case KIND_FUNC:
        return funcTypeText(ir.types[ir.funcTypes[index]]);
      case KIND_TABLE: {
        const t = ir.tables[index];
        return `table ${valTypeName(t.elem)} ${
          lim(t.limits.min, t.limits.max)
        }`;
      }
      case KIND_MEMORY: {
        const m = ir.memories[index];
        return `memory ${lim(m.limits.min, m.limits.max)}`;
      }
      case KIND_GLOBAL: {
        const g = ir.globals[index];
        return `global ${g.mutable ? "mut " : ""}${valTypeName(g.type)}`;
      }
    }
    return "";
  };
  const counters = [0, 0, 0, 0];
  const imports: ImportInfo[] = ir.imports.map((i) => ({
    module: i.module,
    name: i.name,
    kind: KIND_NAMES[i.kind],
    type: typeOf(i.kind, counters[i.kind]++),
  }));
  return {
    types: ir.types.map(funcTypeText),
    imports,
    exports: ir.exports.map((e) => ({
      name: e.name,
      kind: KIND_NAMES[e.kind],
      index: e.index,
      type: typeOf(e.kind, e.index),
    })),
    memories: ir.memories.map((m, i) => ({
      min: m.limits.min,
      max: m.limits.max,
      imported: i < ir.numImportedMemories,
    })),
    tables: ir.tables.map((t, i) => ({
      element: valTypeName(t.elem),
      min: t.limits.min,
      max: t.limits.max,
      imported: i < ir.numImportedTables,
    })),
    globals: ir.globals.map((g, i) => ({
      type: valTypeName(g.type),
      mutable: g.mutable,
      imported: i < ir.numImportedGlobals,
    })),
    dataSegments: ir.datas.map((d) => ({
      mode: d.mode,
      memory: d.memory,
      size: d.bytes.length,
    })),
    elementSegments: ir.elems.map((e) => ({
      mode: e.mode,
      table: e.table,
      size: e.items.length,
    })),
    customSections: ir.customs.map((c) => ({
      name: c.name,
      size: c.data.length,
    })),
    functionCount: ir.funcTypes.length,
    importedFunctionCount: ir.numImportedFuncs,
    codeSize: ir.codeSize,
    startFunction: ir.start,
  };
}
