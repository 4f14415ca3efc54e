/**
 * Engine benchmark: runs the WASI programs in bench/wasm/ in Porta's engine (`src/wasm/mod.ts`)
 * and in the runtime's native `WebAssembly`, checks both print the same stdout bytes and exit
 * code, and prints per program native ms, ours ms and the ratio ours/native, plus the geometric
 * mean of the ratios, our compile speed (bytes/s) and the rough heap size of a decoded module.
 *
 * Usage: deno task bench [--filter NAME] [--runs N] [--scale N | --factor F] [--json] [--native-only] [--shim]
 *   --scale N      size argument for every program; --factor F  multiply the default sizes by F;
 *   --native-only  run only the native engine; --shim  force bench/wasi_shim.ts over src/wasi;
 *   --no-warmup    skip our engine's unmeasured size-1 run of each program before timing it;
 *   --cpu          time runs by process CPU time instead of wall-clock (steadier on a busy machine);
 *   --self-test    put native WebAssembly in the "ours" slot (checks the harness itself).
 *
 * Native `WebAssembly` is used here only as the reference; production code never uses it.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { WasiShim } from "./wasi_shim.ts";

/** One benchmark program and its default size argument. */
interface Program {
  name: string;
  what: string;
  scale: number;
}

/** Default sizes put every program at ~50-300 ms natively. */
const PROGRAMS: Program[] = [
  { name: "int_sha256", what: "sieve + crc32 + sha256 (i32)", scale: 80 },
  { name: "i64_hash", what: "xorshift/splitmix + 64-bit mixing", scale: 96 },
  { name: "float_nbody", what: "n-body f64 + f32 matmul", scale: 40 },
  { name: "mem_qsort", what: "memcpy/memset/memmove + qsort", scale: 24 },
  { name: "calls_fib", what: "fib/ackermann/tak recursion", scale: 128 },
  { name: "vm_dispatch", what: "bytecode VM via call_indirect", scale: 10 },
  { name: "malloc_printf", what: "malloc/free + snprintf + strcmp", scale: 28 },
];

/** The part of the WebAssembly JS API both engines share. */
interface Engine {
  Module: new (bytes: BufferSource) => unknown;
  Instance: new (
    module: any,
    imports?: object,
  ) => { exports: Record<string, unknown> };
}

/** A WASI host with the `src/wasi/mod.ts` shape. */
interface WasiHost {
  readonly imports: Record<string, Record<string, (...a: any[]) => any>>;
  start(instance: { exports: Record<string, unknown> }): number;
}

type WasiFactory = (args: string[], out: (b: Uint8Array) => void) => WasiHost;

/** Outcome of running one program once in one engine. */
interface RunResult {
  ms: number;
  stdout: Uint8Array;
  exitCode: number;
  error?: string;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  Deno.exit(2);
}

async function loadWasi(
  forceShim: boolean,
): Promise<{ name: string; make: WasiFactory }> {
  const shim: WasiFactory = (args, out) =>
    new WasiShim({
      args,
      stdout: out,
      stderr: (b) => Deno.stderr.writeSync(b),
    });
  if (forceShim) return { name: "bench/wasi_shim.ts", make: shim };
  const url = new URL("../src/wasi/mod.ts", import.meta.url);
  try {
    await Deno.stat(url);
  } catch {
    return { name: "bench/wasi_shim.ts", make: shim };
  }
  const mod = await import(url.href);
  return {
    name: "src/wasi/mod.ts",
    make: (args, out) =>
      new mod.Wasi({
        args,
        env: {},
        stdout: out,
        stderr: (b: Uint8Array) => Deno.stderr.writeSync(b),
      }),
  };
}

