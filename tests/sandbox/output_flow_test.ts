/**
 * The guest's output path inside the worker (worker_core.ts): small writes
 * merged while the parent is behind, order kept across stdout/stderr,
 * everything sent before `done`, stdout past `Job.stdoutLimit` counted but
 * never sent; and through a real wall, a consumer that does not finish its
 * writes holds the guest at about 1 MiB in flight until it is cancelled.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import {
  type EngineLike,
  MAX_OUTPUT_IN_FLIGHT,
  OUTPUT_COALESCE_BYTES,
  serveGuestJobs,
  type WasiConstructorOptions,
  type WorkerReply,
} from "../../src/sandbox/worker_core.ts";
import { GuestWall } from "../../src/sandbox/wall.ts";
import { wat } from "../helpers/wat.ts";

/** Writes 64 KiB chunks to stdout forever. */
const FLOODER = wat(`(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const 65536))
    (loop $l
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br $l))))`);

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Runs one job whose guest calls `guest(stdout, stderr)`; returns the replies. */
function runJob(
  guest: (o: WasiConstructorOptions) => void,
  flowStart: number,
  stdoutLimit?: number,
): { replies: WorkerReply[]; sink?: WasiConstructorOptions["stdout"] } {
  const replies: WorkerReply[] = [];
  let listener: ((e: MessageEvent) => void) | undefined;
  let sink: WasiConstructorOptions["stdout"] | undefined;
  class Module {
    static imports() {
      return [];
    }
  }
  class Instance {
    exports: Record<string, unknown> = { _start: () => {} };
  }
  const flow = new Int32Array(new SharedArrayBuffer(4));
  serveGuestJobs({
    engine: { Module, Instance } as unknown as EngineLike,
    createWasi: (o) => {
      sink = o.stdout;
      return {
        imports: { wasi_snapshot_preview1: {} },
        start: () => (guest(o), 0),
        initialize: () => {},
      };
    },
    exitCode: () => undefined,
  }, {
    postMessage: (m) => {
      replies.push(m);
      if (m.t === "out") {
        // the parent handles each message at once (but stays "behind"
        // by flowStart)
        Atomics.store(flow, 0, flowStart);
      }
    },
    addEventListener: (_t, fn) => listener = fn,
  });
  listener!({
    data: {
      t: "init",
      wasm: new Uint8Array(0),
      grants: [],
      preopens: [],
      progress: new SharedArrayBuffer(16),
      flow: flow.buffer,
    },
  } as MessageEvent);
  flow[0] = flowStart;
  listener!({
    data: { t: "run", id: 1, job: { args: [], env: {}, stdoutLimit } },
  } as MessageEvent);
  return { replies, sink };
}

function outs(replies: WorkerReply[]): { fd: number; text: string }[] {
  return replies.flatMap((m) =>
    m.t === "out" ? [{ fd: m.fd, text: dec.decode(m.bytes) }] : []
  );
}

Deno.test("output: while the parent is behind, small writes are merged into 64 KiB messages, in order", () => {
  const { replies } = runJob((o) => {
    for (let i = 0; i < 10_000; i++) o.stdout(enc.encode(`${i % 10}`));
  }, 4096);
  const o = outs(replies);
  assertEquals(o.map((x) => x.text).join(""), "0123456789".repeat(1000));
  ok(o.length <= 2, `${o.length} messages`);
  assertEquals(replies.at(-1)?.t, "done");
});

Deno.test("output: each write goes out at once while the parent keeps up", () => {
  const { replies } = runJob((o) => {
    for (let i = 0; i < 5; i++) o.stdout(enc.encode(`line ${i}\n`));
  }, 0);
  assertEquals(outs(replies).length, 5);
});

Deno.test("output: switching between stdout and stderr keeps the order", () => {
  const { replies } = runJob((o) => {
    for (let i = 0; i < 100; i++) {
      o.stdout(enc.encode(`o${i} `));
      o.stderr(enc.encode(`e${i} `));
    }
  }, 4096);
  const o = outs(replies);
  let want = "";
  for (let i = 0; i < 100; i++) want += `o${i} e${i} `;
  assertEquals(o.map((x) => x.text).join(""), want);
  // merged per run of one descriptor: each switch sends what was merged
  ok(o.every((x, i) => i === 0 || x.fd !== o[i - 1].fd));
});

Deno.test("output: large writes are sent in pieces of at most MAX_OUTPUT_IN_FLIGHT", () => {
  const big = new Uint8Array(MAX_OUTPUT_IN_FLIGHT * 2 + 5).fill(65);
  const { replies } = runJob((o) => o.stdout(big), 0);
  const sizes = replies.flatMap((m) => m.t === "out" ? [m.bytes.length] : []);
  assertEquals(sizes, [MAX_OUTPUT_IN_FLIGHT, MAX_OUTPUT_IN_FLIGHT, 5]);
  ok(OUTPUT_COALESCE_BYTES < MAX_OUTPUT_IN_FLIGHT);
});

Deno.test("output: stdout past Job.stdoutLimit is counted, never sent; the sink tells WASI its room", () => {
  let room: number[] = [];
  const { replies } = runJob(
    (o) => {
      const sink = o.stdout as unknown as {
        (b: Uint8Array): void;
        room(): number;
        overflow(n: number): void;
      };
      room.push(sink.room());
      sink(enc.encode("abcdefgh"));
      room.push(sink.room());
      sink(enc.encode("ijklmnop"));
      room.push(sink.room());
      sink.overflow(1_000_000); // what WASI reports instead of copying
    },
    0,
    12,
  );
  assertEquals(outs(replies).map((x) => x.text).join(""), "abcdefghijkl");
  assertEquals(room, [12, 4, 0]);
  const done = replies.at(-1)!;
  ok(done.t === "done");
  assertEquals(done.result.stdoutBytes, 1_000_016);
  room = [];
});

Deno.test("output: a consumer that never finishes its writes holds the guest at ~1 MiB in flight; cancel still ends it", async () => {
  const wall = await GuestWall.create(await FLOODER, {
    grants: new Set(["io"]),
    preopens: [],
  });
  try {
    let got = 0;
    const ac = new AbortController();
    const run = wall.run({ args: [], env: {} }, {
      // never acknowledged: like a stdout pipe nobody reads
      onStdout: (b) => {
        got += b.length;
        return new Promise(() => {});
      },
      signal: ac.signal,
    });
    await new Promise((r) => setTimeout(r, 500));
    const held = got;
    await new Promise((r) => setTimeout(r, 300));
    ok(got === held, `still growing: ${held} -> ${got}`);
    ok(got <= MAX_OUTPUT_IN_FLIGHT + OUTPUT_COALESCE_BYTES, `${got} bytes`);
    const t0 = performance.now();
    ac.abort();
    const r = await run;
    assertEquals(r.trap, "cancelled");
    ok(performance.now() - t0 < 1000);
    assertEquals(wall.restarts, 0); // unwound by itself, no terminate needed
  } finally {
    wall.terminate();
  }
});
