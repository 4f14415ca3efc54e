/**
 * The structured fields of a job result that say what stopped a job, so the
 * layers above never recover it from the trap text: `stopped` (cancelled or
 * timed out from outside), `phase` (refused at instantiation or ran),
 * `initialPages` (what the module's memories and tables start at) and
 * `engineLimit` (an implementation limit of the engine the module exceeds).
 * On Porta's engine in the production guest worker, and on a stub engine
 * driving the job loop in-process.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { GuestPool, GuestWall } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import {
  type EngineLike,
  initialPagesOf,
  type InstanceOptionsLike,
  type JobResult,
  type ModuleLayout,
  serveGuestJobs,
  type WorkerReply,
} from "../../src/sandbox/worker_core.ts";
import { ENDLESS, HELLO, TRAP } from "./guests.ts";
import { wat } from "../helpers/wat.ts";

const none = new Set<Capability>();

/** The fields under test (absent ones as undefined). */
const fields = (r: JobResult) => ({
  stopped: r.stopped,
  phase: r.phase,
  initialPages: r.initialPages,
  engineLimit: r.engineLimit,
});

Deno.test("job result: a module whose memories and tables start above the memory limit is refused at instantiation, with its initial pages", async () => {
  // 1 page + 10000 table elements of 8 bytes = 145536 bytes: 3 pages
  const wall = await GuestWall.create(
    await wat(`(module (memory (export "memory") 1) (table 10000 funcref)
      (func (export "_start")))`),
    { grants: none, preopens: [] },
  );
  try {
    const r = await wall.run({
      args: [],
      env: {},
      limits: { maxMemoryPages: 2 },
    });
    assertEquals([r.exitCode, r.limit], [null, "memory"]);
    assertEquals(fields(r), {
      stopped: undefined,
      phase: "instantiate",
      initialPages: 3,
      engineLimit: undefined,
    });
    // the same number the engine's own message gives
    assertEquals(/initial size of (\d+) pages/.exec(r.trap!)?.[1], "3");
    // within the limit it runs
    const fits = await wall.run({
      args: [],
      env: {},
      limits: { maxMemoryPages: 3 },
    });
    assertEquals([fits.exitCode, fits.trap], [0, undefined]);
    assertEquals(fields(fits), {
      stopped: undefined,
      phase: "run",
      initialPages: undefined,
      engineLimit: undefined,
    });
  } finally {
    wall.terminate();
  }
});

Deno.test("job result: a data segment out of bounds fails at instantiation as a trap, no limit", async () => {
  const wall = await GuestWall.create(
    await wat(`(module (memory (export "memory") 1)
      (data (i32.const 65535) "ab") (func (export "_start")))`),
    { grants: none, preopens: [] },
  );
  try {
    const r = await wall.run({ args: [], env: {} });
    assertEquals([r.exitCode, r.trap, r.limit], [
      null,
      "out of bounds memory access",
      undefined,
    ]);
    assertEquals(fields(r), {
      stopped: undefined,
      phase: "instantiate",
      initialPages: 1,
      engineLimit: undefined,
    });
  } finally {
    wall.terminate();
  }
});

Deno.test("job result: guest code that traps (start function or entry) or exits is in phase run", async () => {
  const start = await GuestWall.create(
    await wat(`(module (memory (export "memory") 1)
      (func $s unreachable) (start $s) (func (export "_start")))`),
    { grants: none, preopens: [] },
  );
  const trap = await GuestWall.create(await TRAP, {
    grants: none,
    preopens: [],
  });
  const hello = await GuestWall.create(await HELLO, {
    grants: new Set(["io"]),
    preopens: [],
  });
  try {
    const run = { args: [], env: {} };
    const ran = {
      stopped: undefined,
      phase: "run",
      initialPages: undefined,
      engineLimit: undefined,
    };
    const s = await start.run(run);
    ok(s.trap?.startsWith("unreachable"), s.trap);
    assertEquals(fields(s), ran);
    const t = await trap.run(run);
    ok(t.trap?.startsWith("unreachable"), t.trap);
    assertEquals(fields(t), ran);
    const h = await hello.run(run);
    assertEquals(h.exitCode, 0);
    assertEquals(fields(h), ran);
  } finally {
    start.terminate();
    trap.terminate();
    hello.terminate();
  }
});

