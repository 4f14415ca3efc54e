/**
 * Engine adapters for the spec runner: the Porta engine (through its
 * bit-exact testing API `src/wasm/testing.ts`) and, as a reference for
 * checking the runner itself, the host's native `WebAssembly`.
 *
 * @module
 */
import type { RawValue } from "./values.ts";

/** How a thrown error is classified by an adapter. */
export type ErrorKind = "compile" | "link" | "runtime" | "exhaustion" | "other";

/** What the runner needs from an engine. */
export interface SpecEngine {
  /** Short name printed in the summary. */
  readonly name: string;
  /** Compiles bytes; throws on invalid or malformed modules. */
  compile(bytes: Uint8Array): unknown;
  /** Instantiates a compiled module with an import object. */
  instantiate(
    module: unknown,
    imports: Record<string, Record<string, unknown>>,
  ): unknown;
  /** The exports object of an instance (used for `register`). */
  exportsOf(instance: unknown): Record<string, unknown>;
  /**
   * Calls an exported function with raw arguments; `resultTypes` is the
   * expected result types when known (needed by adapters that cannot see them).
   */
  invoke(
    instance: unknown,
    name: string,
    args: RawValue[],
    resultTypes?: string[],
  ): RawValue[];
  /** Reads an exported global as a raw value. */
  getGlobal(instance: unknown, name: string, type?: string): RawValue;
  /** Classifies an error thrown by compile/instantiate/invoke. */
  classify(e: unknown): ErrorKind;
  /** Builds the `spectest` host module for one script. */
  spectest(): Record<string, unknown>;
}

/** The subset of the WebAssembly JS API namespace the adapters use. */
interface WasmNamespace {
  Module: new (bytes: BufferSource) => unknown;
  Instance: new (
    module: any,
    imports?: object,
    options?: object,
  ) => { exports: any };
  Memory: new (desc: { initial: number; maximum?: number }) => unknown;
  Table: new (
    desc: { initial: number; maximum?: number; element: string },
  ) => unknown;
  Global: new (
    desc: { value: string; mutable?: boolean },
    v?: unknown,
  ) => unknown;
  CompileError: new (...a: any[]) => Error;
  LinkError: new (...a: any[]) => Error;
  RuntimeError: new (...a: any[]) => Error;
}

function spectestFor(wa: WasmNamespace): Record<string, unknown> {
  const print = (..._args: unknown[]): void => {};
  return {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new wa.Global({ value: "i32", mutable: false }, 666),
    global_i64: new wa.Global({ value: "i64", mutable: false }, 666n),
    global_f32: new wa.Global({ value: "f32", mutable: false }, 666.6),
    global_f64: new wa.Global({ value: "f64", mutable: false }, 666.6),
    table: new wa.Table({ initial: 10, maximum: 20, element: "anyfunc" }),
    memory: new wa.Memory({ initial: 1, maximum: 2 }),
  };
}

function classifyWith(wa: WasmNamespace, e: unknown): ErrorKind {
  if (e instanceof wa.CompileError) return "compile";
  if (e instanceof wa.LinkError) return "link";
  if (e instanceof wa.RuntimeError) {
    return /call stack exhausted/i.test(e.message) ? "exhaustion" : "runtime";
  }
  return "other";
}

const scratch = new DataView(new ArrayBuffer(8));

/** Converts a raw value into the standard JS API representation. */
export function rawToJs(v: RawValue): unknown {
  const bits = v.bits ?? 0n;
  switch (v.type) {
    case "i32":
      return Number(BigInt.asIntN(32, bits));
    case "i64":
      return BigInt.asIntN(64, bits);
    case "f32":
      scratch.setUint32(0, Number(BigInt.asUintN(32, bits)));
      return scratch.getFloat32(0);
    case "f64":
      scratch.setBigUint64(0, BigInt.asUintN(64, bits));
      return scratch.getFloat64(0);
    case "funcref":
    case "externref":
      return v.ref ?? null;
    default:
      throw new TypeError(`type ${v.type} cannot cross the JS API`);
  }
}

