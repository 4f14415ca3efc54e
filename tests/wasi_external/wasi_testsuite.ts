/**
 * Runs the preview1 tests of WebAssembly/wasi-testsuite (branch
 * `prod/testsuite-base`, prebuilt binaries) and compares each run with its
 * JSON spec (exit code, stdout, stderr).
 *
 * Engines:
 * - `cli` (default): the real command line, exactly as a user runs it:
 *   `porta run TEST.wasm --profile full [--dir ROOT:/:rw] [--env K=V]... -- ARGS`
 *   (`deno run -A --unstable-worker-options --no-prompt cli.ts`), so the
 *   guest runs inside all three walls. Porta's own diagnostic lines on
 *   stderr (`[porta] ...`) are left out of the stderr comparison.
 * - `porta`, `native`: Porta's WASI layer in a plain subprocess (no sandbox)
 *   on Porta's engine or on the host's WebAssembly; `all` runs the three.
 *
 * Not part of `deno task test`; nothing is downloaded. Prepare a checkout:
 *   git --git-dir=<wasi-testsuite git dir> archive prod/testsuite-base | tar -x -C /tmp/wts
 * then:
 *   deno run -A tests/wasi_external/wasi_testsuite.ts /tmp/wts [--engine cli|porta|native|all]
 *     [--filter substr] [--timeout 120] [--jobs N] [--verbose]
 * It prints one line per failure and `ENGINE: N passed, N failed (of N)`;
 * the exit code is 1 when a test failed.
 *
 * Each test runs in its own subprocess (a hang or crash affects only that
 * test) on a fresh copy of its `root` directory, preopened writable as `/`.
 * @module
 */
import { parseArgs } from "node:util";
import { collectingSink, Wasi } from "../../src/wasi/mod.ts";

interface Expect {
  args: string[];
  env: Record<string, string>;
  root: string | null;
  exitCode: number;
  stdout: string | null;
  stderr: string | null;
}

/** Normalises a legacy or operation-based spec into one expectation. */
function readSpec(jsonPath: string): Expect {
  let raw: any = {};
  try {
    raw = JSON.parse(Deno.readTextFileSync(jsonPath));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const out: Expect = {
    args: raw.args ?? [],
    env: raw.env ?? {},
    root: raw.root ?? null,
    exitCode: raw.exit_code ?? 0,
    stdout: raw.stdout ?? null,
    stderr: raw.stderr ?? null,
  };
  if (Array.isArray(raw.operations)) {
    for (const op of raw.operations) {
      if (op.type === "run") {
        out.args = op.args ?? [];
        out.env = op.env ?? {};
        out.root = op.root ?? null;
      } else if (op.type === "wait") out.exitCode = op.exit_code ?? 0;
      else if (op.type === "read") {
        const id = op.id ?? "stdout";
        if (id === "stdout") {
          out.stdout = (out.stdout ?? "") + (op.payload ?? "");
        } else out.stderr = (out.stderr ?? "") + (op.payload ?? "");
      } else throw new Error(`unsupported operation ${op.type}`);
    }
  }
  return out;
}

function copyDir(src: string, dst: string): void {
  Deno.mkdirSync(dst, { recursive: true });
  for (const e of Deno.readDirSync(src)) {
    const s = `${src}/${e.name}`, d = `${dst}/${e.name}`;
    if (e.isSymlink) Deno.symlinkSync(Deno.readLinkSync(s), d);
    else if (e.isDirectory) copyDir(s, d);
    else Deno.copyFileSync(s, d);
  }
}

/** Child mode: runs one test and prints a JSON result line. */
async function runOne(wasmPath: string, engine: string): Promise<void> {
  const spec = readSpec(wasmPath.replace(/\.wasm$/, ".json"));
  const wa: any = engine === "native"
    ? WebAssembly
    : await import(new URL("../../src/wasm/mod.ts", import.meta.url).href);
  let tmp: string | null = null;
  const preopens = [];
  if (spec.root) {
    tmp = Deno.makeTempDirSync({ prefix: "wts-" });
    const dir = wasmPath.slice(0, wasmPath.lastIndexOf("/"));
    copyDir(`${dir}/${spec.root}`, `${tmp}/root`);
    preopens.push({ guestPath: "/", hostPath: `${tmp}/root`, writable: true });
  }
  const out = collectingSink(), err = collectingSink();
  const name = wasmPath.slice(wasmPath.lastIndexOf("/") + 1);
  let result: Record<string, unknown>;
  try {
    const wasi = new Wasi({
      args: [name, ...spec.args],
      env: spec.env,
      preopens,
      stdout: out.sink,
      stderr: err.sink,
    });
    const mod = new wa.Module(Deno.readFileSync(wasmPath));
    const inst = new wa.Instance(mod, wasi.imports);
    const code = wasi.start(inst);
    wasi.close();
    result = { code, stdout: out.text(), stderr: err.text() };
  } catch (e) {
    result = {
      crash: e instanceof Error
        ? `${e.name}: ${e.message.split("\n")[0]}`
        : String(e),
      stdout: out.text(),
      stderr: err.text(),
    };
  } finally {
    if (tmp) Deno.removeSync(tmp, { recursive: true });
  }
  console.log(JSON.stringify(result));
}

interface Outcome {
  test: string;
  engine: string;
  pass: boolean;
  why: string;
}

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/** Runs one test through `porta run` and compares it with its spec. */
async function runCli(
  wasm: string,
  timeoutS: number,
): Promise<Outcome> {
  const test = wasm.split("/tests/")[1] ?? wasm;
  const spec = readSpec(wasm.replace(/\.wasm$/, ".json"));
  const args = [
    "run",
    "-A",
    "--unstable-worker-options",
    "--no-prompt",
    CLI,
    "run",
    wasm,
    "--profile",
    "full",
  ];
  let tmp: string | null = null;
  if (spec.root) {
    tmp = Deno.makeTempDirSync({ prefix: "wts-" });
    const dir = wasm.slice(0, wasm.lastIndexOf("/"));
    copyDir(`${dir}/${spec.root}`, `${tmp}/root`);
    args.push("--dir", `${tmp}/root:/:rw`);
  }
  for (const [k, v] of Object.entries(spec.env)) {
    args.push("--env", `${k}=${v}`);
  }
  args.push("--", ...spec.args);
  let o: Deno.CommandOutput;
  try {
    o = await new Deno.Command(Deno.execPath(), {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutS * 1000),
    }).output();
  } catch {
    return {
      test,
      engine: "cli",
      pass: false,
      why: `timeout after ${timeoutS}s`,
    };
  } finally {
    if (tmp) Deno.removeSync(tmp, { recursive: true });
  }
  const stdout = new TextDecoder().decode(o.stdout);
  const stderrAll = new TextDecoder().decode(o.stderr);
  // Porta's own lines (the run summary, warnings, denials) are not the guest's
  const stderr = stderrAll.split("\n").filter((l) => !l.startsWith("[porta]"))
    .join("\n");
  return compare(test, "cli", spec, { code: o.code, stdout, stderr });
}