Deno.test("job result: a timeout says stopped timeout, an abort or terminate() stopped cancelled", async () => {
  const wall = await GuestWall.create(await ENDLESS, {
    grants: none,
    preopens: [],
    cancelGraceMs: 10_000,
  });
  try {
    const job = { args: [], env: {} };
    const t = await wall.run(job, { timeoutMs: 100 });
    assertEquals([t.trap, t.stopped], ["timeout after 100 ms", "timeout"]);
    const ac = new AbortController();
    const p = wall.run(job, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const c = await p;
    assertEquals([c.trap, c.stopped], ["cancelled", "cancelled"]);
    // aborted before it started
    const early = await wall.run(job, { signal: AbortSignal.abort() });
    assertEquals([early.trap, early.stopped], ["cancelled", "cancelled"]);
    const running = wall.run(job);
    setTimeout(() => wall.terminate(), 100);
    const k = await running;
    assertEquals([k.trap, k.stopped], ["cancelled", "cancelled"]);
  } finally {
    wall.terminate();
  }
});

Deno.test("job result: a worker replaced after the grace period still says stopped timeout", async () => {
  const wall = await GuestWall.create(new Uint8Array(0), {
    grants: none,
    preopens: [],
    workerUrl: new URL("./silent_worker.ts", import.meta.url),
    cancelGraceMs: 50,
  });
  try {
    const r = await wall.run({ args: [], env: {} }, { timeoutMs: 50 });
    assertEquals([r.trap, r.stopped, wall.restarts], [
      "timeout after 50 ms",
      "timeout",
      1,
    ]);
  } finally {
    wall.terminate();
  }
});

Deno.test("job result: a job waiting for a busy pool is stopped cancelled or timeout", async () => {
  const pool = await GuestPool.create(await ENDLESS, {
    grants: none,
    preopens: [],
    size: 1,
    cancelGraceMs: 10_000,
  });
  try {
    const job = { args: [], env: {} };
    const busy = new AbortController();
    const first = pool.run(job, { signal: busy.signal });
    const waiting = new AbortController();
    const queued = pool.run(job, { signal: waiting.signal });
    waiting.abort();
    const q = await queued;
    assertEquals([q.trap, q.stopped], ["cancelled", "cancelled"]);
    const late = await pool.run(job, { timeoutMs: 50 });
    assertEquals([late.trap, late.stopped], ["timeout after 50 ms", "timeout"]);
    busy.abort();
    assertEquals((await first).stopped, "cancelled");
  } finally {
    await pool.close();
  }
});

Deno.test("job result: initialPagesOf counts defined memories and tables (8 bytes an element), rounded up", () => {
  const layout = (
    memories: [number, boolean][],
    tables: [number, boolean][],
  ): ModuleLayout => ({
    memories: memories.map(([min, imported]) => ({ min, imported })),
    tables: tables.map(([min, imported]) => ({ min, imported })),
  });
  assertEquals(initialPagesOf(layout([], [])), 0);
  assertEquals(initialPagesOf(layout([[3, false]], [])), 3);
  assertEquals(initialPagesOf(layout([[1, false]], [[10000, false]])), 3);
  assertEquals(initialPagesOf(layout([[0, false]], [[8192, false]])), 1);
  assertEquals(initialPagesOf(layout([[0, false]], [[8193, false]])), 2);
  assertEquals(
    initialPagesOf(layout([[5, true], [2, false]], [[1 << 20, true]])),
    2,
  );
});

/**
 * Drives serveGuestJobs in-process on a stub engine whose Instance
 * constructor calls `construct` (which may throw, or call beforeStart).
 */
function stubWorker(
  construct: (options: InstanceOptionsLike) => void,
  extra: Partial<EngineLike> = {},
) {
  const replies: WorkerReply[] = [];
  let listener: ((e: MessageEvent) => void) | undefined;
  class Module {
    static imports(): { module: string; name: string; kind: string }[] {
      return [];
    }
  }
  class Instance {
    exports: Record<string, unknown> = { _start: () => {} };
    constructor(_m: object, _i: unknown, options?: InstanceOptionsLike) {
      construct(options ?? {});
    }
  }
  serveGuestJobs({
    engine: { Module, Instance, ...extra } as unknown as EngineLike,
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
  const send = (m: unknown) => listener!({ data: m } as MessageEvent);
  send({
    t: "init",
    wasm: new Uint8Array(0),
    grants: [],
    preopens: [],
    progress: new SharedArrayBuffer(16),
  });
  let id = 0;
  const run = (cancel?: Int32Array): JobResult => {
    send({
      t: "run",
      id: ++id,
      job: { args: [], env: {} },
      ...(cancel ? { cancel: cancel.buffer } : {}),
    });
    const done = replies.at(-1)!;
    ok(done.t === "done");
    return done.result;
  };
  return { run };
}

/** A RuntimeError of Porta's engine, as the job loop sees it (a `kind`). */
function runtimeError(message: string, kind = "trap"): Error {
  return Object.assign(new Error(message), { name: "RuntimeError", kind });
}

const LAYOUT: ModuleLayout = {
  memories: [{ min: 2, imported: false }],
  tables: [{ min: 20, imported: false }, { min: 50, imported: true }],
};

Deno.test("job result (stub engine): a table above the engine's LIMITS.tableSize sets engineLimit at instantiation, with initialPages", () => {
  let described = 0;
  const describeModule = () => {
    described++;
    return LAYOUT;
  };
  const refused = stubWorker(() => {
    throw runtimeError("table size of 20 elements exceeds the limit (10)");
  }, { describeModule, LIMITS: { tableSize: 10 } });
  const r = refused.run();
  assertEquals([r.exitCode, r.trap, r.limit], [
    null,
    "table size of 20 elements exceeds the limit (10)",
    undefined,
  ]);
  assertEquals(fields(r), {
    stopped: undefined,
    phase: "instantiate",
    initialPages: 3, // 2 pages + 160 bytes; the imported table is not counted
    engineLimit: "table-size",
  });
  // described once per module, not per job
  assertEquals(fields(refused.run()), fields(r));
  assertEquals(described, 1);
  // within the engine's limit: a refusal for another reason, no engineLimit
  const within = stubWorker(() => {
    throw runtimeError("out of bounds table access");
  }, { describeModule, LIMITS: { tableSize: 20 } });
  assertEquals(fields(within.run()), {
    stopped: undefined,
    phase: "instantiate",
    initialPages: 3,
    engineLimit: undefined,
  });
  // an engine that does not describe modules: only the phase is known
  const plain = stubWorker(() => {
    throw runtimeError("memory limit exceeded", "memory");
  });
  const p = plain.run();
  assertEquals(p.limit, "memory");
  assertEquals(fields(p), {
    stopped: undefined,
    phase: "instantiate",
    initialPages: undefined,
    engineLimit: undefined,
  });
});

Deno.test("job result (stub engine): a start function that fails after beforeStart is in phase run, without the module's facts", () => {
  const w = stubWorker((options) => {
    options.beforeStart?.({ exports: {} });
    throw runtimeError("unreachable executed");
  }, { describeModule: () => LAYOUT, LIMITS: { tableSize: 10 } });
  const r = w.run();
  assertEquals(r.trap, "unreachable executed");
  assertEquals(fields(r), {
    stopped: undefined,
    phase: "run",
    initialPages: undefined,
    engineLimit: undefined,
  });
});

Deno.test("job result (stub engine): a cancelled job says stopped cancelled, before or during instantiation", () => {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const w = stubWorker(() => {
    Atomics.store(flag, 0, 1); // the parent cancels while the guest runs
    throw runtimeError("interrupted", "interrupted");
  });
  const during = w.run(flag);
  assertEquals([during.trap, during.stopped, during.phase], [
    "cancelled",
    "cancelled",
    "instantiate",
  ]);
  // the flag is already up: the job never starts
  const before = w.run(flag);
  assertEquals([before.trap, before.stopped, before.phase], [
    "cancelled",
    "cancelled",
    undefined,
  ]);
  // the same error without the flag is the guest's own trap
  const own = stubWorker(() => {
    throw runtimeError("interrupted", "interrupted");
  }).run(new Int32Array(new SharedArrayBuffer(4)));
  assertEquals([own.trap, own.stopped], ["interrupted", undefined]);
});
