/**
 * The Agent on real WebAssembly: the C fixture testdata/cli/tool.c implements
 * the tool-call ABI and runs in fresh instances inside the sandbox's guest
 * workers. Runs on Porta's engine (the production runtime) and on the
 * sandbox's TEST-ONLY reference worker (host WebAssembly) for comparison.
 */
import { assertEquals, assertMatch, assertRejects } from "./asserts.ts";
import { Agent, UnknownToolError } from "../../src/agent/agent.ts";
import type { AgentRuntime } from "../../src/agent/runtime.ts";
import { GuestPool } from "../../src/sandbox/wall.ts";
import { deriveManifest } from "../../src/agent/manifest.ts";
import { wat } from "../helpers/wat.ts";

const TOOL = new URL("../../testdata/cli/tool.wasm", import.meta.url).pathname;
const REACTOR =
  new URL("../../testdata/cli/reactor.wasm", import.meta.url).pathname;
const LOOP = new URL("../../testdata/cli/loop.wasm", import.meta.url).pathname;
const REF_WORKER = new URL("../sandbox/reference_worker.ts", import.meta.url);

/** Host WebAssembly for describing + the reference worker: test-only. */
const referenceRuntime: AgentRuntime = {
  describe(bytes) {
    const m = new WebAssembly.Module(bytes as BufferSource);
    return {
      imports: WebAssembly.Module.imports(m),
      exports: WebAssembly.Module.exports(m),
    };
  },
  createRunner(bytes, opts) {
    return GuestPool.create(bytes, { ...opts, workerUrl: REF_WORKER });
  },
};

const RUNTIMES: [string, AgentRuntime | undefined][] = [
  ["porta", undefined], // the production runtime: Porta's engine in the real guest worker
  ["reference", referenceRuntime],
];

for (const [engine, runtime] of RUNTIMES) {
  Deno.test(`agent[${engine}]: tool calls through the ABI in fresh instances`, async () => {
    const agent = await Agent.load(TOOL, {
      runtime,
      profile: "full",
      secrets: { TOKEN: "tok-123456" },
      env: { MODE: "test" },
      poolSize: 2,
      limits: { timeoutMs: 20_000 },
    });
    try {
      assertEquals(agent.manifest.name, "tool");
      assertEquals([...agent.grants], ["io", "process", "env"]);
      const echo = await agent.callTool("echo", { text: "héllo", n: [1, 2] });
      assertEquals(echo.isError, false);
      assertEquals(JSON.parse(echo.text), {
        tool: "echo",
        arguments: { text: "héllo", n: [1, 2] },
      });
      assertEquals(echo.exitCode, 0);
      assertEquals(echo.memoryPages >= 2, true);
      assertEquals(
        (await agent.callTool("text", {})).text,
        "plain text result",
      );
      const fail = await agent.callTool("fail", {});
      assertEquals([fail.isError, fail.text], [true, "the tool failed"]);
      assertEquals(
        (await agent.callTool("raw", {})).text,
        "raw output, not JSON",
      );
      const trap = await agent.callTool("trap", {});
      assertEquals(trap.isError, true);
      assertMatch(trap.error!, /^trap: /);
      const exit3 = await agent.callTool("exit3", {});
      assertEquals([exit3.isError, exit3.exitCode, exit3.error], [
        true,
        3,
        "guest exited with code 3",
      ]);
      const big = await agent.callTool("big", {});
      assertEquals(big.isError, true);
      assertMatch(big.error!, /more than the 1048576-byte limit/);
      const logs: string[] = [];
      const st = await agent.callTool("stderr", {}, {
        onStderr: (t) => logs.push(t),
      });
      assertEquals([st.text, logs.join("")], ["done", "log line\n"]);
      const res = await agent.readResource("tool://readme");
      assertEquals(JSON.parse(res.text), {
        tool: "_resource_read",
        arguments: { uri: "tool://readme" },
      });
      const pr = await agent.getPrompt("greet", { who: "you" });
      assertEquals(JSON.parse(pr.text).arguments, {
        prompt: "greet",
        arguments: { who: "you" },
      });
      await assertRejects(
        () => agent.callTool("missing", {}),
        UnknownToolError,
      );
    } finally {
      await agent.close();
    }
  });
}