/** Compares a run with its spec (exit code, stdout and stderr prefixes). */
function compare(
  test: string,
  engine: string,
  spec: Expect,
  r: { code: number; stdout: string; stderr: string },
): Outcome {
  const whys: string[] = [];
  if (r.code !== spec.exitCode) whys.push(`exit ${r.code} != ${spec.exitCode}`);
  if (spec.stdout !== null && !r.stdout.startsWith(spec.stdout)) {
    whys.push(`stdout ${JSON.stringify(r.stdout.slice(0, 200))}`);
  }
  if (spec.stderr !== null && !r.stderr.startsWith(spec.stderr)) {
    whys.push(`stderr ${JSON.stringify(r.stderr.slice(0, 200))}`);
  }
  if (whys.length && r.stderr) {
    whys.push(`(stderr: ${r.stderr.slice(0, 300).replaceAll("\n", " | ")})`);
  }
  return { test, engine, pass: whys.length === 0, why: whys.join("; ") };
}

async function runChild(
  wasm: string,
  engine: string,
  timeoutS: number,
): Promise<Outcome> {
  if (engine === "cli") return runCli(wasm, timeoutS);
  const test = wasm.split("/tests/")[1] ?? wasm;
  const spec = readSpec(wasm.replace(/\.wasm$/, ".json"));
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      import.meta.filename!,
      "--one",
      wasm,
      "--engine",
      engine,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutS * 1000),
  });
  let text: string;
  let childErr = "";
  try {
    const o = await cmd.output();
    text = new TextDecoder().decode(o.stdout).trim().split("\n").pop() ?? "";
    childErr = `exit ${o.code}: ` +
      new TextDecoder().decode(o.stderr).trim().split("\n").slice(-3).join(
        " | ",
      );
  } catch {
    return { test, engine, pass: false, why: `timeout after ${timeoutS}s` };
  }
  let r: any;
  try {
    r = JSON.parse(text);
  } catch {
    return {
      test,
      engine,
      pass: false,
      why: `child died without a result (${childErr})`,
    };
  }
  if (r.crash) return { test, engine, pass: false, why: r.crash };
  return compare(test, engine, spec, r);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      one: { type: "string" },
      engine: { type: "string", default: "cli" },
      filter: { type: "string", default: "" },
      timeout: { type: "string", default: "120" },
      jobs: { type: "string", default: String(navigator.hardwareConcurrency) },
      verbose: { type: "boolean", default: false },
    },
  });
  if (values.one) return runOne(values.one, values.engine!);
  const root = positionals[0];
  if (!root) {
    console.error(
      "usage: wasi_testsuite.ts <extracted wasi-testsuite dir> [--engine cli|porta|native|all]",
    );
    Deno.exit(2);
  }
  const wasms: string[] = [];
  for (const lang of ["assemblyscript", "c", "rust"]) {
    const dir = `${root}/tests/${lang}/testsuite/wasm32-wasip1`;
    try {
      for (const e of Deno.readDirSync(dir)) {
        if (
          e.name.endsWith(".wasm") &&
          `${lang}/${e.name}`.includes(values.filter!)
        ) {
          wasms.push(`${dir}/${e.name}`);
        }
      }
    } catch {
      console.error(`missing ${dir}`);
    }
  }
  wasms.sort();
  const engines = values.engine === "all"
    ? ["cli", "porta", "native"]
    : [values.engine!];
  for (const e of engines) {
    if (!["cli", "porta", "native"].includes(e)) {
      console.error(`unknown engine ${e}: cli, porta, native or all`);
      Deno.exit(2);
    }
  }
  const jobs = wasms.flatMap((w) => engines.map((e) => [w, e] as const));
  const results: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [w, e] = jobs[next++];
      const o = await runChild(w, e, Number(values.timeout));
      results.push(o);
      if (!o.pass || values.verbose) {
        console.log(
          `${o.pass ? "ok  " : "FAIL"} [${o.engine}] ${o.test} ${o.why}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Number(values.jobs) }, worker));
  let failed = 0;
  for (const e of engines) {
    const mine = results.filter((r) => r.engine === e);
    const passed = mine.filter((r) => r.pass).length;
    failed += mine.length - passed;
    console.log(
      `${e}: ${passed} passed, ${
        mine.length - passed
      } failed (of ${mine.length})`,
    );
  }
  if (wasms.length === 0 || failed > 0) Deno.exit(1);
}

if (import.meta.main) await main();
