/**
 * The production guest worker (`src/sandbox/guest_worker.ts`): Porta's own
 * interpreter and WASI layer inside the narrowed Deno worker. Limits surface
 * as `limit`, steps and memory pages are reported.
 */
import {
  deepStrictEqual as assertEquals,
  ok,
  rejects,
} from "node:assert/strict";
import { GuestPool, GuestWall } from "../../src/sandbox/wall.ts";
import { type Capability, PROFILES } from "../../src/sandbox/capabilities.ts";
import { classifyLimit } from "../../src/sandbox/worker_core.ts";
import { RuntimeError } from "../../src/wasm/mod.ts";
import { ECHO, ENDLESS, GROW, HELLO, RECURSE } from "./guests.ts";
import { READ_ONLY_EXPECTED, runEscape } from "./escape_helpers.ts";
import { wat } from "../helpers/wat.ts";

const dec = new TextDecoder();
const none = new Set<Capability>();

Deno.test("engine wall: hello world on Porta's engine, steps counted", async () => {
  const wall = await GuestWall.create(await HELLO, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
  });
  try {
    let out = "";
    let err = "";
    const r = await wall.run({ args: ["hello"], env: {} }, {
      onStdout: (b) => out += dec.decode(b),
      onStderr: (b) => err += dec.decode(b),
    });
    assertEquals([r.exitCode, r.trap, out, err], [
      0,
      undefined,
      "hello\n",
      "oops\n",
    ]);
    ok(r.steps > 0, `steps ${r.steps}`);
    assertEquals(r.memoryPages, 1);
  } finally {
    wall.terminate();
  }
});

Deno.test("engine wall: stdin, args and exit code on Porta's engine", async () => {
  const wall = await GuestWall.create(await ECHO, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
  });
  try {
    let out = "";
    const r = await wall.run({
      args: ["echo", "1"],
      env: {},
      stdin: new TextEncoder().encode("abc"),
    }, { onStdout: (b) => out += dec.decode(b) });
    assertEquals([r.exitCode, out], [2, "abc"]);
  } finally {
    wall.terminate();
  }
});

Deno.test("engine wall: fuel limit stops an endless guest", async () => {
  const wall = await GuestWall.create(await ENDLESS, {
    grants: none,
    preopens: [],
  });
  try {
    const r = await wall.run({ args: [], env: {}, limits: { fuel: 20_000 } });
    assertEquals([r.exitCode, r.limit], [null, "fuel"]);
    ok(r.trap && /fuel/.test(r.trap) && !r.trap.includes("\n"), r.trap);
    ok(r.steps >= 20_000 && r.steps <= 20_010, `steps ${r.steps}`);
  } finally {
    wall.terminate();
  }
});

Deno.test("engine wall: memory limit", async () => {
  const wall = await GuestWall.create(await GROW, {
    grants: none,
    preopens: [],
  });
  try {
    const r = await wall.run({
      args: [],
      env: {},
      limits: { maxMemoryPages: 5 },
    });
    assertEquals([r.exitCode, r.limit, r.memoryPages], [null, "memory", 5]);
    ok(
      /\(after reaching the memory limit of 5 pages\)$/.test(r.trap ?? ""),
      r.trap,
    );
  } finally {
    wall.terminate();
  }
});

Deno.test("engine wall: call-depth limit", async () => {
  const wall = await GuestWall.create(await RECURSE, {
    grants: none,
    preopens: [],
  });
  try {
    const r = await wall.run({
      args: [],
      env: {},
      limits: { maxCallDepth: 200 },
    });
    assertEquals([r.exitCode, r.limit], [null, "call-depth"]);
    ok(r.trap && !r.trap.includes("\n"), r.trap);
  } finally {
    wall.terminate();
  }
});

Deno.test("engine wall: a memory limit below the module's initial size refuses the instance", async () => {
  const wall = await GuestWall.create(
    await wat(`(module (memory (export "memory") 3) (func (export "_start")))`),
    { grants: none, preopens: [] },
  );
  try {
    const r = await wall.run({
      args: [],
      env: {},
      limits: { maxMemoryPages: 2 },
    });
    assertEquals([r.exitCode, r.limit, r.trap], [
      null,
      "memory",
      "memory limit exceeded: initial size of 3 pages (1 memories of 3 pages, 0 tables of 0 elements) is above maxMemoryPages 2",
    ]);
  } finally {
    wall.terminate();
  }
});

