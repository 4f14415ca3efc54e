/**
 * `AgentOptions.tier`: checked at load, handed to the runner (which creates
 * every guest instance with it), shown as `tier=` by the run summary.
 */
import { assertEquals, assertRejects } from "./asserts.ts";
import { Agent, AgentError } from "../../src/agent/agent.ts";
import { formatRunSummary } from "../../src/agent/metrics.ts";
import { DEFAULT_TIER, isTier, TIERS } from "../../src/agent/tier.ts";
import type { RunnerOptions } from "../../src/agent/runtime.ts";
import { fakeAgentFiles, fakeRuntime } from "./fake_runtime.ts";

const MANIFEST = {
  name: "demo",
  version: "1.0.0",
  capabilities: ["io"],
  tools: [{ name: "echo" }],
};

Deno.test("tier: the three tiers, auto by default", () => {
  assertEquals(TIERS, ["interp", "js", "auto"]);
  assertEquals(DEFAULT_TIER, "auto");
  assertEquals(TIERS.map(isTier), [true, true, true]);
  for (const v of ["JS", "", "fast", "toString", "__proto__", 1, undefined]) {
    assertEquals(isTier(v), false, String(v));
  }
});

Deno.test("tier: Agent.load hands the tier to the runner and keeps it", async () => {
  const files = await fakeAgentFiles(MANIFEST);
  try {
    for (const tier of [undefined, "interp", "js", "auto"] as const) {
      const { runtime, log } = fakeRuntime(() => ({ stdout: '{"ok":1}' }));
      const agent = await Agent.load(files.wasm, { runtime, tier });
      try {
        const expected = tier ?? "auto";
        assertEquals(agent.tier, expected);
        assertEquals(
          (log.runnerOptions[0] as RunnerOptions).tier,
          expected,
        );
        const r = await agent.callTool("echo", {});
        assertEquals([r.isError, r.text], [false, "1"]);
      } finally {
        await agent.close();
      }
    }
  } finally {
    await Deno.remove(files.dir, { recursive: true });
  }
});

Deno.test("tier: Agent.load refuses an unknown tier before starting any worker", async () => {
  const files = await fakeAgentFiles(MANIFEST);
  try {
    const { runtime, log } = fakeRuntime(() => ({}));
    await assertRejects(
      () =>
        Agent.load(files.wasm, {
          runtime,
          tier: "turbo\n" as unknown as "js",
        }),
      AgentError,
      /^invalid tier "turbo\\n" \(expected interp, js, auto\)$/,
    );
    assertEquals(log.runnerOptions.length, 0);
  } finally {
    await Deno.remove(files.dir, { recursive: true });
  }
});

Deno.test("tier: the run summary ends with the requested tier", () => {
  const m = { steps: 7, memoryPages: 1, restarts: 0, durationMs: 2 };
  assertEquals(
    formatRunSummary({ ...m, tier: "js" }),
    "[porta] steps=7 memory=1 pages restarts=0 time=2ms tier=js",
  );
  // without a tier the line is as before
  assertEquals(
    formatRunSummary(m),
    "[porta] steps=7 memory=1 pages restarts=0 time=2ms",
  );
});
