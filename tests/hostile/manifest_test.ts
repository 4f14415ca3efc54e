/**
 * Hostile agents, item 8: untrusted manifests and arguments never stall the
 * server. Before: a `pattern` such as `^(\w+\s?)*$` against an ordinary
 * 86-character sentence spun forever on the main thread (ping, cancel,
 * SIGTERM ignored); an `enum` of 3,000 objects against a 1.3 MB argument was
 * quadratic (ping unanswered for 2 minutes); `"type": "__defineGetter__"`
 * made every call an internal error; a required prompt argument named
 * `constructor` counted as present; an auto-loaded 60 MB manifest took
 * 750 MB. Each test is bounded: the server runs in a child process killed
 * after a few seconds, whatever it does.
 */
import { ok, strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { McpServer } from "../../src/mcp/server.ts";
import type {
  CallOptions,
  McpAgent,
  McpManifest,
  ToolResult,
} from "../../src/mcp/server.ts";
import { ManifestError, parseManifest } from "../../src/agent/manifest.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEMO = `${ROOT}testdata/agents/demo.wasm`;
const SENTENCE =
  "The quick brown fox jumps over the lazy dog and keeps running far off from the hunter!";

/** A raw NDJSON client of `porta serve` in a child process, killed at `ms`. */
class Child {
  readonly #proc: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #waiting = new Map<number, (m: Any) => void>();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly stderr: Promise<string>;
  #next = 1;
  killed = false;

  constructor(args: string[], ms: number) {
    this.#proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-worker-options",
        `${ROOT}cli.ts`,
        ...args,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#proc.stdin.getWriter();
    this.#timer = setTimeout(() => {
      this.killed = true;
      try {
        this.#proc.kill("SIGKILL");
      } catch { /* gone */ }
    }, ms);
    this.stderr = new Response(this.#proc.stderr).text();
    this.#read();
  }

  async #read(): Promise<void> {
    let buf = "";
    const dec = new TextDecoder();
    for await (const chunk of this.#proc.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        this.#waiting.get(m.id)?.(m);
        this.#waiting.delete(m.id);
      }
    }
  }

  #lastWrite: Promise<void> = Promise.resolve();

  send(message: unknown): Promise<void> {
    this.#lastWrite = this.#writer.write(
      new TextEncoder().encode(JSON.stringify(message) + "\n"),
    );
    return this.#lastWrite;
  }

  /** Resolves once everything sent so far is in the pipe. */
  written(): Promise<void> {
    return this.#lastWrite;
  }

  /** Sends a request; resolves with the response and its round trip in ms. */
  async request(
    method: string,
    params: unknown = {},
  ): Promise<{ m: Any; ms: number }> {
    const id = this.#next++;
    const t0 = performance.now();
    const answered = new Promise<Any>((r) => this.#waiting.set(id, r));
    await this.send({ jsonrpc: "2.0", id, method, params });
    const m = await answered;
    return { m, ms: performance.now() - t0 };
  }

  async init(): Promise<void> {
    await this.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "hostile", version: "1" },
    });
    await this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }

  /** Ends stdin and waits for the exit status. */
  async close(): Promise<Deno.CommandStatus> {
    try {
      await this.#writer.close();
    } catch { /* gone */ }
    const status = await this.#proc.status;
    clearTimeout(this.#timer);
    return status;
  }
}

/** An agent directory: the demo module beside the given manifest. */
function agentDir(manifest: unknown): string {
  const dir = Deno.makeTempDirSync({ prefix: "porta-hostile-manifest-" });
  Deno.copyFileSync(DEMO, `${dir}/agent.wasm`);
  Deno.writeTextFileSync(
    `${dir}/agent.manifest.json`,
    typeof manifest === "string" ? manifest : JSON.stringify(manifest),
  );
  return dir;
}

function manifestWith(inputSchema: unknown): unknown {
  return {
    name: "hostile",
    version: "1.0.0",
    capabilities: ["io", "process"],
    tools: [{ name: "word_count", inputSchema }],
  };
}

