/**
 * The execution tier travels from the wall to the engine: `WallOptions.tier`
 * goes to the worker in its `init` message, and the job loop creates every
 * instance with it (`InstanceOptions.tier`).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import {
  type EngineLike,
  type InstanceOptionsLike,
  serveGuestJobs,
  type Tier,
  type WorkerReply,
} from "../../src/sandbox/worker_core.ts";
import { GuestWall } from "../../src/sandbox/wall.ts";
import { PROFILES } from "../../src/sandbox/capabilities.ts";
import { HELLO } from "./guests.ts";

/** Runs two jobs in the job loop with a fake engine; returns the options each instance got. */
function instanceOptions(tier?: Tier): InstanceOptionsLike[] {
  const seen: InstanceOptionsLike[] = [];
  const replies: WorkerReply[] = [];
  let listener: ((e: MessageEvent) => void) | undefined;
  class Module {
    static imports() {
      return [];
    }
  }
  class Instance {
    exports: Record<string, unknown> = { _start: () => {} };
    constructor(_m: object, _i: object, options: InstanceOptionsLike) {
      seen.push({ ...options });
    }
  }
  serveGuestJobs({
    engine: { Module, Instance } as unknown as EngineLike,
    createWasi: () => ({
      imports: { wasi_snapshot_preview1: {} },
      start: () => 0,
      initialize: () => {},
    }),
    exitCode: () => undefined,
  }, {
    postMessage: (m) => replies.push(m),
    addEventListener: (_t, fn) => listener = fn,
  });
  listener!({
    data: {
      t: "init",
      wasm: new Uint8Array(0),
      grants: [],
      preopens: [],
      progress: new SharedArrayBuffer(16),
      ...(tier !== undefined ? { tier } : {}),
    },
  } as MessageEvent);
  for (const id of [1, 2]) {
    listener!({
      data: { t: "run", id, job: { args: [], env: {}, limits: { fuel: 9 } } },
    } as MessageEvent);
  }
  assertEquals(replies.map((r) => r.t), ["ready", "done", "done"]);
  return seen;
}

Deno.test("tier: the job loop creates every instance with the init message's tier", () => {
  for (const tier of ["interp", "js", "auto"] as const) {
    const seen = instanceOptions(tier);
    assertEquals(seen.map((o) => [o.tier, o.fuel]), [[tier, 9], [tier, 9]]);
  }
  // without one, the engine's default applies (no tier option at all)
  const seen = instanceOptions();
  assertEquals(seen.map((o) => "tier" in o), [false, false]);
});

/** Runs HELLO once in a wall with `tier`; returns the result, stdout and stderr. */
async function runHello(tier: Tier | undefined, workerUrl?: URL) {
  const wall = await GuestWall.create(await HELLO, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
    ...(tier !== undefined ? { tier } : {}),
    ...(workerUrl ? { workerUrl } : {}),
  });
  try {
    let out = "";
    let err = "";
    const r = await wall.run({ args: ["hello"], env: {} }, {
      onStdout: (b) => out += new TextDecoder().decode(b),
      onStderr: (b) => err += new TextDecoder().decode(b),
    });
    return { ...r, out, err };
  } finally {
    wall.terminate();
  }
}

Deno.test("tier: a wall's tier reaches InstanceOptions.tier in the guest worker", async () => {
  const url = new URL("./tier_worker.ts", import.meta.url);
  for (const tier of ["interp", "js", "auto", undefined] as const) {
    const r = await runHello(tier, url);
    assertEquals([r.exitCode, r.out, r.err], [
      0,
      "hello\n",
      `[tier=${tier ?? "none"}]\noops\n`,
    ]);
  }
});

Deno.test("tier: the production guest worker runs a guest alike under interp and js", async () => {
  const interp = await runHello("interp");
  const js = await runHello("js");
  assertEquals([interp.exitCode, interp.out, interp.err], [
    0,
    "hello\n",
    "oops\n",
  ]);
  ok(interp.steps > 0);
  assertEquals([js.exitCode, js.out, js.err, js.steps], [
    0,
    "hello\n",
    "oops\n",
    interp.steps,
  ]);
});
