/**
 * Test helper: assemble WebAssembly text (WAT) into binary bytes with the npm
 * package `wabt`, with every feature the Porta engine targets enabled
 * (WebAssembly 2.0, SIMD included, plus tail calls, multi-memory and
 * extended-const).
 *
 * ```ts
 * import { wat } from "../helpers/wat.ts";
 * const bytes = await wat(`(module (func (export "f") (result i32) i32.const 1))`);
 * ```
 *
 * Known wabt.js 1.0.37 quirk: an active data segment for a memory index other
 * than 0 (`(data (memory 1) ...)`) is encoded without its memory index, which
 * makes the module invalid; use a passive segment + `memory.init` instead.
 *
 * @module
 */
import wabtInit from "wabt";

/** Feature flags accepted by {@link wat}; all default to enabled except where noted. */
export interface WatFeatures {
  /** Multi-value blocks and functions. */
  multi_value?: boolean;
  /** Sign-extension operators. */
  sign_extension?: boolean;
  /** Non-trapping float-to-int conversions. */
  sat_float_to_int?: boolean;
  /** Mutable global imports/exports. */
  mutable_globals?: boolean;
  /** Bulk memory operations. */
  bulk_memory?: boolean;
  /** Reference types. */
  reference_types?: boolean;
  /** Fixed-width SIMD (v128). */
  simd?: boolean;
  /** Tail calls (return_call, return_call_indirect). */
  tail_call?: boolean;
  /** Multiple memories. */
  multi_memory?: boolean;
  /** Extended constant expressions. */
  extended_const?: boolean;
  /** Exception handling (default off). */
  exceptions?: boolean;
  /** Threads and shared memory (default off). */
  threads?: boolean;
}

/** The features {@link wat} enables when none are given. */
export const DEFAULT_FEATURES: Readonly<WatFeatures> = Object.freeze({
  multi_value: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
  bulk_memory: true,
  reference_types: true,
  simd: true,
  tail_call: true,
  multi_memory: true,
  extended_const: true,
  exceptions: false,
  threads: false,
});

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabtPromise: Promise<Wabt> | undefined;

/** Loads (once) and returns the wabt module. */
export function loadWabt(): Promise<Wabt> {
  wabtPromise ??= wabtInit();
  return wabtPromise;
}

/** Options for {@link wat}. */
export interface WatOptions {
  /** Feature overrides merged over {@link DEFAULT_FEATURES}. */
  features?: WatFeatures;
  /** File name used in error messages. */
  filename?: string;
  /** Keep the `name` custom section (default false). */
  names?: boolean;
}

/**
 * Assembles WAT text into a WebAssembly binary.
 * Throws an `Error` whose message contains wabt's diagnostics on bad input.
 */
export async function wat(
  source: string,
  options: WatOptions = {},
): Promise<Uint8Array> {
  const wabt = await loadWabt();
  return watSyncWith(wabt, source, options);
}

/**
 * Synchronous variant of {@link wat}; call `await loadWabt()` once before
 * using it.
 */
export function watSync(source: string, options: WatOptions = {}): Uint8Array {
  if (loadedWabt === undefined) {
    throw new Error("watSync: call `await loadWabt()` first");
  }
  return watSyncWith(loadedWabt, source, options);
}

let loadedWabt: Wabt | undefined;

function watSyncWith(
  wabt: Wabt,
  source: string,
  options: WatOptions,
): Uint8Array {
  loadedWabt = wabt;
  const features = { ...DEFAULT_FEATURES, ...options.features };
  const filename = options.filename ?? "input.wat";
  let mod: ReturnType<Wabt["parseWat"]> | undefined;
  try {
    mod = wabt.parseWat(filename, source, features);
    mod.resolveNames();
    // The typings omit it, but wabt.js validate() takes the feature set.
    (mod as unknown as { validate(f: WatFeatures): void }).validate(features);
    const { buffer } = mod.toBinary({
      log: false,
      write_debug_names: options.names ?? false,
    });
    return new Uint8Array(buffer);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`wat: ${msg.trim()}`);
  } finally {
    mod?.destroy();
  }
}

/**
 * Assembles WAT text without validating it, so tests can build modules that
 * are well-formed but invalid (for validation-error tests).
 */
export async function watUnvalidated(
  source: string,
  options: WatOptions = {},
): Promise<Uint8Array> {
  const wabt = await loadWabt();
  loadedWabt = wabt;
  const features = { ...DEFAULT_FEATURES, ...options.features };
  let mod: ReturnType<Wabt["parseWat"]> | undefined;
  try {
    mod = wabt.parseWat(options.filename ?? "input.wat", source, features);
    mod.resolveNames();
    const { buffer } = mod.toBinary({
      log: false,
      write_debug_names: options.names ?? false,
    });
    return new Uint8Array(buffer);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`wat: ${msg.trim()}`);
  } finally {
    mod?.destroy();
  }
}