/**
 * Runs one tools/call in `porta serve` while pinging every 20 ms; returns
 * the call's response, its time and the slowest ping.
 */
async function callWhilePinging(
  manifest: unknown,
  args: unknown,
): Promise<{ result: Any; ms: number; maxPing: number; pings: number }> {
  const dir = agentDir(manifest);
  const child = new Child(["serve", `${dir}/agent.wasm`], 15_000);
  try {
    await child.init();
    await child.request("ping"); // warm
    // the call is written whole first: a ping queued behind 1.3 MB in the
    // pipe would measure the pipe, not the server
    const t0 = performance.now();
    const answer = child.request("tools/call", {
      name: "word_count",
      arguments: args,
    });
    let done = false;
    let maxPing = 0;
    let pings = 0;
    const pinger = (async () => {
      await child.written();
      while (!done) {
        const { ms } = await child.request("ping");
        pings++;
        maxPing = Math.max(maxPing, ms);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const { m } = await answer;
    const ms = performance.now() - t0;
    // a few more pings after the answer
    await new Promise((r) => setTimeout(r, 100));
    done = true;
    await pinger;
    return { result: m.result, ms, maxPing, pings };
  } finally {
    const status = await child.close();
    Deno.removeSync(dir, { recursive: true });
    ok(!child.killed, "the server did not finish in time (killed)");
    strictEqual(status.code, 0);
  }
}

Deno.test("hostile manifest: a catastrophic pattern against an 86-character sentence answers at once, ping stays fast", async () => {
  strictEqual(SENTENCE.length, 86);
  const { result, ms, maxPing, pings } = await callWhilePinging(
    manifestWith({
      type: "object",
      properties: { text: { type: "string", pattern: "^(\\w+\\s?)*$" } },
      required: ["text"],
    }),
    { text: SENTENCE },
  );
  strictEqual(result.isError, true);
  strictEqual(
    result.content[0].text,
    'invalid arguments: property "text" must match the pattern ^(\\w+\\s?)*$',
  );
  ok(ms < 2000, `answered in ${ms.toFixed(0)} ms`);
  ok(pings >= 3);
  ok(maxPing < 100, `slowest ping ${maxPing.toFixed(0)} ms`);
});

Deno.test("hostile manifest: an enum of 3,000 objects against a 1.3 MB argument is quick, ping stays fast", async () => {
  const entries = Array.from({ length: 3000 }, (_, i) => ({
    id: i,
    name: `item-${i}`,
    tags: ["a", "b"],
  }));
  const schema = {
    type: "object",
    properties: { choice: { enum: entries } },
  };
  // 1.3 MB: 13,000 members (a canonical form sorts every key)
  const args = {
    choice: Object.fromEntries(
      Array.from({ length: 13_000 }, (_, i) => [`key-${i}`, "v".repeat(90)]),
    ),
  };
  // in process: the event loop never stops for long while the call is
  // parsed and checked
  const h = new Harness({
    name: "m",
    version: "1",
    tools: [{ name: "word_count", inputSchema: schema }],
  });
  let last = performance.now();
  let lag = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  const local = await h.ask(JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "word_count", arguments: args },
  }));
  const localMs = performance.now() - t0;
  clearInterval(tick);
  strictEqual(local.result.isError, true);
  ok(localMs < 500, `checked in ${localMs.toFixed(0)} ms`);
  ok(lag < 100, `event loop stopped for ${lag.toFixed(0)} ms`);
  // through porta serve (the pings include moving 1.3 MB through a pipe on
  // a busy machine: a looser bound)
  const { result, ms, maxPing } = await callWhilePinging(
    manifestWith(schema),
    args,
  );
  strictEqual(result.isError, true);
  ok(
    result.content[0].text.startsWith(
      'invalid arguments: property "choice" must be one of {"id":0,',
    ),
    result.content[0].text.slice(0, 200),
  );
  ok(result.content[0].text.length < 400, "the message lists a few entries");
  ok(ms < 2000, `answered in ${ms.toFixed(0)} ms`);
  ok(maxPing < 300, `slowest ping ${maxPing.toFixed(0)} ms`);
});