async function loadOurs(): Promise<Engine & Record<string, any>> {
  const url = new URL("../src/wasm/mod.ts", import.meta.url);
  try {
    await Deno.stat(url);
  } catch {
    fail("src/wasm/mod.ts does not exist yet (use --native-only)");
  }
  try {
    return await import(url.href);
  } catch (e) {
    fail(`cannot load src/wasm/mod.ts: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** The clock runs measure: wall-clock by default, process CPU time (user+system) with --cpu. */
let clock = (): number => performance.now();

/** Process CPU milliseconds (all threads, so V8's background compiler and GC count too). */
function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

function runOnce(
  engine: Engine,
  module: unknown,
  wasi: WasiFactory,
  args: string[],
): RunResult {
  const chunks: Uint8Array[] = [];
  const host = wasi(args, (b) => chunks.push(b.slice()));
  const t0 = clock();
  let exitCode = -1;
  let error: string | undefined;
  try {
    const instance = new engine.Instance(module, host.imports);
    exitCode = host.start(instance);
  } catch (e) {
    error = `${(e as Error)?.name ?? "Error"}: ${
      String((e as Error)?.message ?? e).split("\n")[0]
    }`;
  }
  const ms = clock() - t0;
  const stdout = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    stdout.set(c, off);
    off += c.length;
  }
  return { ms, stdout, exitCode, error };
}

/** Fastest run: on a shared, noisy machine the minimum is the most repeatable figure. */
function fastest(xs: number[]): number {
  return Math.min(...xs);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function fmt(n: number, width: number, digits = 1): string {
  return n.toFixed(digits).padStart(width);
}

/** Average ms to create one instance (imports resolved, memory and data set up; nothing run). */
function instantiateMs(
  engine: Engine,
  module: unknown,
  wasi: WasiFactory,
): number {
  const n = 50;
  new engine.Instance(module, wasi([], () => {}).imports); // warm-up
  const t0 = clock();
  for (let i = 0; i < n; i++) {
    new engine.Instance(module, wasi([], () => {}).imports);
  }
  return (clock() - t0) / n;
}

/**
 * Heap bytes retained by one decoded module of ours, measured in a child Deno with
 * `--expose-gc` (forced GC before and after decoding several copies). NaN if it fails.
 */
async function moduleHeapBytes(wasmPath: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      "--heap-probe",
      wasmPath,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const n = Number(new TextDecoder().decode(out.stdout).trim());
  return out.success && Number.isFinite(n) ? n : NaN;
}

/** The `--heap-probe` child: prints the average retained heap bytes per decoded module. */
async function heapProbe(wasmPath: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) fail("--heap-probe needs --v8-flags=--expose-gc");
  const ours = await loadOurs();
  const bytes = await Deno.readFile(wasmPath);
  new ours.Module(bytes); // warm-up: engine-wide lazy state is not counted
  const copies = 20;
  const keep: unknown[] = [];
  gc();
  gc();
  const before = Deno.memoryUsage();
  for (let i = 0; i < copies; i++) keep.push(new ours.Module(bytes));
  gc();
  gc();
  const after = Deno.memoryUsage();
  // heapUsed misses ArrayBuffer backing stores (typed-array code), counted in `external`
  const used = (m: Deno.MemoryUsage): number => m.heapUsed + m.external;
  console.log(Math.round((used(after) - used(before)) / keep.length));
}

function parseCommandLine(args: string[]) {
  return parseArgs({
    args,
    allowNegative: true,
    options: {
      filter: { type: "string" },
      runs: { type: "string", default: "1" },
      scale: { type: "string" },
      factor: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
      "native-only": { type: "boolean", default: false },
      shim: { type: "boolean", default: false },
      cpu: { type: "boolean", default: false },
      warmup: { type: "boolean", default: true },
      "self-test": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(Deno.args);
  } catch (e) {
    console.error(
      `bench: ${
        (e instanceof Error ? e.message : String(e)).split("\n")[0]
      } (see deno task bench --help)`,
    );
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    console.log(
      "usage: deno task bench [--filter NAME] [--runs N] [--scale N | --factor F] [--json] [--native-only] [--shim] [--self-test] [--cpu] [--no-warmup]",
    );
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    fail(`--runs must be a positive integer, got "${values.runs}"`);
  }
  const scaleOverride = values.scale === undefined
    ? undefined
    : Number(values.scale);
  if (
    scaleOverride !== undefined &&
    (!Number.isInteger(scaleOverride) || scaleOverride < 1)
  ) {
    fail(`--scale must be a positive integer, got "${values.scale}"`);
  }
  if (values.cpu) clock = cpuMs;
  const factor = Number(values.factor);
  if (!(factor > 0)) {
    fail(`--factor must be a positive number, got "${values.factor}"`);
  }
  const programs = PROGRAMS.filter((p) =>
    !values.filter || p.name.includes(values.filter)
  );
  if (programs.length === 0) {
    fail(
      `no program matches --filter ${values.filter} (have: ${
        PROGRAMS.map((p) => p.name).join(", ")
      })`,
    );
  }
  const nativeOnly = values["native-only"];
  // --self-test runs the native engine in the "ours" slot to check the harness itself.
  const ours = nativeOnly
    ? null
    : values["self-test"]
    ? (WebAssembly as unknown as Engine)
    : await loadOurs();
  const wasi = await loadWasi(values.shim);
  const native = WebAssembly as unknown as Engine;

  const rows: Record<string, unknown>[] = [];
  const ratios: number[] = [];
  let failures = 0;
  if (!values.json) {
    console.log(
      `WASI host: ${wasi.name}; ours ${runs} run(s), native ${
        Math.max(runs, 5)
      } after a warm-up${
        values.warmup ? " (ours: size-1 warm-up)" : ""
      }; fastest run counts; ${values.cpu ? "process CPU time" : "wall-clock"}`,
    );
    console.log(
      `${"program".padEnd(14)} ${"scale".padStart(5)} ${
        "native ms".padStart(10)
      } ${"ours ms".padStart(10)} ${"ours/native".padStart(11)}  output`,
    );
  }
  for (const p of programs) {
    const bytes = await Deno.readFile(
      new URL(`./wasm/${p.name}.wasm`, import.meta.url),
    );
    const scale = scaleOverride ?? Math.max(1, Math.round(p.scale * factor));
    const args = [p.name, String(scale)];
    const nativeModule = new WebAssembly.Module(bytes);
    runOnce(native, nativeModule, wasi.make, args); // warm-up: let V8 tier up
    const nat: RunResult[] = [];
    // native is cheap and noisy: always at least 5 runs
    for (let i = 0; i < Math.max(runs, 5); i++) {
      nat.push(runOnce(native, nativeModule, wasi.make, args));
    }
    const nativeMs = fastest(nat.map((r) => r.ms));
    const row: Record<string, unknown> = {
      name: p.name,
      what: p.what,
      scale,
      nativeMs,
      nativeExitCode: nat[0].exitCode,
      stdout: new TextDecoder().decode(nat[0].stdout),
    };
    if (nat[0].error) {
      row.error = `native: ${nat[0].error}`;
      failures++;
    }
    let line = `${p.name.padEnd(14)} ${String(scale).padStart(5)} ${
      fmt(nativeMs, 10)
    }`;
    if (ours) {
      const t0 = clock();
      let ourModule: unknown;
      try {
        ourModule = new ours.Module(bytes);
      } catch (e) {
        row.error = `ours: compile: ${(e as Error).message.split("\n")[0]}`;
      }
      const compileMs = clock() - t0;
      row.compileMs = compileMs;
      row.bytes = bytes.length;
      if (ourModule) {
        // unmeasured warm-up at size 1 (native gets a full-size one): JIT feedback for this program
        if (values.warmup) runOnce(ours, ourModule, wasi.make, [p.name, "1"]);
        const mine: RunResult[] = [];
        for (let i = 0; i < runs; i++) {
          const r = runOnce(ours, ourModule, wasi.make, args);
          mine.push(r);
          if (r.error) break;
        }
        const oursMs = fastest(mine.map((r) => r.ms));
        const bad = mine.find((r) =>
          r.error || r.exitCode !== nat[0].exitCode ||
          !sameBytes(r.stdout, nat[0].stdout)
        );
        if (bad) {
          row.error = bad.error
            ? `ours: ${bad.error}`
            : `ours: output differs (exit ${bad.exitCode} vs ${
              nat[0].exitCode
            }): ${
              JSON.stringify(new TextDecoder().decode(bad.stdout).slice(0, 120))
            }`;
        } else {
          row.oursMs = oursMs;
          row.ratio = oursMs / nativeMs;
          ratios.push(oursMs / nativeMs);
        }
      }
      if (row.error) failures++;
      line += row.ratio === undefined
        ? `${"-".padStart(11)} ${"-".padStart(11)}  FAIL ${row.error}`
        : ` ${fmt(row.oursMs as number, 10)} ${
          fmt(row.ratio as number, 11)
        }  same`;
    } else {
      line += row.error
        ? `  FAIL ${row.error}`
        : `  ${JSON.stringify(row.stdout)}`;
    }
    rows.push(row);
    if (!values.json) console.log(line);
  }
  const geomean = ratios.length
    ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
    : undefined;
  let compile: Record<string, number> | undefined;
  if (ours) {
    const compiled = rows.filter((r) => typeof r.compileMs === "number");
    const coldBytes = compiled.reduce((s, r) => s + (r.bytes as number), 0);
    const coldMs = compiled.reduce((s, r) => s + (r.compileMs as number), 0);
    // warm: 2 unmeasured then 10 measured rounds over every module, timed with the same clock
    const bins: Uint8Array<ArrayBuffer>[] = [];
    for (const r of compiled) {
      bins.push(
        await Deno.readFile(new URL(`./wasm/${r.name}.wasm`, import.meta.url)),
      );
    }
    let warmBytes = 0, warmMs = 0;
    for (let round = 0; round < 12; round++) {
      const t0 = clock();
      for (const b of bins) new ours.Module(b);
      if (round >= 2) {
        warmMs += clock() - t0;
        warmBytes += bins.reduce((s, b) => s + b.length, 0);
      }
    }
    const samplePath =
      new URL(`./wasm/${programs[0].name}.wasm`, import.meta.url).pathname;
    const heap = values["self-test"] ? NaN : await moduleHeapBytes(samplePath);
    const sampleBytes = await Deno.readFile(samplePath);
    const instOurs = instantiateMs(
      ours,
      new ours.Module(sampleBytes),
      wasi.make,
    );
    const instNative = instantiateMs(
      native,
      new WebAssembly.Module(sampleBytes),
      wasi.make,
    );
    compile = {
      modules: compiled.length,
      coldBytes,
      coldMs,
      coldBytesPerSecond: coldMs > 0 ? coldBytes / (coldMs / 1000) : NaN,
      warmBytesPerSecond: warmMs > 0 ? warmBytes / (warmMs / 1000) : NaN,
      moduleHeapBytes: heap,
      moduleBytes: sampleBytes.length,
      instantiateMsOurs: instOurs,
      instantiateMsNative: instNative,
    };
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          wasi: wasi.name,
          runs,
          clock: values.cpu ? "cpu" : "wall",
          programs: rows,
          geomean,
          compile,
          failures,
        },
        null,
        2,
      ),
    );
  } else {
    if (geomean !== undefined) {
      console.log(
        `overall ours/native (geometric mean of ${ratios.length}): ${
          geomean.toFixed(1)
        }`,
      );
    }
    if (compile) {
      console.log(
        `compile (ours): cold ${compile.coldBytes} bytes in ${
          compile.coldMs.toFixed(1)
        } ms = ${(compile.coldBytesPerSecond / 1e6).toFixed(2)} MB/s; warm ${
          (compile.warmBytesPerSecond / 1e6).toFixed(2)
        } MB/s`,
      );
      console.log(
        `decoded module heap (ours, ${
          programs[0].name
        }.wasm, ${compile.moduleBytes} bytes): ~${
          (compile.moduleHeapBytes / 1024).toFixed(0)
        } KiB (${
          (compile.moduleHeapBytes / compile.moduleBytes).toFixed(1)
        }x the binary)`,
      );
      console.log(
        `instantiate (${programs[0].name}.wasm, no run): ours ${
          compile.instantiateMsOurs.toFixed(3)
        } ms, native ${compile.instantiateMsNative.toFixed(3)} ms per instance`,
      );
    }
    if (failures) console.log(`${failures} program(s) FAILED`);
  }
  return failures ? 1 : 0;
}

if (import.meta.main) {
  const probe = Deno.args.indexOf("--heap-probe");
  if (probe >= 0) await heapProbe(Deno.args[probe + 1]);
  else Deno.exit(await main());
}
