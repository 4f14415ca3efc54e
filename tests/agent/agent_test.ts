import { assertEquals, assertRejects } from "./asserts.ts";
import { Agent, AgentError, UnknownToolError } from "../../src/agent/agent.ts";
import { decodeResponse, encodeRequest } from "../../src/agent/abi.ts";
import { fakeAgentFiles, fakeRuntime } from "./fake_runtime.ts";

const MANIFEST = {
  name: "demo",
  version: "1.0.0",
  capabilities: ["io", "process"],
  tools: [{ name: "echo" }, { name: "direct", entry: "direct" }],
  resources: [{ uri: "demo://readme", name: "readme" }],
  prompts: [{ name: "summarize" }],
};

const SHAPE = {
  imports: [
    { module: "wasi_snapshot_preview1", name: "fd_write", kind: "function" },
    { module: "wasi_snapshot_preview1", name: "proc_exit", kind: "function" },
  ],
  exports: [
    { name: "_start", kind: "function" },
    { name: "direct", kind: "function" },
  ],
};

Deno.test("abi: request framing and response decoding", () => {
  const req = encodeRequest("t", { a: "é" });
  const json = new TextDecoder().decode(req.subarray(4));
  assertEquals(new DataView(req.buffer).getUint32(0, true), req.length - 4);
  assertEquals(JSON.parse(json), { tool: "t", arguments: { a: "é" } });
  assertEquals(decodeResponse('{"ok":"hi"}'), {
    text: "hi",
    isError: false,
    kind: "ok",
  });
  assertEquals(decodeResponse('{"ok":{"n":1}}\n'), {
    text: '{"n":1}',
    isError: false,
    kind: "ok",
  });
  assertEquals(decodeResponse('{"err":"bad"}'), {
    text: "bad",
    isError: true,
    kind: "err",
  });
  assertEquals(decodeResponse('{"ok":1,"x":2}').kind, "raw");
  assertEquals(decodeResponse("plain text").text, "plain text");
  assertEquals(decodeResponse("{broken").kind, "raw");
});

async function load(handler: Parameters<typeof fakeRuntime>[0], opts = {}) {
  const files = await fakeAgentFiles(MANIFEST);
  const { runtime, log } = fakeRuntime(handler, SHAPE);
  const agent = await Agent.load(files.wasm, { runtime, ...opts });
  return { agent, log, files };
}

Deno.test("agent: callTool maps ok / err / raw output and passes the request on stdin", async () => {
  const { agent, log } = await load((req) => {
    if (req.arguments.mode === "ok") {
      return { stdout: JSON.stringify({ ok: req.arguments.text }) };
    }
    if (req.arguments.mode === "json") {
      return { stdout: JSON.stringify({ ok: [1, 2] }) };
    }
    if (req.arguments.mode === "err") {
      return { stdout: JSON.stringify({ err: "no good" }) };
    }
    return { stdout: "raw output" };
  });
  assertEquals(agent.grants, new Set(["io", "process"]));
  const ok = await agent.callTool("echo", { mode: "ok", text: "hello" });
  assertEquals([ok.text, ok.isError, ok.exitCode, ok.steps, ok.error], [
    "hello",
    false,
    0,
    10,
    undefined,
  ]);
  assertEquals(log.requests[0], {
    tool: "echo",
    arguments: { mode: "ok", text: "hello" },
  });
  assertEquals((await agent.callTool("echo", { mode: "json" })).text, "[1,2]");
  const err = await agent.callTool("echo", { mode: "err" });
  assertEquals([err.text, err.isError, err.error], [
    "no good",
    true,
    "tool returned an error: no good",
  ]);
  assertEquals(
    (await agent.callTool("echo", { mode: "raw" })).text,
    "raw output",
  );
  await agent.callTool("direct", {});
  assertEquals(log.jobs.at(-1)!.entry, "direct");
  assertEquals(log.jobs[0].entry, undefined);
  await assertRejects(
    () => agent.callTool("nope", {}),
    UnknownToolError,
    /unknown tool "nope"/,
  );
  await agent.close();
  assertEquals(log.closed, 1);
});

