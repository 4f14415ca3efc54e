/**
 * Binary decoder for all module sections (WebAssembly core spec, section 5 "Binary Format").
 * Function bodies are kept as byte ranges; compile.ts validates and compiles them.
 * @module
 */
import { compileError, Reader } from "./reader.ts";
import {
  type CodeBody,
  type ConstExpr,
  type DataSegment,
  type ElemSegment,
  type Export,
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  funcType,
  type GlobalDef,
  type GlobalType,
  I32,
  I64,
  type Import,
  KIND_FUNC,
  KIND_GLOBAL,
  KIND_MEMORY,
  KIND_TABLE,
  type Limits,
  type MemType,
  type ModuleIR,
  type TableType,
  V128,
  type ValType,
} from "./types.ts";

/** Message used whenever a SIMD construct is met. */
export const SIMD_UNSUPPORTED = "SIMD (v128) is not supported";

/** Reads a value type. */
export function readValType(r: Reader): ValType {
  const at = r.pos;
  const t = r.u8();
  switch (t) {
    case I32:
    case I64:
    case F32:
    case F64:
    case FUNCREF:
    case EXTERNREF:
      return t;
    case V128:
      return r.fail(SIMD_UNSUPPORTED, at);
  }
  return r.fail("malformed value type", at);
}

function readRefType(r: Reader): ValType {
  const at = r.pos;
  const t = r.u8();
  if (t === FUNCREF || t === EXTERNREF) return t;
  return r.fail("malformed reference type", at);
}

function readLimits(r: Reader, memory: boolean): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags !== 0 && flags !== 1) {
    if (memory && (flags === 2 || flags === 3)) {
      r.fail("shared memories are not supported", at);
    }
    if (memory && (flags & 4)) r.fail("memory64 is not supported", at);
    r.fail(memory ? "malformed limits flags" : "integer too large", at);
  }
  const min = r.u32();
  const max = flags === 1 ? r.u32() : null;
  return { min, max };
}

function readTableType(r: Reader): TableType {
  const elem = readRefType(r);
  return { elem, limits: readLimits(r, false) };
}

function readGlobalType(r: Reader): GlobalType {
  const type = readValType(r);
  const at = r.pos;
  const m = r.u8();
  if (m > 1) r.fail("malformed mutability", at);
  return { type, mutable: m === 1 };
}

/** Reads a constant expression up to and including its `end`. */
export function readConstExpr(r: Reader): ConstExpr {
  const ops: (number | bigint)[] = [];
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return { ops };
      case 0x41:
        ops.push(op, r.i32());
        break;
      case 0x42:
        ops.push(op, r.i64big());
        break;
      case 0x43:
        ops.push(op, r.f32bits());
        break;
      case 0x44: {
        const lo = r.f64bits();
        ops.push(op, lo, r.hi);
        break;
      }
      case 0xd0:
        ops.push(op, readRefType(r));
        break;
      case 0xd2:
      case 0x23:
        ops.push(op, r.u32());
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        ops.push(op);
        break;
      case 0xfd:
        r.fail(SIMD_UNSUPPORTED, at);
        break;
      default:
        r.fail("constant expression required", at);
    }
  }
}

