/**
 * Load test of `porta serve --http` on loopback with the demo agent:
 * requests per second and p50/p99 latency of `tools/call` (a guest call
 * each) and `tools/list` (no guest), over MCP 2025-11-25 sessions and
 * 2026-07-28 stateless requests. Bounded in count and time.
 *
 * Usage: deno run -A bench/http_load.ts [--requests N] [--clients C]
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    clients: { type: "string", default: "16" },
    concurrency: { type: "string", default: "2" },
  },
});
const TOTAL = Math.max(1, Number(values.requests));
const CLIENTS = Math.max(1, Number(values.clients));
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DEADLINE_MS = 120_000;

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    "--unstable-worker-options",
    "--no-prompt",
    `${ROOT}cli.ts`,
    "serve",
    `${ROOT}testdata/agents/demo.wasm`,
    "--http",
    "127.0.0.1:0",
    "--concurrency",
    String(values.concurrency),
  ],
  stdin: "null",
  stdout: "null",
  stderr: "piped",
}).spawn();
let err = "";
const dec = new TextDecoder();
void (async () => {
  for await (const c of child.stderr) err += dec.decode(c, { stream: true });
})();
const t0 = performance.now();
let url = "";
while (!url) {
  if (performance.now() - t0 > 30_000) {
    child.kill("SIGKILL");
    throw new Error(`the server did not start: ${err}`);
  }
  url = /on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err)?.[1] ?? "";
  await new Promise((r) => setTimeout(r, 20));
}
// wait for the warm workers, so start-up is not measured
while (!/workers ready/.test(err) && performance.now() - t0 < 30_000) {
  await new Promise((r) => setTimeout(r, 20));
}

const HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};
const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
};

async function openSession(): Promise<string> {
  const r = await fetch(url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "load", version: "1" },
      },
    }),
  });
  await r.body?.cancel();
  return r.headers.get("mcp-session-id")!;
}

type Mode = "session" | "stateless";

async function run(
  mode: Mode,
  method: "tools/call" | "tools/list",
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const sessions = mode === "session"
    ? await Promise.all(Array.from({ length: CLIENTS }, openSession))
    : [];
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const params = method === "tools/call"
    ? { name: "reverse", arguments: { text: "hello world" } }
    : {};
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (next < TOTAL && performance.now() - start < DEADLINE_MS) {
        const id = next++;
        const headers: Record<string, string> = { ...HEADERS };
        let body: unknown;
        if (mode === "session") {
          headers["mcp-session-id"] = sessions[c];
          headers["mcp-protocol-version"] = "2025-11-25";
          body = { jsonrpc: "2.0", id, method, params };
        } else {
          headers["mcp-protocol-version"] = "2026-07-28";
          headers["mcp-method"] = method;
          if (method === "tools/call") headers["mcp-name"] = "reverse";
          body = {
            jsonrpc: "2.0",
            id,
            method,
            params: { ...params, _meta: META },
          };
        }
        const t = performance.now();
        const r = await fetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
        });
        const json = await r.json().catch(() => null);
        latencies.push(performance.now() - t);
        if (r.status !== 200 || !json?.result) errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  for (const sid of sessions) {
    await fetch(url, { method: "DELETE", headers: { "mcp-session-id": sid } })
      .then((r) => r.body?.cancel());
  }
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors };
}

try {
  console.log(
    `porta serve --http, demo agent, ${TOTAL} requests per row, ${CLIENTS} clients, --concurrency ${values.concurrency}`,
  );
  console.log("mode       method      req/s    p50 ms   p99 ms  errors");
  for (const mode of ["session", "stateless"] as Mode[]) {
    for (const method of ["tools/list", "tools/call"] as const) {
      const r = await run(mode, method);
      console.log(
        `${mode.padEnd(10)} ${method.padEnd(10)} ${
          r.rps.toFixed(0).padStart(6)
        } ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${
          String(r.errors).padStart(7)
        }`,
      );
    }
  }
} finally {
  child.kill("SIGTERM");
  await child.status;
}