Deno.test('hostile manifest: "type": "__defineGetter__" and a backreference pattern are manifest errors; serve refuses with one line', async () => {
  const bad = manifestWith({
    type: "object",
    properties: {
      x: { type: "__defineGetter__" },
      y: { type: ["string", "constructor"] },
      z: { type: "string", pattern: "^(a)\\1$" },
    },
  });
  try {
    parseManifest(JSON.stringify(bad), "agent.manifest.json");
    ok(false, "accepted");
  } catch (e) {
    ok(e instanceof ManifestError);
    strictEqual(
      e.issues[0],
      'tools[0].inputSchema.properties.x.type: unknown type "__defineGetter__" (known: string, number, integer, boolean, object, array, null)',
    );
    strictEqual(
      e.issues[1],
      'tools[0].inputSchema.properties.y.type[1]: unknown type "constructor" (known: string, number, integer, boolean, object, array, null)',
    );
    strictEqual(
      e.issues[2],
      "tools[0].inputSchema.properties.z.pattern: backreferences (\\1) are not supported by the linear-time matcher",
    );
  }
  const dir = agentDir(bad);
  const child = new Child(["serve", `${dir}/agent.wasm`], 10_000);
  const status = await child.close();
  const err = (await child.stderr).trim();
  Deno.removeSync(dir, { recursive: true });
  ok(!child.killed);
  ok(status.code !== 0, `exit ${status.code}`);
  strictEqual(err.split("\n").length, 1, err);
  ok(
    err.includes(
      'tools[0].inputSchema.properties.x.type: unknown type "__defineGetter__"',
    ),
    err,
  );
});

/** An in-process agent whose calls return `text` (or record the prompt arguments). */
class EchoAgent implements McpAgent {
  readonly manifest: McpManifest;
  readonly calls: unknown[] = [];
  constructor(manifest: McpManifest) {
    this.manifest = manifest;
  }
  #done(text: string): Promise<ToolResult> {
    return Promise.resolve({
      text,
      isError: false,
      steps: 1,
      memoryPages: 1,
      durationMs: 1,
      exitCode: 0,
    });
  }
  callTool(name: string, args: unknown, _o?: CallOptions) {
    this.calls.push({ name, args });
    return this.#done("ok");
  }
  readResource(uri: string) {
    this.calls.push({ uri });
    return this.#done("text");
  }
  getPrompt(name: string, args: Record<string, string>) {
    this.calls.push({ name, args: JSON.stringify(args) });
    return this.#done("prompt");
  }
}

class Harness {
  readonly sent: Any[] = [];
  readonly logs: string[] = [];
  readonly agent: EchoAgent;
  readonly server: McpServer;
  constructor(manifest: McpManifest, limits = {}) {
    this.agent = new EchoAgent(manifest);
    this.server = new McpServer(this.agent, {
      version: "0",
      limits,
      log: (l) => this.logs.push(l),
    });
    this.server.connect((m) => void this.sent.push(m));
    this.server.receive(JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {} },
    }));
  }
  async ask(text: string): Promise<Any> {
    this.server.receive(text);
    await this.server.idle();
    return this.sent.at(-1);
  }
}

