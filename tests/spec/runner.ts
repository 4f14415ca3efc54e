/**
 * Spec runner: `deno task spectest <dir> [options]`.
 *
 * Runs every `*.json` script that `wast2json` wrote for the official
 * WebAssembly test suite (found recursively under `<dir>`) against the Porta
 * engine, prints one line per file and the summary line `N passed, N failed`,
 * and exits non-zero on failures (the SIMD files `simd_*` included: they
 * run like any other); text-format assertions (which wast2json leaves as
 * .wat) are counted as not applicable.
 *
 * Options: `--engine=porta|native` (native = the host's WebAssembly, to check
 * the runner), `--tier=interp|js|auto` (Porta's execution tier, passed to
 * every instance; default: the engine's own default), `--fuel=N`,
 * `--timeout=SECONDS` per file (default 120), `--jobs=N`, `--show=N` failures
 * printed per file (default 5), `--filter=TEXT`, `--json=FILE` (write all
 * results as JSON), `--strict-traps` (a trap whose message lacks the spec
 * text, e.g. "integer divide by zero", counts as a failure; otherwise such
 * traps pass and are only counted),
 * `--repeat=N` (run each file N times in its worker and keep the worst run:
 * finds engine bugs that appear only once the engine's code is JIT-optimised).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, relative } from "node:path";
import type { FileResult } from "./harness.ts";
import type { WorkerJob, WorkerReply } from "./worker.ts";

function findJson(dir: string, out: string[] = []): string[] {
  for (
    const e of [...Deno.readDirSync(dir)].sort((a, b) =>
      a.name.localeCompare(b.name)
    )
  ) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) findJson(p, out);
    else if (e.isFile && e.name.endsWith(".json")) out.push(p);
  }
  return out;
}

/** True for the SIMD scripts (counted in the summary). */
export function isSimdFile(path: string): boolean {
  const name = basename(path);
  return name.startsWith("simd_") || name.startsWith("simd-");
}

const USAGE =
  "usage: deno task spectest <dir-with-wast2json-output> [--engine=porta|native] [--tier=interp|js|auto] [--filter=S] [--show=N] [--fuel=N] [--timeout=S] [--jobs=N] [--json=FILE] [--strict-traps] [--repeat=N]";

/** Porta's execution tiers (InstanceOptions.tier). */
const TIERS = ["interp", "js", "auto"];

