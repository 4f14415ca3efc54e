/**
 * MCP latency benchmark: starts `porta serve testdata/agents/testagent.wasm`
 * and measures, from the official SDK client, the round-trip time of a
 * trivial tool call (`ping` -> "pong") after the first one: the module is
 * compiled once and calls run in warm workers, each in a fresh instance.
 *
 * Usage: deno run -A bench/mcp_latency.ts [--calls N] [--warmup N] [--agent PATH]
 *        [--tool NAME] [--args JSON] [--tier interp|js|auto] [--json]
 *
 * `--tier` is passed to `porta serve` (the engine's execution tier of the
 * guest; without it, serve's default). For example, the demo agent's `fib`
 * at each tier:
 *
 *     for t in interp js auto; do deno run -A bench/mcp_latency.ts \
 *       --agent testdata/agents/demo.wasm --tool fib --args '{"n":90}' --tier $t; done
 * Target: median < 5 ms.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  args: Deno.args,
  options: {
    calls: { type: "string", default: "200" },
    warmup: { type: "string", default: "10" },
    agent: {
      type: "string",
      default: `${root}testdata/agents/testagent.wasm`,
    },
    tool: { type: "string", default: "ping" },
    args: { type: "string", default: "{}" },
    tier: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const tier = values.tier;
if (tier !== undefined && !["interp", "js", "auto"].includes(tier)) {
  console.error("mcp_latency: --tier takes interp, js or auto");
  Deno.exit(2);
}
const calls = Number(values.calls);
const warmup = Number(values.warmup);
if (!Number.isInteger(calls) || calls < 1 || !Number.isInteger(warmup)) {
  console.error("mcp_latency: --calls and --warmup take whole numbers");
  Deno.exit(2);
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, i)];
}

const transport = new StdioClientTransport({
  command: Deno.execPath(),
  args: [
    "run",
    "-A",
    "--unstable-worker-options",
    `${root}cli.ts`,
    "serve",
    values.agent,
    "--concurrency",
    "1",
    ...(tier === undefined ? [] : ["--tier", tier]),
  ],
  cwd: root,
  stderr: "pipe",
});
let stderr = "";
transport.stderr?.on("data", (c: Uint8Array | string) => {
  stderr += typeof c === "string" ? c : new TextDecoder().decode(c);
});
const client = new Client({ name: "porta-bench", version: "1.0.0" });

const t0 = performance.now();
await client.connect(transport);
const connectMs = performance.now() - t0;
let toolArgs: Record<string, unknown>;
try {
  toolArgs = JSON.parse(values.args);
} catch {
  console.error("mcp_latency: --args must be a JSON object");
  Deno.exit(2);
}
const call = () => client.callTool({ name: values.tool, arguments: toolArgs });

const f0 = performance.now();
const first = (await call()) as {
  isError?: boolean;
  content: { text?: string }[];
};
const firstMs = performance.now() - f0;
if (first.isError) {
  console.error(
    `mcp_latency: ${values.tool} failed: ${first.content[0]?.text}`,
  );
  await client.close();
  Deno.exit(1);
}
for (let i = 0; i < warmup; i++) await call();
const times: number[] = [];
for (let i = 0; i < calls; i++) {
  const s = performance.now();
  await call();
  times.push(performance.now() - s);
}
const pingTimes: number[] = [];
for (let i = 0; i < Math.min(calls, 100); i++) {
  const s = performance.now();
  await client.ping();
  pingTimes.push(performance.now() - s);
}
await client.close();

const sorted = [...times].sort((a, b) => a - b);
const pings = [...pingTimes].sort((a, b) => a - b);
const steps = /steps=(\d+)/.exec(
  stderr.split("\n").find((l) => l.includes(`tool=${values.tool} `)) ?? "",
)?.[1];
const result = {
  tool: values.tool,
  tier: tier ?? "default",
  calls,
  connectMs: +connectMs.toFixed(2),
  firstCallMs: +firstMs.toFixed(2),
  medianMs: +percentile(sorted, 50).toFixed(3),
  p95Ms: +percentile(sorted, 95).toFixed(3),
  minMs: +sorted[0].toFixed(3),
  maxMs: +sorted[sorted.length - 1].toFixed(3),
  pingMedianMs: +percentile(pings, 50).toFixed(3),
  guestStepsPerCall: steps ? Number(steps) : null,
  targetMedianMs: 5,
};
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `porta serve: MCP tool-call latency (${values.tool}, tier ${result.tier}, ${calls} calls after ${
      warmup + 1
    } warm-up)`,
  );
  console.log(`  connect (spawn + initialize)  ${result.connectMs} ms`);
  console.log(`  first call                    ${result.firstCallMs} ms`);
  console.log(
    `  median                        ${result.medianMs} ms  (target < 5 ms)`,
  );
  console.log(`  p95                           ${result.p95Ms} ms`);
  console.log(
    `  min / max                     ${result.minMs} / ${result.maxMs} ms`,
  );
  console.log(`  protocol-only ping median     ${result.pingMedianMs} ms`);
  if (steps) console.log(`  guest instructions per call   ${steps}`);
}