Deno.test("hostile manifest: names like constructor, __proto__, toString are ordinary names (own lookups only)", async () => {
  const names = ["constructor", "__proto__", "toString"];
  const h = new Harness({
    name: "m",
    version: "1",
    tools: [{
      name: "t",
      inputSchema: {
        type: "object",
        properties: JSON.parse('{"__proto__": {"type": "string"}}'),
        required: ["constructor"],
      },
    }],
    resources: [{ uri: "r://x", name: "x" }],
    prompts: names.map((n) => ({
      name: `p_${n}`,
      arguments: [{ name: n, required: true }],
    })),
  });
  // a required prompt argument that is absent is missing, whatever its name
  for (const n of names) {
    const r = await h.ask(JSON.stringify({
      jsonrpc: "2.0",
      id: n,
      method: "prompts/get",
      params: { name: `p_${n}`, arguments: {} },
    }));
    strictEqual(r.error?.code, -32602, JSON.stringify(r));
    strictEqual(
      r.error.message,
      `missing required argument "${n}" for prompt p_${n}`,
    );
  }
  // present as own keys (JSON text: "__proto__" is an own key), they reach the agent
  const r = await h.ask(
    '{"jsonrpc":"2.0","id":"all","method":"prompts/get","params":{"name":"p___proto__","arguments":{"__proto__":"a","constructor":"b","toString":"c"}}}',
  );
  ok(r.result, JSON.stringify(r));
  strictEqual(
    (h.agent.calls.at(-1) as Any).args,
    '{"__proto__":"a","constructor":"b","toString":"c"}',
  );
  // tools, resources, prompts looked up by these names are unknown, not internal errors
  for (const n of names) {
    const t = await h.ask(JSON.stringify({
      jsonrpc: "2.0",
      id: `t${n}`,
      method: "tools/call",
      params: { name: n, arguments: {} },
    }));
    strictEqual(t.error?.code, -32602, JSON.stringify(t));
    const res = await h.ask(JSON.stringify({
      jsonrpc: "2.0",
      id: `r${n}`,
      method: "resources/read",
      params: { uri: n },
    }));
    strictEqual(res.error?.code, -32002, JSON.stringify(res));
    const p = await h.ask(JSON.stringify({
      jsonrpc: "2.0",
      id: `p${n}`,
      method: "prompts/get",
      params: { name: n },
    }));
    strictEqual(p.error?.code, -32602, JSON.stringify(p));
  }
  // a schema's required "constructor" is missing from {}; a "__proto__"
  // property is checked against its own schema
  const miss = await h.ask(
    '{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"t","arguments":{}}}',
  );
  strictEqual(
    miss.result.content[0].text,
    'invalid arguments: missing required property "constructor"',
  );
  const proto = await h.ask(
    '{"jsonrpc":"2.0","id":"c2","method":"tools/call","params":{"name":"t","arguments":{"constructor":1,"__proto__":{}}}}',
  );
  strictEqual(
    proto.result.content[0].text,
    'invalid arguments: property "__proto__" must be of type string',
  );
  ok(!h.logs.some((l) => l.includes("internal error")), h.logs.join("\n"));
});

Deno.test("hostile manifest: arguments nested 100,000 deep are refused (limit 512), quickly", async () => {
  const h = new Harness({
    name: "m",
    version: "1",
    tools: [{ name: "t", inputSchema: { type: "object" } }],
  });
  // past 1,024 levels the message itself is refused before it is parsed
  const deep = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
  const t0 = performance.now();
  await h.ask(
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"x":${deep}}}}`,
  );
  // answered at once (before initialize's own answer), with id null
  const refused = h.sent.find((m) => m.id === null);
  strictEqual(refused.error.code, -32600);
  strictEqual(
    refused.error.message,
    "invalid request: nested more than 1024 levels deep",
  );
  ok(performance.now() - t0 < 1000);
  // past 512 levels of arguments the call is a tool error
  const d600 = '{"a":'.repeat(600) + "1" + "}".repeat(600);
  const r1 = await h.ask(
    `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t","arguments":{"x":${d600}}}}`,
  );
  strictEqual(
    r1.result.content[0].text,
    "invalid arguments: the arguments are nested more than 512 levels deep",
  );
  strictEqual(h.agent.calls.length, 0);
  // 512 levels pass, and reach the agent
  const ok512 = '{"0":'.repeat(511) + "1" + "}".repeat(511);
  const r2 = await h.ask(
    `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"t","arguments":{"x":${ok512}}}}`,
  );
  strictEqual(r2.result.isError, false, JSON.stringify(r2).slice(0, 300));
});

