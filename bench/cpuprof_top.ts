/**
 * Profile a snapshot copy of the tree (the engine changes under you, and line numbers must match
 * the source that ran): `cp -r src bench deno.json /tmp/snap/` then run from /tmp/snap.
 *
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions with the most self
 * time, and the hottest source lines (V8 position ticks), optionally only in files whose URL
 * contains a filter. Used to profile the engine while it runs the benchmarks:
 *
 *   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/run.ts --filter i64_hash
 *   deno run -A bench/cpuprof_top.ts /tmp/prof/*.cpuprofile --file src/wasm --top 30
 *
 * @module
 */
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
  };
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

function short(url: string): string {
  const i = url.indexOf("/work/main/");
  return i >= 0
    ? url.slice(i + "/work/main/".length)
    : url.replace(/^file:\/\//, "");
}

/**
 * Position ticks count lines of the JavaScript V8 ran, i.e. Deno's emitted (type-stripped) file in
 * DENO_DIR/gen, not the TypeScript source; read that when it exists.
 */
async function readEmitted(file: string): Promise<string> {
  const denoDir = Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("HOME")}/.cache/deno`;
  try {
    return await Deno.readTextFile(`${denoDir}/gen/file${file}.js`);
  } catch {
    return await Deno.readTextFile(file);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      file: { type: "string" },
      top: { type: "string", default: "25" },
      lines: { type: "boolean", default: true },
    },
  });
  if (positionals.length === 0) {
    console.error(
      "usage: cpuprof_top.ts <file.cpuprofile> [--file SUBSTRING] [--top N]",
    );
    Deno.exit(2);
  }
  const top = Number(values.top);
  const prof: Profile = JSON.parse(await Deno.readTextFile(positionals[0]));
  const total = prof.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const byFn = new Map<string, number>();
  const byLine = new Map<string, number>();
  const srcCache = new Map<string, string[]>();
  for (const n of prof.nodes) {
    const hits = n.hitCount ?? 0;
    const cf = n.callFrame;
    const key = `${cf.functionName || "(anonymous)"}  ${short(cf.url)}:${
      cf.lineNumber + 1
    }`;
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
    if (values.file && !cf.url.includes(values.file)) continue;
    for (const pt of n.positionTicks ?? []) {
      const lk = `${short(cf.url)}:${pt.line}`;
      byLine.set(lk, (byLine.get(lk) ?? 0) + pt.ticks);
    }
  }
  const pct = (h: number): string =>
    (100 * h / total).toFixed(1).padStart(5) + "%";
  console.log(
    `samples: ${total}, duration ${
      ((prof.endTime - prof.startTime) / 1e6).toFixed(2)
    } s`,
  );
  console.log("\nself time by function:");
  for (const [k, h] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    if (values.file && !k.includes(values.file) && h / total < 0.01) continue;
    console.log(`${pct(h)}  ${k}`);
  }
  if (!values.lines) return;
  console.log("\nhottest lines:");
  for (const [k, h] of [...byLine].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const [file, line] = [
      k.slice(0, k.lastIndexOf(":")),
      Number(k.slice(k.lastIndexOf(":") + 1)),
    ];
    let text = "";
    try {
      if (!srcCache.has(file)) {
        srcCache.set(file, (await readEmitted(file)).split("\n"));
      }
      text = srcCache.get(file)![line - 1]?.trim().slice(0, 90) ?? "";
    } catch { /* source not readable */ }
    console.log(`${pct(h)}  ${k.padEnd(32)} ${text}`);
  }
}

if (import.meta.main) await main();