Deno.test("agent: traps, limits, timeouts and exit codes become one-line errors", async () => {
  const { agent } = await load((req) => {
    switch (req.arguments.case) {
      case "trap":
        return { exitCode: null, trap: "unreachable executed\n  at func 3" };
      case "fuel":
        return { exitCode: null, trap: "fuel exhausted", limit: "fuel" };
      case "memory":
        return { exitCode: null, trap: "memory limit", limit: "memory" };
      case "initial":
        return {
          exitCode: null,
          trap:
            "memory limit exceeded: initial size of 17 pages is above maxMemoryPages 1",
          limit: "memory",
          phase: "instantiate",
          initialPages: 17,
        };
      case "timeout":
        return {
          exitCode: null,
          trap: "timeout after 50 ms",
          stopped: "timeout",
        };
      case "bigtable":
        return {
          exitCode: null,
          trap:
            "table size of 100000000 elements exceeds the implementation limit (10000000)",
          phase: "instantiate",
          engineLimit: "table-size",
        };
      case "exit":
        return { exitCode: 3, stdout: "partial" };
      default:
        return { exitCode: 2, stdout: '{"err":"invalid input"}' };
    }
  });
  const lim = { limits: { stepLimit: 1000, maxMemoryPages: 2 } };
  const trap = await agent.callTool("echo", { case: "trap" });
  assertEquals([trap.isError, trap.error, trap.exitCode], [
    true,
    "trap: unreachable executed",
    null,
  ]);
  assertEquals(
    (await agent.callTool("echo", { case: "fuel" }, lim)).error,
    "step limit of 1000 instructions reached",
  );
  assertEquals(
    (await agent.callTool("echo", { case: "memory" }, lim)).error,
    "memory limit of 2 pages exceeded",
  );
  assertEquals(
    (await agent.callTool("echo", { case: "initial" }, {
      limits: { maxMemoryPages: 1 },
    })).error,
    "memory limit of 1 page exceeded: the module's memory starts at 17 pages",
  );
  assertEquals(
    (await agent.callTool("echo", { case: "timeout" })).error,
    "timeout after 50 ms",
  );
  // an engine limit at instantiation is not a guest trap (QA #38)
  assertEquals(
    (await agent.callTool("echo", { case: "bigtable" })).error,
    "cannot instantiate: table size of 100000000 elements exceeds the implementation limit (10000000)",
  );
  const exit = await agent.callTool("echo", { case: "exit" });
  assertEquals([exit.isError, exit.error, exit.exitCode], [
    true,
    "guest exited with code 3",
    3,
  ]);
  const errExit = await agent.callTool("echo", { case: "errexit" });
  assertEquals([errExit.text, errExit.error], [
    "invalid input",
    "guest exited with code 2",
  ]);
  await agent.close();
});

Deno.test("agent: output is capped at maxOutputBytes and says so", async () => {
  const { agent } = await load(() => ({ stdout: "x".repeat(5000) }));
  const r = await agent.callTool("echo", {}, {
    limits: { maxOutputBytes: 100 },
  });
  assertEquals(r.isError, true);
  assertEquals(
    r.text.startsWith("x".repeat(100) + "\n[porta] output truncated"),
    true,
  );
  assertEquals(
    r.error,
    "output truncated: the tool wrote 5000 bytes, more than the 100-byte limit",
  );
  const small = await agent.callTool("echo", {}, {
    limits: { maxOutputBytes: 5000 },
  });
  assertEquals(small.isError, false);
  await agent.close();
});

Deno.test("agent: secrets reach the guest env but are redacted from results and stderr", async () => {
  const stderr: string[] = [];
  const { agent, log } = await load(
    (_req, job) => ({
      stdout: JSON.stringify({
        ok: `token=${job.env.TOKEN} user=${job.env.USER}`,
      }),
      stderr: [`debug: using ${job.env.TOKEN}\n`],
    }),
    { env: { USER: "bob" }, secrets: { TOKEN: "s3cr3t-value" } },
  );
  const r = await agent.callTool("echo", {}, {
    onStderr: (t) => stderr.push(t),
  });
  assertEquals(log.jobs[0].env, { USER: "bob", TOKEN: "s3cr3t-value" });
  assertEquals(r.text, "token=[REDACTED] user=bob");
  assertEquals(stderr.join(""), "debug: using [REDACTED]\n");
  await agent.close();
});