/** A tool whose argument check takes a while: 300,000 array items. */
function slowCheck(): { manifest: McpManifest; call: (id: number) => string } {
  return {
    manifest: {
      name: "m",
      version: "1",
      tools: [{
        name: "t",
        inputSchema: {
          type: "object",
          properties: {
            list: {
              type: "array",
              items: { type: "string", pattern: "^[a-z]+$", maxLength: 8 },
            },
          },
        },
      }],
    },
    call: (id) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"t","arguments":{"list":${
        JSON.stringify(Array(300_000).fill("abc"))
      }}}}`,
  };
}

Deno.test("hostile manifest: the argument check counts against the call's timeout", async () => {
  const { manifest, call } = slowCheck();
  const h = new Harness(manifest, { timeoutMs: 5 });
  const r = await h.ask(call(1));
  strictEqual(r.result.isError, true);
  strictEqual(
    r.result.content[0].text,
    "timeout after 5 ms (checking the arguments)",
  );
  strictEqual(h.agent.calls.length, 0);
  ok(
    h.logs.some((l) => /tool=t .* error .*\(timeout after 5 ms/.test(l)),
    h.logs.join("\n"),
  );
  // with time enough, the same call runs; the guest gets what is left
  const h2 = new Harness(manifest, { timeoutMs: 60_000 });
  const r2 = await h2.ask(call(2));
  strictEqual(r2.result.isError, false);
  strictEqual(h2.agent.calls.length, 1);
});

Deno.test("hostile manifest: a cancel arriving during the argument check is honoured; ping is answered meanwhile", async () => {
  const { manifest, call } = slowCheck();
  const h = new Harness(manifest);
  h.server.receive(call(1));
  // the check yields to the event loop: a ping is answered before it ends
  const t0 = performance.now();
  h.server.receive('{"jsonrpc":"2.0","id":"p","method":"ping"}');
  while (!h.sent.some((m) => m.id === "p")) {
    await new Promise((r) => setTimeout(r, 0));
  }
  ok(performance.now() - t0 < 100, `ping after ${performance.now() - t0} ms`);
  ok(h.server.inFlight === 1, "the check is still running");
  h.server.receive(
    '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}',
  );
  await h.server.idle();
  ok(!h.sent.some((m) => m.id === 1), "no response to a cancelled request");
  strictEqual(h.agent.calls.length, 0, "the guest never ran");
  strictEqual(h.server.stats.cancelled, 1);
});

Deno.test("hostile manifest: a 60 MB manifest is refused from its size, with little memory", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "porta-hostile-manifest-" });
  try {
    Deno.copyFileSync(DEMO, `${dir}/agent.wasm`);
    const size = 60 * 1024 * 1024;
    // a sparse file: it costs no disk, and reading it would cost 60 MB
    const f = Deno.openSync(`${dir}/agent.manifest.json`, {
      write: true,
      create: true,
    });
    f.truncateSync(size);
    f.close();
    const script = `
      import { loadManifest } from "${ROOT}src/agent/manifest.ts";
      const t0 = performance.now();
      let message = "";
      try { await loadManifest("${dir}/agent.manifest.json"); } catch (e) { message = e.message; }
      const ms = performance.now() - t0;
      const hwm = /VmHWM:\\s+(\\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
      console.log(JSON.stringify({ message, ms, peakKiB: hwm ? +hwm[1] : 0 }));
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    strictEqual(
      r.message,
      `${dir}/agent.manifest.json: manifest too large: ${size} bytes (limit 4 MiB)`,
    );
    ok(r.ms < 500, `refused in ${r.ms} ms`);
    ok(r.peakKiB < 150 * 1024, `peak RSS ${r.peakKiB} KiB`);
    // porta serve, which loads it automatically, refuses with that one line
    const child = new Child(["serve", `${dir}/agent.wasm`], 10_000);
    const status = await child.close();
    const err = (await child.stderr).trim();
    ok(!child.killed);
    ok(status.code !== 0);
    strictEqual(err.split("\n").length, 1, err);
    ok(
      err.includes(`manifest too large: ${size} bytes (limit 4 MiB)`),
      err,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