// Timeouts and cancellation on Porta's engine stop a guest that never makes
// a system call: the sandbox raises the job's interrupt flag, the engine
// polls it on loop back-edges and calls, and the guest unwinds (no fuel
// backstop: if it did not, the guest thread would spin on and this test
// process would never exit). The reference engine cannot be interrupted.
Deno.test("agent[porta]: timeouts, cancellation and step limits stop the guest", async () => {
  const agent = await Agent.load(TOOL, { profile: "full", poolSize: 1 });
  try {
    const ac = new AbortController();
    const p = agent.callTool("spin", {}, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    const c = await p;
    assertEquals([c.isError, c.error], [true, "cancelled"]);
    const t = await agent.callTool("spin", {}, { limits: { timeoutMs: 300 } });
    assertEquals([t.isError, t.error], [true, "timeout after 300 ms"]);
    // steps and memory of the stopped guest are reported
    assertEquals(t.steps > 0 && t.memoryPages > 0, true);
    const s = await agent.callTool("spin", {}, {
      limits: { stepLimit: 100_000, timeoutMs: 60_000 },
    });
    assertEquals([s.isError, s.error], [
      true,
      "step limit of 100000 instructions reached",
    ]);
    assertEquals(s.steps >= 100_000, true);
    // The worker survived (or was replaced): the agent still answers.
    assertEquals((await agent.callTool("text", {})).text, "plain text result");
  } finally {
    await agent.close();
  }
});

Deno.test("agent[porta]: an endless (loop (br 0)) program times out and is cancelled, with its steps counted", async () => {
  const agent = await Agent.load(LOOP, { poolSize: 1 });
  try {
    const io = { args: [], onStdout() {}, onStderr() {} };
    // The program makes no system call, so its steps and memory are known
    // only if it unwound from the interrupt and reported them (the timer
    // starts when the job is handed to the worker; 1 s leaves a loaded
    // machine ample time to start the guest).
    const t = await agent.run({ ...io, limits: { timeoutMs: 1000 } });
    assertEquals([t.exitCode, t.limit, t.error], [
      null,
      "timeout",
      "timeout after 1000 ms",
    ]);
    assertEquals([t.steps > 0, t.memoryPages], [true, 1]);
    const ac = new AbortController();
    const p = agent.run({ ...io, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const c = await p;
    assertEquals([c.exitCode, c.cancelled, c.restarts], [null, true, 0]);
  } finally {
    await agent.close();
  }
});

Deno.test("agent[porta]: instantiation refusals read from the job result's fields: the initial size above the memory limit, a segment out of bounds", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const io = { args: [], onStdout() {}, onStderr() {} };
    // 1 page + 10000 table elements of 8 bytes: the budget counts 3 pages
    const big = `${dir}/big.wasm`;
    await Deno.writeFile(
      big,
      await wat(`(module (memory (export "memory") 1) (table 10000 funcref)
        (func (export "_start")))`),
    );
    const a = await Agent.load(big, { poolSize: 1 });
    try {
      const r = await a.run({ ...io, limits: { maxMemoryPages: 2 } });
      assertEquals([r.exitCode, r.limit, r.error], [
        null,
        "memory",
        "memory limit of 2 pages exceeded: the module's memory starts at 3 pages",
      ]);
    } finally {
      await a.close();
    }
    // refused at instantiation too, but a trap of the module, not a limit
    const oob = `${dir}/oob.wasm`;
    await Deno.writeFile(
      oob,
      await wat(`(module (memory (export "memory") 1)
        (data (i32.const 65535) "ab") (func (export "_start")))`),
    );
    const b = await Agent.load(oob, { poolSize: 1 });
    try {
      const r = await b.run({ ...io, limits: { maxMemoryPages: 2 } });
      assertEquals([r.exitCode, r.limit, r.error], [
        null,
        undefined,
        "trap: out of bounds memory access",
      ]);
    } finally {
      await b.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const [engine, runtime] of RUNTIMES) {
  Deno.test(`agent[${engine}]: a reactor's exports become tools with their own entry`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const wasm = `${dir}/reactor.wasm`;
      await Deno.copyFile(REACTOR, wasm);
      const m = new WebAssembly.Module(await Deno.readFile(wasm)); // test-only description
      const manifest = deriveManifest({
        imports: WebAssembly.Module.imports(m),
        exports: WebAssembly.Module.exports(m),
      }, "reactor");
      assertEquals(manifest.tools.map((t) => [t.name, t.entry]), [[
        "shout",
        "shout",
      ], ["count", "count"]]);
      await Deno.writeTextFile(
        `${dir}/reactor.manifest.json`,
        JSON.stringify(manifest),
      );
      const agent = await Agent.load(wasm, { runtime });
      try {
        assertEquals([...agent.grants], ["io"]);
        const r = await agent.callTool("shout", { text: "hi" });
        assertEquals([r.isError, r.text], [
          false,
          '{"TOOL":"SHOUT","ARGUMENTS":{"TEXT":"HI"}}',
        ]);
        const c = await agent.callTool("count", { a: 1 });
        assertEquals(
          c.text,
          String('{"tool":"count","arguments":{"a":1}}'.length),
        );
      } finally {
        await agent.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
