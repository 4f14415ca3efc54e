/**
 * AsyncWriter: ordered, whole, asynchronous writes; lossy diagnostics with a
 * count of what was dropped; drain with a deadline; a failed write drops the
 * rest without throwing.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { AsyncWriter } from "../../src/cli/async_writer.ts";

const dec = new TextDecoder();

/** A writer taking at most 3 bytes per call, after a tick; `hold` stops it. */
function slowSink() {
  const out: string[] = [];
  let holding = false;
  let resume: (() => void) | undefined;
  return {
    out,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      resume?.();
    },
    w: {
      async write(p: Uint8Array): Promise<number> {
        while (holding) await new Promise<void>((r) => resume = r);
        await new Promise((r) => setTimeout(r, 0));
        const n = Math.min(3, p.length);
        out.push(dec.decode(p.subarray(0, n)));
        return n;
      },
    },
  };
}

Deno.test("AsyncWriter: chunks are written whole and in order, never blocking the caller", async () => {
  const s = slowSink();
  const w = new AsyncWriter(s.w);
  const done = [w.write("hello "), w.write(new TextEncoder().encode("world"))];
  assertEquals(s.out, []); // nothing written synchronously
  await Promise.all(done);
  assertEquals(s.out.join(""), "hello world");
  assertEquals(w.queued, 0);
});

Deno.test("AsyncWriter: lossy lines past the budget are counted and reported once there is room", async () => {
  const s = slowSink();
  s.hold();
  const w = new AsyncWriter(s.w, { maxLossyQueue: 10 });
  ok(w.writeLossy("12345\n"));
  ok(!w.writeLossy("678901\n")); // would exceed 10 bytes queued
  ok(!w.writeLossy("x\nyyyyy\n"));
  assertEquals(w.dropped, 2);
  // a deadline: the reader does not come back in time
  assertEquals(await w.drain(20), false);
  s.release();
  assertEquals(await w.drain(), true);
  ok(w.writeLossy("after\n"));
  await w.drain();
  assertEquals(
    s.out.join(""),
    "12345\n[porta] 2 diagnostic line(s) dropped: stderr is not read fast enough\nafter\n",
  );
});

Deno.test("AsyncWriter: a failed write is reported once; later writes resolve without writing", async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const w = new AsyncWriter({
    write() {
      calls++;
      return Promise.reject(new Deno.errors.BrokenPipe("gone"));
    },
  }, { onError: (e) => errors.push(e) });
  await w.write("a");
  await w.write("b");
  ok(w.failed);
  assertEquals(errors.length, 1);
  assertEquals(calls, 1);
  assertEquals(await w.drain(10), true);
});