Deno.test("agent: resources and prompts use the pseudo-tools", async () => {
  const { agent, log } = await load((req) => ({
    stdout: JSON.stringify({ ok: req }),
  }));
  const res = await agent.readResource("demo://readme");
  assertEquals(JSON.parse(res.text), {
    tool: "_resource_read",
    arguments: { uri: "demo://readme" },
  });
  const p = await agent.getPrompt("summarize", { topic: "wasm" });
  assertEquals(log.requests[1], {
    tool: "_prompt_get",
    arguments: { prompt: "summarize", arguments: { topic: "wasm" } },
  });
  assertEquals(p.isError, false);
  await assertRejects(
    () => agent.readResource("demo://other"),
    UnknownToolError,
    /unknown resource/,
  );
  await assertRejects(
    () => agent.getPrompt("other", {}),
    UnknownToolError,
    /unknown prompt/,
  );
  await agent.close();
});

Deno.test("agent: load errors are clear lines", async () => {
  const { runtime } = fakeRuntime(() => ({}), SHAPE);
  await assertRejects(
    () => Agent.load("/nonexistent/x.wasm", { runtime }),
    AgentError,
    /x\.wasm: no such file/,
  );
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/t.wasm`, "hello world, not wasm");
  await assertRejects(
    () => Agent.load(`${dir}/t.wasm`, { runtime }),
    AgentError,
    /not a WebAssembly binary/,
  );
  await assertRejects(
    () => Agent.load(dir, { runtime }),
    AgentError,
    /is a directory/,
  );
  const bad = await fakeAgentFiles(undefined, { invalid: true });
  const e = await assertRejects(
    () => Agent.load(bad.wasm, { runtime }),
    AgentError,
  );
  assertEquals(
    e.message,
    `${bad.wasm}: invalid module: offset 0x8: bad section id`,
  );
  // Neither profile nor manifest: nothing granted, refused at load with
  // one line per import that needs a capability (proc_exit needs none) and
  // a hint.
  const noManifest = await fakeAgentFiles();
  const denied = await assertRejects(
    () => Agent.load(noManifest.wasm, { runtime }),
    AgentError,
  ) as AgentError;
  assertEquals(denied.lines, [
    'import wasi_snapshot_preview1.fd_write needs capability "io" (not granted)',
    "hint: nothing is granted by default; choose --profile ai-agent|worker|full or add a manifest",
  ]);
  // Imports Porta does not provide at all: no profile hint (QA 13:50).
  const { runtime: foreign } = fakeRuntime(() => ({}), {
    imports: [
      { module: "env", name: "foo", kind: "function" },
      {
        module: "wasi_snapshot_preview1",
        name: "totally_fake",
        kind: "function",
      },
    ],
    exports: [{ name: "_start", kind: "function" }],
  });
  const unknown = await assertRejects(
    () => Agent.load(noManifest.wasm, { runtime: foreign, profile: "full" }),
    AgentError,
  ) as AgentError;
  assertEquals(unknown.lines, [
    'import env.foo: unknown import module "env" (only wasi_snapshot_preview1 is provided)',
    "import wasi_snapshot_preview1.totally_fake is not a wasi_snapshot_preview1 function",
  ]);
  // A profile alone grants enough; the derived manifest has one tool.
  const ok = await Agent.load(noManifest.wasm, {
    runtime,
    profile: "ai-agent",
  });
  assertEquals(ok.manifest.tools.map((t) => t.name), ["direct"]);
  await ok.close();
  await assertRejects(
    () => Agent.load(noManifest.wasm, { runtime, profile: "root" }),
    AgentError,
    /unknown profile "root"/,
  );
  const badManifest = await fakeAgentFiles({
    name: "x",
    version: "1",
    tools: [{ name: "t", inputSchema: 1 }],
  });
  await assertRejects(
    () => Agent.load(badManifest.wasm, { runtime }),
    AgentError,
    /agent\.manifest\.json: tools\[0\]\.inputSchema: expected an object, got a number/,
  );
  const badEntry = await fakeAgentFiles({
    ...MANIFEST,
    tools: [{ name: "t", entry: "missing" }],
  });
  await assertRejects(
    () => Agent.load(badEntry.wasm, { runtime }),
    AgentError,
    /entry "missing" is not an exported function/,
  );
  for (
    const d of [dir, bad.dir, noManifest.dir, badManifest.dir, badEntry.dir]
  ) {
    await Deno.remove(d, { recursive: true });
  }
});

Deno.test("agent: run restarts per policy and reports totals", async () => {
  let attempt = 0;
  const { agent, log } = await load(() => {
    attempt++;
    return { exitCode: attempt < 3 ? 1 : 0, steps: 100, memoryPages: attempt };
  });
  const out: Uint8Array[] = [];
  const restarts: number[] = [];
  const r = await agent.run({
    args: ["a", "b"],
    onStdout: (b) => out.push(b),
    onStderr: () => {},
    restart: { mode: "on-failure", maxRestarts: 5 },
    stdin: new Uint8Array(0),
    onRestart: (n) => restarts.push(n),
  });
  assertEquals([r.exitCode, r.restarts, r.steps, r.memoryPages], [
    0,
    2,
    300,
    3,
  ]);
  assertEquals(restarts, [1, 2]);
  assertEquals(log.jobs[0].args, ["agent.wasm", "a", "b"]);
  assertEquals(log.jobs[0].entry, "_start");
  attempt = -10;
  const bounded = await agent.run({
    args: [],
    onStdout: () => {},
    onStderr: () => {},
    restart: { mode: "always", maxRestarts: 2 },
    stdin: new Uint8Array(0),
  });
  assertEquals([bounded.exitCode, bounded.restarts], [1, 2]);
  await assertRejects(
    () => agent.run({ args: [], onStdout() {}, onStderr() {}, entry: "nope" }),
    AgentError,
    /entry "nope" is not an exported function/,
  );
  await agent.close();
});

Deno.test("agent: run reports traps and limits without restarting a timeout", async () => {
  const { agent } = await load(() => ({
    exitCode: null,
    trap: "timeout after 10 ms",
    stopped: "timeout",
  }));
  const r = await agent.run({
    args: [],
    onStdout() {},
    onStderr() {},
    restart: { mode: "always", maxRestarts: 3 },
    stdin: new Uint8Array(0),
  });
  assertEquals([r.exitCode, r.restarts, r.limit, r.error], [
    null,
    0,
    "timeout",
    "timeout after 10 ms",
  ]);
  await agent.close();
});

Deno.test("agent: failure lines come from the job result's stopped, phase, initialPages and engineLimit, never from its trap text", async () => {
  const TABLE =
    "table size of 100000000 elements exceeds the implementation limit (10000000)";
  const INITIAL =
    "memory limit exceeded: initial size of 17 pages is above maxMemoryPages 1";
  const { agent } = await load((req) => {
    switch (req.arguments.case) {
      // the trap texts alone, without the fields: plain traps
      case "timeout-text":
        return { exitCode: null, trap: "timeout after 50 ms" };
      case "cancelled-text":
        return { exitCode: null, trap: "cancelled" };
      case "table-text":
        return { exitCode: null, trap: TABLE };
      case "table-run":
        return {
          exitCode: null,
          trap: TABLE,
          phase: "run",
          engineLimit: "table-size",
        };
      case "table-no-limit":
        return { exitCode: null, trap: TABLE, phase: "instantiate" };
      case "initial-text":
        return { exitCode: null, trap: INITIAL, limit: "memory" };
      case "initial-run":
        return {
          exitCode: null,
          trap: INITIAL,
          limit: "memory",
          phase: "run",
          initialPages: 17,
        };
      case "initial-fits":
        // refused for another reason (e.g. allocation): the start fits the cap
        return {
          exitCode: null,
          trap: "memory limit exceeded: could not allocate 1 pages",
          limit: "memory",
          phase: "instantiate",
          initialPages: 1,
        };
      // the fields alone decide, whatever the text says
      case "stopped":
        return { exitCode: null, trap: "cancelled", stopped: "cancelled" };
      case "initial-field":
        return {
          exitCode: null,
          trap: "memory limit exceeded",
          limit: "memory",
          phase: "instantiate",
          initialPages: 3,
        };
      case "limit-field":
        return {
          exitCode: null,
          trap: "refused",
          phase: "instantiate",
          engineLimit: "table-size",
        };
      default:
        return { exitCode: 0 };
    }
  });
  const error = async (c: string) =>
    (await agent.callTool("echo", { case: c }, {
      limits: { maxMemoryPages: 1 },
    })).error;
  assertEquals(await error("timeout-text"), "trap: timeout after 50 ms");
  assertEquals(await error("cancelled-text"), "trap: cancelled");
  assertEquals(await error("table-text"), `trap: ${TABLE}`);
  assertEquals(await error("table-run"), `trap: ${TABLE}`);
  assertEquals(await error("table-no-limit"), `trap: ${TABLE}`);
  assertEquals(await error("initial-text"), "memory limit of 1 page exceeded");
  assertEquals(await error("initial-run"), "memory limit of 1 page exceeded");
  assertEquals(await error("initial-fits"), "memory limit of 1 page exceeded");
  assertEquals(await error("stopped"), "cancelled");
  assertEquals(
    await error("initial-field"),
    "memory limit of 1 page exceeded: the module's memory starts at 3 pages",
  );
  assertEquals(await error("limit-field"), "cannot instantiate: refused");
  await agent.close();
});

Deno.test("agent: run is cancelled or timed out (and not restarted) only when the job result's stopped says so", async () => {
  let reply: Record<string, unknown> = {};
  const { agent } = await load(() => reply);
  const run = async (r: Record<string, unknown>) => {
    reply = { exitCode: null, ...r };
    const res = await agent.run({
      args: [],
      onStdout() {},
      onStderr() {},
      restart: { mode: "always", maxRestarts: 1 },
      stdin: new Uint8Array(0),
    });
    return [res.cancelled, res.restarts, res.limit, res.error];
  };
  assertEquals(await run({ trap: "cancelled", stopped: "cancelled" }), [
    true,
    0,
    undefined,
    "cancelled",
  ]);
  assertEquals(await run({ trap: "timeout after 10 ms", stopped: "timeout" }), [
    false,
    0,
    "timeout",
    "timeout after 10 ms",
  ]);
  // the same texts without the field are the guest's own traps: restarted
  assertEquals(await run({ trap: "cancelled" }), [
    false,
    1,
    undefined,
    "trap: cancelled",
  ]);
  assertEquals(await run({ trap: "timeout after 10 ms" }), [
    false,
    1,
    undefined,
    "trap: timeout after 10 ms",
  ]);
  await agent.close();
});

Deno.test("agent: a sandbox failure becomes an error result, not an exception", async () => {
  const { agent } = await load(() => {
    throw new Error("the guest wall is terminated\nmore");
  }, { secrets: { K: "terminated" } });
  const r = await agent.callTool("echo", {});
  assertEquals([r.isError, r.error, r.exitCode], [
    true,
    "sandbox failure: the guest wall is [REDACTED]",
    null,
  ]);
  await agent.close();
  await assertRejects(
    () => agent.callTool("echo", {}),
    AgentError,
    /the agent is closed/,
  );
});

Deno.test("agent: a guest that exits by itself after memory.grow failed at the cap keeps its exit code", async () => {
  // the sandbox flags such runs with limit "memory" (QA 13:34: rc must be the guest's code)
  const { agent } = await load((req) => ({
    exitCode: req?.arguments?.code ?? 4,
    limit: "memory",
    memoryPages: 5,
  }));
  const lim = { limits: { maxMemoryPages: 5 } };
  const r = await agent.run({
    args: [],
    onStdout() {},
    onStderr() {},
    stdin: new Uint8Array(0),
    ...lim,
  });
  assertEquals([r.exitCode, r.error, r.limit, r.memoryPages], [
    4,
    undefined,
    undefined,
    5,
  ]);
  const failed = await agent.callTool("echo", { code: 4 }, lim);
  assertEquals([failed.isError, failed.exitCode, failed.error], [
    true,
    4,
    "guest exited with code 4 after reaching the memory limit of 5 pages",
  ]);
  const fine = await agent.callTool("echo", { code: 0 }, lim);
  assertEquals([fine.isError, fine.exitCode], [false, 0]);
  await agent.close();
});

Deno.test("agent: an entry that takes parameters is refused before running (QA 13:52)", async () => {
  const files = await fakeAgentFiles();
  const { runtime, log } = fakeRuntime(() => ({}), {
    imports: [],
    exports: [
      { name: "_start", kind: "function", type: "() -> ()" },
      { name: "withparams", kind: "function", type: "(i32, i64) -> (i32)" },
      { name: "returns7", kind: "function", type: "() -> (i32)" },
    ],
  });
  const agent = await Agent.load(files.wasm, { runtime });
  try {
    const io = { args: [], onStdout() {}, onStderr() {} };
    await assertRejects(
      () => agent.run({ ...io, entry: "withparams" }),
      AgentError,
      /^entry "withparams" has type \(i32, i64\) -> \(i32\); an entry must take no parameters$/,
    );
    assertEquals(log.jobs.length, 0);
    const r = await agent.run({ ...io, entry: "returns7" });
    assertEquals(r.exitCode, 0);
  } finally {
    await agent.close();
    await Deno.remove(files.dir, { recursive: true });
  }
});

Deno.test("agent: ungranted imports load (denied at run time) unless strict or unlisted in wasi_imports", async () => {
  const wasi = (name: string) => ({
    module: "wasi_snapshot_preview1",
    name,
    kind: "function",
  });
  const shape = {
    imports: ["fd_write", "environ_get", "environ_sizes_get", "path_open"].map(
      wasi,
    ),
    exports: [{ name: "_start", kind: "function" }],
  };
  const { runtime, log } = fakeRuntime(() => ({ stdout: '{"ok":1}' }), shape);
  const files = await fakeAgentFiles();
  // the default rule: loads under ai-agent; the runner is told
  const agent = await Agent.load(files.wasm, { runtime, profile: "ai-agent" });
  assertEquals([...agent.grants], ["io", "process"]);
  await agent.close();
  assertEquals(log.runnerOptions.at(-1), {
    grants: agent.grants,
    preopens: [],
    size: 1,
    strictImports: false,
    tier: "auto",
  });
  // --strict-imports: one line per ungranted import, then the hint
  const strict = await assertRejects(
    () =>
      Agent.load(files.wasm, {
        runtime,
        profile: "ai-agent",
        strictImports: true,
      }),
    AgentError,
  ) as AgentError;
  assertEquals(strict.lines, [
    'import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
    'import wasi_snapshot_preview1.environ_sizes_get needs capability "env" (not granted)',
    'import wasi_snapshot_preview1.path_open needs capability "fs" (not granted)',
    "hint: --strict-imports refuses imports whose capability is not granted; without it they load and every call to them is denied",
  ]);
  // a manifest's wasi_imports is an allowlist, checked whatever the grants
  const listed = await fakeAgentFiles({
    schema_version: "1.0",
    name: "x",
    version: "1",
    capabilities: ["io"],
    wasi_imports: ["fd_write", "environ_get"],
  });
  const unlisted = await assertRejects(
    () => Agent.load(listed.wasm, { runtime, profile: "full" }),
    AgentError,
  ) as AgentError;
  assertEquals(unlisted.lines, [
    "import wasi_snapshot_preview1.environ_sizes_get is not listed in the manifest's wasi_imports",
    "import wasi_snapshot_preview1.path_open is not listed in the manifest's wasi_imports",
    "hint: the manifest's wasi_imports lists every WASI function the module may import (add them, or remove the list)",
  ]);
  const all = await fakeAgentFiles({
    name: "x",
    version: "1",
    capabilities: ["io"],
    wasi_imports: ["fd_write", "environ_get", "environ_sizes_get", "path_open"],
  });
  const ok = await Agent.load(all.wasm, { runtime });
  await ok.close();
  assertEquals(log.runnerOptions.at(-1), {
    grants: ok.grants,
    preopens: [],
    size: 1,
    strictImports: false,
    wasiImports: ["fd_write", "environ_get", "environ_sizes_get", "path_open"],
    tier: "auto",
  });
  for (const f of [files, listed, all]) {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("agent: --entry overrides the manifest's entry for every call", async () => {
  const shape = {
    imports: [],
    exports: [
      { name: "_start", kind: "function" },
      { name: "other", kind: "function", type: "() -> ()" },
    ],
  };
  const { runtime, log } = fakeRuntime(() => ({ stdout: '{"ok":1}' }), shape);
  const files = await fakeAgentFiles({
    name: "x",
    version: "1",
    entry: "_start",
    tools: [{ name: "t" }],
  });
  const agent = await Agent.load(files.wasm, { runtime, entry: "other" });
  assertEquals(agent.manifest.entry, "other");
  await agent.callTool("t", {});
  assertEquals(log.jobs.at(-1)?.entry, "other");
  await agent.close();
  await assertRejects(
    () => Agent.load(files.wasm, { runtime, entry: "nope" }),
    AgentError,
    /--entry "nope" is not an exported function/,
  );
  await Deno.remove(files.dir, { recursive: true });
});
