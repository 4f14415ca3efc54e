/**
 * Cooperative cancellation through the wall. In Deno 2.9 `Worker.terminate()`
 * does not stop a worker thread that is busy in JS or blocked in
 * `Atomics.wait`, so a cancelled guest must unwind by itself on the job's
 * shared flag (WASI `cancel`, engine `interrupt`). The decisive check: a
 * subprocess that cancels a never-ending guest and closes its pool must EXIT
 * by itself (it cannot while a worker thread still runs); it is killed after
 * 20 s, which fails the test.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { GuestPool, GuestWall } from "../../src/sandbox/wall.ts";
import {
  type EngineLike,
  type InstanceOptionsLike,
  MAX_OUTPUT_IN_FLIGHT,
  OUTPUT_COALESCE_BYTES,
  outputCost,
  type RunMessage,
  serveGuestJobs,
  type WasiConstructorOptions,
  type WorkerReply,
} from "../../src/sandbox/worker_core.ts";
import { WasiCancelled } from "../../src/wasi/mod.ts";
import { CHATTY } from "./guests.ts";

const MAIN = new URL("./cancel_main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const KILL_AFTER_MS = 20_000;

interface Outcome {
  guest: string;
  mode: string;
  first: { exitCode: number | null; trap?: string };
  second?: { exitCode: number | null; trap?: string };
  restarts?: number;
  wrote: boolean;
}

/** Runs cancel_main.ts; fails if the process does not exit on its own. */
async function exitsByItself(guest: string, mode: string): Promise<Outcome> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      "--config",
      CONFIG,
      MAIN,
      guest,
      mode,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, KILL_AFTER_MS);
  const out = await child.output();
  clearTimeout(timer);
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  ok(
    !killed,
    `${guest} ${mode}: the process did not exit by itself (a worker thread kept running); stdout: ${stdout}`,
  );
  assertEquals(out.code, 0, stderr);
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

const CANCELLED = { exitCode: null, trap: "cancelled" };
const TIMED_OUT = { exitCode: null, trap: "timeout after 300 ms" };
const AGAIN = { exitCode: null, trap: "timeout after 100 ms" };

Deno.test("cancel: a guest sleeping in poll_oneoff is woken by a cancel; the process exits", async () => {
  const r = await exitsByItself("SLEEPER", "cancel");
  assertEquals([r.first, r.second, r.restarts], [CANCELLED, AGAIN, 0]);
});

Deno.test("cancel: a sleeping guest times out; the process exits", async () => {
  const r = await exitsByItself("SLEEPER", "timeout");
  assertEquals([r.first, r.second, r.restarts], [TIMED_OUT, AGAIN, 0]);
});

Deno.test("cancel: pool.close() interrupts a sleeping guest; the process exits", async () => {
  const r = await exitsByItself("SLEEPER", "close");
  assertEquals(r.first, CANCELLED);
});

Deno.test("cancel: wall.terminate() interrupts a sleeping guest; the process exits", async () => {
  const r = await exitsByItself("SLEEPER", "terminate");
  assertEquals(r.first, CANCELLED);
});

Deno.test("cancel: a guest looping on fd_write is cancelled; the process exits", async () => {
  const r = await exitsByItself("WRITER", "cancel");
  assertEquals([r.first, r.second, r.restarts, r.wrote], [
    CANCELLED,
    AGAIN,
    0,
    true,
  ]);
});

Deno.test("cancel: a guest looping on a refused call times out; the process exits", async () => {
  const r = await exitsByItself("DENIED_SPIN", "timeout");
  assertEquals([r.first, r.second, r.restarts], [TIMED_OUT, AGAIN, 0]);
});

// On Porta's engine the interrupt flag is polled on loop back-edges and calls:
// guests that never call WASI stop too (the worker is reused, no restart).

Deno.test("cancel: an endless (loop br 0) on Porta's engine is cancelled; the process exits", async () => {
  const r = await exitsByItself("ENDLESS", "cancel");
  assertEquals([r.first, r.second, r.restarts], [CANCELLED, AGAIN, 0]);
});