/** Decodes a module binary into its IR (structure only; no validation of bodies). */
export function decodeModule(bytes: Uint8Array): ModuleIR {
  const r = new Reader(bytes);
  if (bytes.length < 4) r.fail("unexpected end", bytes.length);
  if (
    bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d
  ) {
    r.fail("magic header not detected", 0);
  }
  if (bytes.length < 8) r.fail("unexpected end", bytes.length);
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    r.fail("unknown binary version", 4);
  }
  r.pos = 8;
  const m: ModuleIR = {
    bytes,
    types: [],
    imports: [],
    funcTypes: [],
    numImportedFuncs: 0,
    tables: [],
    numImportedTables: 0,
    memories: [],
    numImportedMemories: 0,
    globals: [],
    numImportedGlobals: 0,
    globalDefs: [],
    exports: [],
    start: null,
    elems: [],
    datas: [],
    dataCount: null,
    codes: [],
    customs: [],
    codeSize: 0,
  };
  // section order ranks; datacount (12) sits between element (9) and code (10)
  const rank = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];
  let lastRank = 0;
  let funcDecls: number | null = null;
  let sawCode = false;
  while (!r.eof()) {
    const idAt = r.pos;
    const id = r.u8();
    if (id === 13) {
      r.fail("exception handling (tag section 13) is not supported", idAt);
    }
    if (id > 12) r.fail("malformed section id", idAt);
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) r.fail("length out of bounds", start);
    if (id !== 0) {
      if (rank[id] <= lastRank) {
        r.fail("unexpected content after last section", idAt);
      }
      lastRank = rank[id];
    }
    const s = new Reader(bytes, start, end);
    switch (id) {
      case 0: {
        const name = s.name();
        m.customs.push({ name, data: bytes.subarray(s.pos, end) });
        s.pos = end;
        break;
      }
      case 1: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          if (s.u8() !== 0x60) s.fail("malformed functype", at);
          const np = s.u32();
          const params: ValType[] = [];
          for (let j = 0; j < np; j++) params.push(readValType(s));
          const nr = s.u32();
          const results: ValType[] = [];
          for (let j = 0; j < nr; j++) results.push(readValType(s));
          m.types.push(funcType(params, results));
        }
        break;
      }
      case 2: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const module = s.name();
          const name = s.name();
          const at = s.pos;
          const kind = s.u8();
          const imp: Import = { module, name, kind };
          switch (kind) {
            case KIND_FUNC:
              imp.typeIdx = s.u32();
              m.funcTypes.push(imp.typeIdx);
              m.numImportedFuncs++;
              break;
            case KIND_TABLE:
              imp.table = readTableType(s);
              m.tables.push(imp.table);
              m.numImportedTables++;
              break;
            case KIND_MEMORY:
              imp.memory = { limits: readLimits(s, true) };
              m.memories.push(imp.memory);
              m.numImportedMemories++;
              break;
            case KIND_GLOBAL:
              imp.global = readGlobalType(s);
              m.globals.push(imp.global);
              m.numImportedGlobals++;
              break;
            default:
              s.fail("malformed import kind", at);
          }
          m.imports.push(imp);
        }
        break;
      }
      case 3: {
        const n = s.u32();
        funcDecls = n;
        for (let i = 0; i < n; i++) m.funcTypes.push(s.u32());
        break;
      }
      case 4: {
        const n = s.u32();
        for (let i = 0; i < n; i++) m.tables.push(readTableType(s));
        break;
      }
      case 5: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          m.memories.push({ limits: readLimits(s, true) } as MemType);
        }
        break;
      }
      case 6: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const type = readGlobalType(s);
          const init = readConstExpr(s);
          m.globals.push(type);
          m.globalDefs.push({ type, init } as GlobalDef);
        }
        break;
      }
      case 7: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const name = s.name();
          const at = s.pos;
          const kind = s.u8();
          if (kind > 3) s.fail("malformed export kind", at);
          m.exports.push({ name, kind, index: s.u32() } as Export);
        }
        break;
      }
      case 8:
        m.start = s.u32();
        break;
      case 9: {
        const n = s.u32();
        for (let i = 0; i < n; i++) m.elems.push(readElem(s));
        break;
      }
      case 12:
        m.dataCount = s.u32();
        break;
      case 10: {
        sawCode = true;
        m.codeSize = size;
        const n = s.u32();
        if (n !== (funcDecls ?? 0)) {
          s.fail("function and code section have inconsistent lengths", start);
        }
        for (let i = 0; i < n; i++) m.codes.push(readCode(s));
        break;
      }
      case 11: {
        const n = s.u32();
        if (m.dataCount !== null && m.dataCount !== n) {
          s.fail(
            "data count and data section have inconsistent lengths",
            start,
          );
        }
        for (let i = 0; i < n; i++) m.datas.push(readData(s));
        break;
      }
    }
    if (s.pos !== end) s.fail("section size mismatch", s.pos);
    r.pos = end;
  }
  if (!sawCode && (funcDecls ?? 0) !== 0) {
    r.fail("function and code section have inconsistent lengths", bytes.length);
  }
  if (m.dataCount !== null && m.dataCount !== m.datas.length) {
    r.fail(
      "data count and data section have inconsistent lengths",
      bytes.length,
    );
  }
  return m;
}