function parseCommandLine(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      engine: { type: "string", default: "porta" },
      tier: { type: "string" },
      fuel: { type: "string" },
      timeout: { type: "string", default: "120" },
      jobs: { type: "string" },
      show: { type: "string", default: "5" },
      filter: { type: "string" },
      json: { type: "string" },
      "strict-traps": { type: "boolean", default: false },
      repeat: { type: "string", default: "1" },
    },
  });
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(Deno.args);
  } catch (e) {
    console.error(`spectest: ${e instanceof Error ? e.message : e}`);
    console.error(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const engine = values.engine as "porta" | "native";
  if (engine !== "porta" && engine !== "native") {
    console.error(`spectest: unknown engine "${engine}" (use porta or native)`);
    return 2;
  }
  const tier = values.tier;
  if (tier !== undefined && !TIERS.includes(tier)) {
    console.error(
      `spectest: unknown tier "${tier}" (use ${TIERS.join(", ")})`,
    );
    return 2;
  }
  if (tier !== undefined && engine !== "porta") {
    console.error("spectest: --tier applies to --engine=porta only");
    return 2;
  }
  const root = positionals[0].replace(/\/+$/, "");
  let all: string[];
  try {
    all = findJson(root);
  } catch (e) {
    console.error(
      `spectest: cannot read ${root}: ${e instanceof Error ? e.message : e}`,
    );
    return 2;
  }
  if (values.filter) {
    all = all.filter((f) => f.includes(values.filter as string));
  }
  if (all.length === 0) {
    console.error(
      `spectest: no .json files under ${root}${
        values.filter ? ` matching "${values.filter}"` : ""
      } (convert the .wast files with wast2json first; see README)`,
    );
    return 2;
  }
  const files = all;
  const simd = files.filter(isSimdFile);
  const fuel = values.fuel === undefined ? undefined : Number(values.fuel);
  const timeoutMs = Number(values.timeout) * 1000;
  const show = Number(values.show);
  const jobs = Math.max(
    1,
    Number(values.jobs ?? Math.min(4, navigator.hardwareConcurrency || 1)),
  );

  const results = new Map<string, FileResult>();
  const queue = [...files];
  const startWorker = (): Worker =>
    new Worker(new URL("./worker.ts", import.meta.url).href, {
      type: "module",
    });

  const runLane = async (): Promise<void> => {
    let worker = startWorker();
    while (queue.length > 0) {
      const file = queue.shift() as string;
      const reply = await new Promise<
        WorkerReply | { file: string; timeout: true }
      >((resolve) => {
        const timer = setTimeout(
          () => resolve({ file, timeout: true }),
          timeoutMs,
        );
        worker.onmessage = (e: MessageEvent<WorkerReply>) => {
          clearTimeout(timer);
          resolve(e.data);
        };
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          clearTimeout(timer);
          resolve({ file, error: `worker crashed: ${e.message}` });
        };
        worker.postMessage(
          {
            engine,
            fuel,
            tier,
            file,
            strictTraps: values["strict-traps"],
            repeat: Math.max(1, Number(values.repeat)),
          } satisfies WorkerJob,
        );
      });
      let r: FileResult;
      if ("result" in reply) {
        r = reply.result;
      } else {
        const why = "timeout" in reply
          ? `timed out after ${values.timeout}s`
          : reply.error;
        r = {
          file,
          passed: 0,
          failed: 1,
          notApplicable: 0,
          exceptions: [],
          failures: [why],
          messageMismatches: [],
        };
        worker.terminate();
        worker = startWorker();
      }
      results.set(file, r);
      printFile(root, r, show);
    }
    worker.terminate();
  };
  await Promise.all(
    Array.from({ length: Math.min(jobs, Math.max(1, files.length)) }, runLane),
  );

  let passed = 0, failed = 0, na = 0, filesFailed = 0, mismatches = 0;
  const exceptions: string[] = [];
  for (const r of results.values()) {
    passed += r.passed;
    failed += r.failed;
    na += r.notApplicable;
    mismatches += r.messageMismatches.length;
    if (r.failed > 0) filesFailed++;
    for (const x of r.exceptions) {
      exceptions.push(`${relative(root, r.file)} ${x}`);
    }
  }
  if (values.json) {
    const sorted = [...results.values()].sort((a, b) =>
      a.file.localeCompare(b.file)
    );
    Deno.writeTextFileSync(values.json, JSON.stringify(sorted, null, 1));
  }
  console.log(
    `engine ${engine}${
      tier === undefined ? "" : ` (tier ${tier})`
    }: ${files.length} files run, ${filesFailed} with failures`,
  );
  const simdFailed = simd.filter((f) => (results.get(f)?.failed ?? 1) > 0);
  console.log(
    `SIMD files (simd_*): ${simd.length} run, ${simdFailed.length} with failures`,
  );
  console.log(
    `not applicable: ${na} text-format assertions (assert_malformed/invalid as .wat)`,
  );
  console.log(
    `allowed exceptions: ${exceptions.length} (2.0 assertions contradicting multi-memory)`,
  );
  for (const x of exceptions) console.log(`  ${x}`);
  if (!values["strict-traps"]) {
    console.log(
      `trap messages without the spec text: ${mismatches} (--strict-traps to fail on them)`,
    );
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

function printFile(root: string, r: FileResult, show: number): void {
  const name = relative(root, r.file);
  if (r.failed === 0) {
    console.log(`ok   ${name}  ${r.passed} passed`);
    return;
  }
  console.log(`FAIL ${name}  ${r.passed} passed, ${r.failed} failed`);
  for (const f of r.failures.slice(0, show)) console.log(`       ${f}`);
  if (r.failures.length > show) {
    console.log(`       ... ${r.failures.length - show} more`);
  }
}

if (import.meta.main) Deno.exit(await main());