Deno.test("cancel: an endless (loop br 0) times out; the process exits", async () => {
  const r = await exitsByItself("ENDLESS", "timeout");
  assertEquals([r.first, r.second, r.restarts], [TIMED_OUT, AGAIN, 0]);
});

Deno.test("cancel: pool.close() interrupts an endless loop; the process exits", async () => {
  const r = await exitsByItself("ENDLESS", "close");
  assertEquals(r.first, CANCELLED);
});

Deno.test("cancel: wall.terminate() interrupts an endless loop; the process exits", async () => {
  const r = await exitsByItself("ENDLESS", "terminate");
  assertEquals(r.first, CANCELLED);
});

Deno.test("cancel: endless recursion (calls only, no loop) is cancelled; the process exits", async () => {
  const r = await exitsByItself("FIB", "cancel");
  assertEquals([r.first, r.second, r.restarts], [CANCELLED, AGAIN, 0]);
});

Deno.test("cancel: endless recursion times out; the process exits", async () => {
  const r = await exitsByItself("FIB", "timeout");
  assertEquals([r.first, r.second, r.restarts], [TIMED_OUT, AGAIN, 0]);
});

Deno.test("cancel: a worker that does not unwind is terminated and replaced after the grace period", async () => {
  const wall = await GuestWall.create(new Uint8Array(0), {
    grants: new Set(),
    preopens: [],
    workerUrl: new URL("./silent_worker.ts", import.meta.url),
    cancelGraceMs: 50,
  });
  try {
    const r = await wall.run({ args: [], env: {} }, { timeoutMs: 50 });
    assertEquals([r.exitCode, r.trap, wall.restarts], [
      null,
      "timeout after 50 ms",
      1,
    ]);
    const ac = new AbortController();
    const p = wall.run({ args: [], env: {} }, { signal: ac.signal });
    // the job never ends by itself: abort it once it was posted
    setTimeout(() => ac.abort(), 20);
    assertEquals([(await p).trap, wall.restarts], ["cancelled", 2]);
  } finally {
    wall.terminate();
  }
});

/** Drives serveGuestJobs in-process with a fake engine that records its options. */
function fakeWorker(
  onInstance: (options: InstanceOptionsLike) => void,
  flow?: Int32Array,
  writeSize = 10,
) {
  const replies: WorkerReply[] = [];
  let listener: ((e: MessageEvent) => void) | undefined;
  let wasiCancel: Int32Array | undefined;
  class Module {
    static imports(): { module: string; name: string; kind: string }[] {
      return [];
    }
  }
  class Instance {
    exports: Record<string, unknown> = {};
    constructor(_m: object, _i: unknown, options?: InstanceOptionsLike) {
      onInstance(options ?? {});
      this.exports._start = () => {};
    }
  }
  serveGuestJobs({
    engine: { Module, Instance } as unknown as EngineLike,
    createWasi: (o: WasiConstructorOptions) => {
      wasiCancel = o.cancel;
      return {
        imports: { wasi_snapshot_preview1: {} },
        start: () => {
          o.stdout(new Uint8Array(writeSize)); // the guest writes once
          return 0;
        },
        initialize: () => {},
      };
    },
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
    flow: flow?.buffer,
  });
  return { replies, send, wasiCancel: () => wasiCancel };
}

Deno.test("cancel: the job's flag reaches both the engine (interrupt) and WASI (cancel)", () => {
  let seen: InstanceOptionsLike = {};
  const w = fakeWorker((o) => seen = o);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const run: RunMessage = {
    t: "run",
    id: 1,
    job: { args: [], env: {} },
    cancel: flag.buffer as SharedArrayBuffer,
  };
  w.send(run);
  ok(seen.interrupt instanceof Int32Array);
  ok(w.wasiCancel() instanceof Int32Array);
  Atomics.store(flag, 0, 7);
  assertEquals([seen.interrupt![0], w.wasiCancel()![0]], [7, 7]);
  assertEquals(w.replies.map((m) => m.t), ["ready", "out", "done"]);
});