function readFuncIndexExprs(s: Reader): ConstExpr[] {
  const n = s.u32();
  const items: ConstExpr[] = [];
  for (let j = 0; j < n; j++) items.push({ ops: [0xd2, s.u32()] });
  return items;
}

function readExprs(s: Reader): ConstExpr[] {
  const n = s.u32();
  const items: ConstExpr[] = [];
  for (let j = 0; j < n; j++) items.push(readConstExpr(s));
  return items;
}

function readElemKind(s: Reader): void {
  const at = s.pos;
  if (s.u8() !== 0) s.fail("malformed element kind", at);
}

function readElem(s: Reader): ElemSegment {
  const at = s.pos;
  const flags = s.u32();
  switch (flags) {
    case 0: {
      const offset = readConstExpr(s);
      return {
        mode: "active",
        table: 0,
        offset,
        type: FUNCREF,
        items: readFuncIndexExprs(s),
      };
    }
    case 1:
      readElemKind(s);
      return {
        mode: "passive",
        table: 0,
        offset: null,
        type: FUNCREF,
        items: readFuncIndexExprs(s),
      };
    case 2: {
      const table = s.u32();
      const offset = readConstExpr(s);
      readElemKind(s);
      return {
        mode: "active",
        table,
        offset,
        type: FUNCREF,
        items: readFuncIndexExprs(s),
      };
    }
    case 3:
      readElemKind(s);
      return {
        mode: "declarative",
        table: 0,
        offset: null,
        type: FUNCREF,
        items: readFuncIndexExprs(s),
      };
    case 4: {
      const offset = readConstExpr(s);
      return {
        mode: "active",
        table: 0,
        offset,
        type: FUNCREF,
        items: readExprs(s),
      };
    }
    case 5: {
      const type = readRefType(s);
      return {
        mode: "passive",
        table: 0,
        offset: null,
        type,
        items: readExprs(s),
      };
    }
    case 6: {
      const table = s.u32();
      const offset = readConstExpr(s);
      const type = readRefType(s);
      return { mode: "active", table, offset, type, items: readExprs(s) };
    }
    case 7: {
      const type = readRefType(s);
      return {
        mode: "declarative",
        table: 0,
        offset: null,
        type,
        items: readExprs(s),
      };
    }
  }
  return s.fail("malformed elements segment kind", at);
}

function readData(s: Reader): DataSegment {
  const at = s.pos;
  const flags = s.u32();
  switch (flags) {
    case 0: {
      const offset = readConstExpr(s);
      return { mode: "active", memory: 0, offset, bytes: s.byteVec() };
    }
    case 1:
      return { mode: "passive", memory: 0, offset: null, bytes: s.byteVec() };
    case 2: {
      const memory = s.u32();
      const offset = readConstExpr(s);
      return { mode: "active", memory, offset, bytes: s.byteVec() };
    }
  }
  return s.fail("malformed data segment kind", at);
}

function readCode(s: Reader): CodeBody {
  const size = s.u32();
  const start = s.pos;
  const end = start + size;
  if (end > s.end) s.fail("unexpected end of section or function");
  const b = new Reader(s.bytes, start, end);
  const ngroups = b.u32();
  const locals: ValType[] = [];
  let total = 0;
  for (let i = 0; i < ngroups; i++) {
    const at = b.pos;
    const count = b.u32();
    total += count;
    if (total > 50000) b.fail("too many locals", at);
    const t = readValType(b);
    for (let j = 0; j < count; j++) locals.push(t);
  }
  s.pos = end;
  return { locals, start: b.pos, end };
}

export { compileError };
