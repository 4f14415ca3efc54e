/**
 * Spawn -> `initialize` answer of `porta serve` on the demo agent: the time
 * from spawning the process until its answer to an `initialize` sent at
 * once, N runs (default 10), median and range. Also when the first tool
 * call (`fib`, sent right after the answer) was answered, and when all the
 * guest workers were warm (the `[porta] workers ready` line on stderr).
 *
 *   deno run -A bench/serve_startup.ts [--runs 10] [--agent PATH] [-- serve flags]
 * @module
 */
import { parseArgs } from "node:util";

const ROOT = new URL("../", import.meta.url).pathname;
const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "10" },
    agent: { type: "string", default: `${ROOT}testdata/agents/demo.wasm` },
  },
});

const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "startup-bench", version: "1" },
  },
}) + "\n";
const CALL = JSON.stringify({
  jsonrpc: "2.0",
  method: "notifications/initialized",
}) + "\n" + JSON.stringify({
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "fib", arguments: { n: 10 } },
}) + "\n";

/** One spawn: ms until the initialize answer, and until the workers were warm. */
export async function measureOnce(
  agent: string,
  flags: string[] = [],
): Promise<
  { initMs: number; callMs: number; warmMs: number | null; order: string[] }
> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      "--no-prompt",
      `${ROOT}cli.ts`,
      "serve",
      agent,
      ...flags,
    ],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(INIT));
  const order: string[] = [];
  let initMs = NaN;
  let callMs = NaN;
  let warmMs: number | null = null;
  const dec = new TextDecoder();
  const readOut = (async () => {
    let buf = "";
    for await (const c of child.stdout) {
      buf += dec.decode(c, { stream: true });
      if (Number.isNaN(initMs) && buf.includes('"id":1')) {
        initMs = performance.now() - t0;
        order.push("initialize");
        await writer.write(new TextEncoder().encode(CALL));
      }
      if (buf.includes('"id":2')) {
        callMs = performance.now() - t0;
        order.push("call");
        break;
      }
    }
  })();
  let warm: () => void = () => {};
  const warmSeen = new Promise<void>((r) => warm = r);
  const readErr = (async () => {
    let buf = "";
    for await (const c of child.stderr) {
      buf += dec.decode(c, { stream: true });
      if (warmMs === null && /workers ready/.test(buf)) {
        warmMs = performance.now() - t0;
        order.push("workers ready");
        warm();
      }
    }
  })();
  await readOut;
  await Promise.race([warmSeen, new Promise((r) => setTimeout(r, 5000))]);
  await writer.close();
  await child.status;
  await readErr;
  return { initMs, callMs, warmMs, order };
}

if (import.meta.main) {
  const runs = Number(values.runs);
  const inits: number[] = [], calls: number[] = [], warms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await measureOnce(values.agent!, positionals);
    inits.push(r.initMs);
    calls.push(r.callMs);
    if (r.warmMs !== null) warms.push(r.warmMs);
  }
  const median = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length ? s[Math.floor(s.length / 2)] : NaN;
  };
  const f = (x: number) => x.toFixed(0);
  console.log(
    `spawn -> initialize answer: median ${f(median(inits))} ms (min ${
      f(Math.min(...inits))
    }, max ${f(Math.max(...inits))}) over ${runs} runs`,
  );
  console.log(
    `spawn -> first call answered: median ${f(median(calls))} ms (min ${
      f(Math.min(...calls))
    }, max ${f(Math.max(...calls))})`,
  );
  if (warms.length) {
    console.log(
      `spawn -> workers ready: median ${
        f(median(warms))
      } ms (${warms.length} runs)`,
    );
  }
}
