import assert from "node:assert/strict";
import { direct } from "./_helpers.ts";
import { bufferSource, Errno, WasiCancelled } from "../../src/wasi/mod.ts";

function clockSub(
  v: DataView,
  at: number,
  userdata: bigint,
  ns: bigint,
  abs = false,
) {
  v.setBigUint64(at, userdata, true);
  v.setUint8(at + 8, 0);
  v.setUint32(at + 16, 1, true); // monotonic
  v.setBigUint64(at + 24, ns, true);
  v.setBigUint64(at + 32, 0n, true);
  v.setUint16(at + 40, abs ? 1 : 0, true);
}

function fdSub(
  v: DataView,
  at: number,
  userdata: bigint,
  tag: number,
  fd: number,
) {
  v.setBigUint64(at, userdata, true);
  v.setUint8(at + 8, tag);
  v.setUint32(at + 16, fd, true);
}

Deno.test("poll_oneoff: a relative clock sleeps at least its timeout", () => {
  const d = direct();
  clockSub(d.view, 0, 7n, 15_000_000n);
  const t0 = performance.now();
  assert.equal(d.fns.poll_oneoff(0, 1000, 1, 2000), Errno.SUCCESS);
  assert.ok(performance.now() - t0 >= 14.5);
  assert.equal(d.view.getUint32(2000, true), 1);
  assert.equal(d.view.getBigUint64(1000, true), 7n);
  assert.equal(d.view.getUint16(1008, true), 0);
  assert.equal(d.view.getUint8(1010), 0);
});

Deno.test("poll_oneoff: the earliest of two clocks fires alone", () => {
  const d = direct();
  clockSub(d.view, 0, 1n, 1_000_000_000n);
  clockSub(d.view, 48, 2n, 1_000_000n);
  assert.equal(d.fns.poll_oneoff(0, 1000, 2, 2000), Errno.SUCCESS);
  assert.equal(d.view.getUint32(2000, true), 1);
  assert.equal(d.view.getBigUint64(1000, true), 2n);
});

Deno.test("poll_oneoff: stdio fd subscriptions are ready, no sleeping", () => {
  const d = direct({ stdin: bufferSource("x") });
  clockSub(d.view, 0, 1n, 60_000_000_000n);
  fdSub(d.view, 48, 2n, 1, 0);
  fdSub(d.view, 96, 3n, 2, 1);
  fdSub(d.view, 144, 4n, 1, 77);
  assert.equal(d.fns.poll_oneoff(0, 1000, 4, 2000), Errno.SUCCESS);
  assert.equal(d.view.getUint32(2000, true), 3);
  const events = [0, 1, 2].map((i) => ({
    userdata: d.view.getBigUint64(1000 + i * 32, true),
    error: d.view.getUint16(1008 + i * 32, true),
    type: d.view.getUint8(1010 + i * 32),
  }));
  assert.deepEqual(events, [
    { userdata: 2n, error: 0, type: 1 },
    { userdata: 3n, error: 0, type: 2 },
    { userdata: 4n, error: Errno.BADF, type: 1 },
  ]);
});

Deno.test("poll_oneoff: zero subscriptions is INVAL", () => {
  const d = direct();
  assert.equal(d.fns.poll_oneoff(0, 1000, 0, 2000), Errno.INVAL);
});

Deno.test("cancel flag: any WASI call throws WasiCancelled once set", () => {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const d = direct({ cancel });
  assert.equal(d.fns.sched_yield(), Errno.SUCCESS);
  Atomics.store(cancel, 0, 1);
  assert.throws(() => d.fns.sched_yield(), WasiCancelled);
  assert.throws(() => d.fns.fd_write(1, 0, 0, 0), WasiCancelled);
});

Deno.test("cancel flag: another thread cuts a long poll_oneoff sleep short", async () => {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const src = `self.onmessage = (e) => {
    const c = new Int32Array(e.data);
    self.postMessage("ready");
    setTimeout(() => { Atomics.store(c, 0, 1); Atomics.notify(c, 0); }, 100);
  };`;
  const url = URL.createObjectURL(
    new Blob([src], { type: "application/javascript" }),
  );
  const w = new Worker(url, { type: "module" });
  try {
    await new Promise<void>((resolve) => {
      w.onmessage = () => resolve();
      w.postMessage(cancel.buffer);
    });
    const d = direct({ cancel });
    clockSub(d.view, 0, 1n, 600_000_000_000n); // ten minutes
    assert.throws(() => d.fns.poll_oneoff(0, 1000, 1, 2000), WasiCancelled);
  } finally {
    w.terminate();
    URL.revokeObjectURL(url);
  }
});