Deno.test('cancel: an interrupted guest\'s error becomes trap "cancelled", never a generic trap', () => {
  for (const thrown of [new Error("interrupted"), new WasiCancelled()]) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const w = fakeWorker(() => {
      Atomics.store(flag, 0, 1); // the parent cancels while the guest runs
      throw thrown;
    });
    w.send({
      t: "run",
      id: 2,
      job: { args: [], env: {} },
      cancel: flag.buffer,
    });
    const done = w.replies.at(-1)!;
    ok(done.t === "done");
    assertEquals([done.result.exitCode, done.result.trap], [null, "cancelled"]);
  }
  // without the flag the same error stays the guest's own trap
  const w = fakeWorker(() => {
    throw new Error("interrupted");
  });
  w.send({
    t: "run",
    id: 3,
    job: { args: [], env: {} },
    cancel: new SharedArrayBuffer(4),
  });
  const done = w.replies.at(-1)!;
  ok(done.t === "done");
  assertEquals(done.result.trap, "interrupted");
});

Deno.test("cancel: output backpressure counts in-flight output; a blocked write yields to a cancel", () => {
  // nothing pending: the write is posted and counted
  const flow = new Int32Array(new SharedArrayBuffer(4));
  const w = fakeWorker(() => {}, flow);
  w.send({ t: "run", id: 1, job: { args: [], env: {} } });
  assertEquals(w.replies.map((m) => m.t), ["ready", "out", "done"]);
  assertEquals(flow[0], outputCost(10));
  // the parent is MAX behind: the write waits, and a cancel ends the wait
  // (a write this large is never merged: it is sent, or waits, at once)
  flow[0] = MAX_OUTPUT_IN_FLIGHT;
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const w2 = fakeWorker(
    () => Atomics.store(cancel, 0, 1),
    flow,
    OUTPUT_COALESCE_BYTES,
  );
  w2.send({
    t: "run",
    id: 2,
    job: { args: [], env: {} },
    cancel: cancel.buffer,
  });
  assertEquals(w2.replies.map((m) => m.t), ["ready", "done"]);
  const done = w2.replies[1];
  ok(done.t === "done");
  assertEquals(done.result.trap, "cancelled");
});

Deno.test("cancel: 5000 one-byte writes all arrive in order under backpressure", async () => {
  const pool = await GuestPool.create(await CHATTY, {
    grants: new Set(["io"]),
    preopens: [],
    size: 1,
  });
  try {
    const chunks: Uint8Array[] = [];
    const r = await pool.run({ args: [], env: {} }, {
      onStdout: (b) => chunks.push(b),
    });
    assertEquals(r.exitCode, 0);
    const text = chunks.map((c) => new TextDecoder().decode(c)).join("");
    assertEquals(text, "x".repeat(5000));
  } finally {
    await pool.close();
  }
});

Deno.test("cancel: a guest waiting for inherited stdin times out; the next job gets the input; the process exits", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      "--config",
      CONFIG,
      new URL("./stdin_main.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, KILL_AFTER_MS);
  try {
    // wait for the first line (the timeout), then send the input
    const reader = child.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assertEquals(JSON.parse(text.split("\n")[0]), {
      exitCode: null,
      trap: "timeout after 300 ms",
    });
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode("abc"));
    await w.close();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const status = await child.status;
    const stderr = new TextDecoder().decode(
      await new Response(child.stderr).arrayBuffer(),
    );
    ok(!killed, "the process did not exit by itself");
    assertEquals(status.code, 0, stderr);
    assertEquals(JSON.parse(text.trim().split("\n")[1]), {
      exitCode: 1,
      out: "abc",
      restarts: 0,
    });
  } finally {
    clearTimeout(timer);
  }
});