/** Converts a JS API value into a raw value of the given type (guessed when absent). */
export function jsToRaw(x: unknown, type?: string): RawValue {
  const t = type ??
    (typeof x === "bigint"
      ? "i64"
      : typeof x === "number"
      ? "f64"
      : "externref");
  switch (t) {
    case "i32":
      return { type: t, bits: BigInt.asUintN(32, BigInt(x as number)) };
    case "i64":
      return { type: t, bits: BigInt.asUintN(64, x as bigint) };
    case "f32":
      scratch.setFloat32(0, x as number);
      return { type: t, bits: BigInt(scratch.getUint32(0)) };
    case "f64":
      scratch.setFloat64(0, x as number);
      return { type: t, bits: scratch.getBigUint64(0) };
    default:
      return { type: t, ref: x ?? null };
  }
}

/**
 * Adapter over the host's native WebAssembly (reference only: it cannot keep
 * NaN payloads across the JS boundary and has no v128 at the boundary).
 */
export function nativeEngine(): SpecEngine {
  const wa = WebAssembly as unknown as WasmNamespace;
  return {
    name: "native",
    compile: (bytes) => new WebAssembly.Module(bytes as BufferSource),
    instantiate: (m, imports) =>
      new WebAssembly.Instance(
        m as WebAssembly.Module,
        imports as WebAssembly.Imports,
      ),
    exportsOf: (i) =>
      (i as WebAssembly.Instance).exports as Record<string, unknown>,
    invoke(i, name, args, resultTypes) {
      const f = (i as WebAssembly.Instance).exports[name] as (
        ...a: unknown[]
      ) => unknown;
      if (typeof f !== "function") {
        throw new Error(`no exported function ${name}`);
      }
      const r = f(...args.map(rawToJs));
      const types = resultTypes ?? [];
      if (types.length === 0 && r === undefined) return [];
      if (types.length > 1) {
        return (r as unknown[]).map((x, k) => jsToRaw(x, types[k]));
      }
      return [jsToRaw(r, types[0])];
    },
    getGlobal(i, name, type) {
      const g = (i as WebAssembly.Instance).exports[name] as WebAssembly.Global;
      return jsToRaw(g.value, type);
    },
    classify(e) {
      if (e instanceof RangeError) return "exhaustion";
      return classifyWith(wa, e);
    },
    spectest: () => spectestFor(wa),
  };
}

/** The engine's testing API (`src/wasm/testing.ts`). */
interface TestingApi {
  invokeRaw(instance: unknown, name: string, args: RawValue[]): RawValue[];
  getGlobalRaw(instance: unknown, name: string): RawValue;
}

/** Options for {@link portaEngine}. */
export interface PortaOptions {
  /** Fuel given to every instance (default: unlimited). */
  fuel?: number;
  /**
   * Execution tier of every instance (InstanceOptions.tier: "interp", "js"
   * or "auto"); the engine's default when absent.
   */
  tier?: string;
}

/** Adapter over the Porta engine, loaded dynamically from `src/wasm/`. */
export async function portaEngine(
  options: PortaOptions = {},
): Promise<SpecEngine> {
  const base = new URL("../../src/wasm/", import.meta.url);
  const wa = (await import(new URL("mod.ts", base).href)) as WasmNamespace;
  const t = (await import(new URL("testing.ts", base).href)) as TestingApi;
  const instOptions: { fuel?: number; tier?: string } = {};
  if (options.fuel !== undefined) instOptions.fuel = options.fuel;
  if (options.tier !== undefined) instOptions.tier = options.tier;
  return {
    name: options.tier === undefined ? "porta" : `porta (tier ${options.tier})`,
    compile: (bytes) => new wa.Module(bytes as BufferSource),
    instantiate: (m, imports) => new wa.Instance(m, imports, instOptions),
    exportsOf: (i) => (i as { exports: Record<string, unknown> }).exports,
    invoke: (i, name, args) => t.invokeRaw(i, name, args),
    getGlobal: (i, name) => t.getGlobalRaw(i, name),
    classify: (e) => classifyWith(wa, e),
    spectest: () => spectestFor(wa),
  };
}