Deno.test("classifyLimit: the engine error's kind names the limit, never its message", () => {
  for (const kind of ["fuel", "memory", "call-depth"] as const) {
    assertEquals(classifyLimit(new RuntimeError("x", kind)), kind);
  }
  assertEquals(
    classifyLimit(new RuntimeError("interrupted", "interrupted")),
    undefined,
  );
  assertEquals(
    classifyLimit(new RuntimeError("out of bounds memory access")),
    undefined,
  );
  // messages that name a limit are not limits without the kind
  for (
    const e of [
      new Error("fuel exhausted: step limit of 5 instructions reached"),
      new RangeError("Maximum call stack size exceeded"),
      new WebAssembly.RuntimeError("memory limit exceeded"),
      Object.assign(new Error("x"), { kind: "fuel" }),
      "fuel exhausted",
      null,
      undefined,
    ]
  ) assertEquals(classifyLimit(e), undefined, String(e));
});

Deno.test("engine wall: concurrent endless guests time out in a pool", async () => {
  const pool = await GuestPool.create(await ENDLESS, {
    grants: none,
    preopens: [],
    size: 2,
    cancelGraceMs: 10_000,
  });
  try {
    const rs = await Promise.all([
      pool.run({ args: [], env: {} }, { timeoutMs: 150 }),
      pool.run({ args: [], env: {} }, { timeoutMs: 150 }),
    ]);
    assertEquals(rs.map((r) => [r.exitCode, r.trap]), [
      [null, "timeout after 150 ms"],
      [null, "timeout after 150 ms"],
    ]);
    // the engine's interrupt flag unwound both guests: no worker was replaced
    assertEquals(pool.restarts, 0);
  } finally {
    await pool.close();
  }
});

Deno.test("engine wall: escape.c on Porta's engine, read-only preopen", async () => {
  const r = await runEscape(undefined, false);
  assertEquals(r.lines, READ_ONLY_EXPECTED);
  assertEquals(r.outsideEntries, ["inside", "secret.txt"]);
  assertEquals(r.inside, ["inside.txt", "link", "sub"]);
});

Deno.test("engine wall: clock, sleep and random work inside the narrowed worker (worker profile)", async () => {
  for (
    const [name, expect] of [["clock", "nanosleep returned 0"], [
      "random",
      "draws differ: yes",
    ]]
  ) {
    const wasm = await Deno.readFile(
      new URL(`../../testdata/wasi/${name}.wasm`, import.meta.url),
    );
    const wall = await GuestWall.create(wasm, {
      grants: new Set(PROFILES.worker),
      preopens: [],
    });
    try {
      let out = "";
      const r = await wall.run({ args: [name], env: {} }, {
        onStdout: (b) => out += dec.decode(b),
      });
      assertEquals([r.exitCode, r.trap], [0, undefined], out);
      ok(out.includes(expect), out);
      ok(!/: (no|error)$/m.test(out), out);
    } finally {
      wall.terminate();
    }
    // the ai-agent profile has neither clock nor random: with strict
    // imports refused at load; by default loaded, every call denied
    await rejects(
      GuestWall.create(wasm, {
        grants: new Set(PROFILES["ai-agent"]),
        preopens: [],
        strictImports: true,
      }),
      name === "clock"
        ? /clock_time_get needs capability "clock"/
        : /random_get needs capability "random"/,
    );
    const lenient = await GuestWall.create(wasm, {
      grants: new Set(PROFILES["ai-agent"]),
      preopens: [],
    });
    try {
      let out = "";
      const r = await lenient.run({ args: [name], env: {} }, {
        onStdout: (b) => out += dec.decode(b),
      });
      assertEquals(r.trap, undefined, out);
      ok(!out.includes(expect), out);
      ok(
        name === "clock"
          ? out.includes("nanosleep returned -1")
          : out.includes("random_get 100000: 76"),
        out,
      );
    } finally {
      lenient.terminate();
    }
  }
});
