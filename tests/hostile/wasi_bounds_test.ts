/**
 * Issue #8, item 4 — bounded WASI: the attacks of the issue against the WASI
 * layer itself, each bounded in time, and in memory where memory is the
 * attack (run in a subprocess whose peak RSS, VmHWM, is read from /proc).
 */
import assert from "node:assert/strict";
import { Errno, Wasi, WasiCancelled } from "../../src/wasi/mod.ts";

const MiB = 1 << 20;

/** Runs `code` (an ES module body) in a fresh Deno; returns its last stdout line as JSON. */
async function child(code: string): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.ok(
    out.success,
    `child failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
  );
  return JSON.parse(text.split("\n").at(-1)!);
}

const STDIO = new URL("../../src/wasi/stdio.ts", import.meta.url).href;
const MOD = new URL("../../src/wasi/mod.ts", import.meta.url).href;
const HWM = `const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(
  Deno.readTextFileSync("/proc/self/status"))![1]) * 1024;`;

Deno.test("hostile wasi: one name and 200M slashes, 8 iovecs over 200 MiB, 33M empty iovecs (peak RSS)", async () => {
  // Before: path.split of the 200M-slash path ended the process with V8's
  // fatal out-of-memory error; fd_write concatenated 1.6 GB; the 33M
  // iovecs ran for 14 s. The guest memory itself (200 MiB, touched) is
  // part of the peak.
  const r = await child(`
    import { Wasi } from "${MOD}";
    import { limitSink } from "${STDIO}";
    ${HWM}
    const dir = Deno.makeTempDirSync();
    const buffer = new ArrayBuffer(${200 * MiB} + 4096);
    const mem = new Uint8Array(buffer);
    mem.fill(0x2f, 1, ${200 * MiB});
    mem[0] = 0x61;
    const base = hwm();
    const out = limitSink(() => {}, ${MiB});
    const wasi = new Wasi({
      preopens: [{ guestPath: "/d", hostPath: dir }],
      stdout: out.sink,
    });
    wasi.setMemory({ buffer });
    const f = wasi.imports.wasi_snapshot_preview1;
    let t = performance.now();
    const path = f.path_filestat_get(3, 0, 0, ${200 * MiB}, ${200 * MiB});
    const pathMs = performance.now() - t;
    const v = new DataView(buffer);
    const iov = ${200 * MiB};
    for (let i = 0; i < 8; i++) {
      v.setUint32(iov + i * 8, 0, true);
      v.setUint32(iov + i * 8 + 4, ${200 * MiB}, true);
    }
    t = performance.now();
    const write = f.fd_write(1, iov, 8, iov + 100);
    const writeMs = performance.now() - t;
    const nwritten = v.getUint32(iov + 100, true);
    t = performance.now();
    const empty = f.fd_write(1, 0, 33_000_000, iov + 100);
    const emptyMs = performance.now() - t;
    Deno.removeSync(dir);
    console.log(JSON.stringify({
      path, pathMs, write, writeMs, nwritten, passed: out.passed(),
      dropped: out.dropped(), empty, emptyMs, base, peak: hwm(),
    }));
  `);
  assert.equal(r.path, Errno.NAMETOOLONG);
  assert.ok(r.pathMs < 50, `path refused in ${r.pathMs} ms`);
  assert.equal(r.write, Errno.SUCCESS);
  assert.equal(r.nwritten, 8 * 200 * MiB); // the guest is told all was written
  assert.equal(r.passed, MiB); // only the cap was copied out of guest memory
  assert.equal(r.dropped, 8 * 200 * MiB - MiB);
  assert.ok(r.writeMs < 200, `fd_write took ${r.writeMs} ms`);
  assert.equal(r.empty, Errno.INVAL);
  assert.ok(r.emptyMs < 50, `33M iovecs refused in ${r.emptyMs} ms`);
  // nothing of the size of the attack was allocated besides the memory
  assert.ok(
    r.peak - r.base < 32 * MiB,
    `peak RSS grew by ${((r.peak - r.base) / MiB).toFixed(1)} MiB`,
  );
});

Deno.test("hostile wasi: an unbounded sink receives 8 x 32 MiB in 64 KiB chunks, never one big copy", () => {
  let max = 0, total = 0;
  const wasi = new Wasi({
    stdout: (b) => {
      max = Math.max(max, b.length);
      total += b.length;
    },
  });
  const buffer = new ArrayBuffer(32 * MiB + 4096);
  wasi.setMemory({ buffer });
  const v = new DataView(buffer);
  for (let i = 0; i < 8; i++) {
    v.setUint32(32 * MiB + i * 8, 0, true);
    v.setUint32(32 * MiB + i * 8 + 4, 32 * MiB, true);
  }
  const f = wasi.imports.wasi_snapshot_preview1;
  assert.equal(f.fd_write(1, 32 * MiB, 8, 32 * MiB + 100), Errno.SUCCESS);
  assert.equal(total, 8 * 32 * MiB);
  assert.equal(max, 65536);
});

/**
 * Starts a thread that sets `cancel` (and notifies it) `ms` after it is
 * told to; returns the trigger and a disposer.
 */
async function canceller(
  cancel: Int32Array,
): Promise<{ fire(ms: number): void; close(): void }> {
  const code = `self.onmessage = (e) => {
    const [sab, ms] = e.data;
    if (sab === null) return self.postMessage("ready");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const a = new Int32Array(sab);
    Atomics.store(a, 0, 1);
    Atomics.notify(a, 0);
  };`;
  const url = URL.createObjectURL(
    new Blob([code], { type: "application/javascript" }),
  );
  const w = new Worker(url, { type: "module" });
  await new Promise((resolve) => {
    w.onmessage = resolve;
    w.postMessage([null, 0]);
  });
  return {
    fire: (ms) => w.postMessage([cancel.buffer, ms]),
    close: () => {
      w.terminate();
      URL.revokeObjectURL(url);
    },
  };
}

/** Runs `call` with a cancel fired after 30 ms; returns how long the call took. */
async function cancelledAfter30ms(
  make: (cancel: Int32Array) => () => unknown,
): Promise<number> {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const call = make(cancel);
  const c = await canceller(cancel);
  try {
    c.fire(30);
    const t0 = performance.now();
    assert.throws(call, WasiCancelled);
    return performance.now() - t0;
  } finally {
    c.close();
  }
}

Deno.test("hostile wasi: a cancel ends a 256 MiB random_get at once (1.6 s uncancelled)", async () => {
  const ms = await cancelledAfter30ms((cancel) => {
    const wasi = new Wasi({ cancel });
    wasi.setMemory({ buffer: new ArrayBuffer(256 * MiB) });
    return () => wasi.imports.wasi_snapshot_preview1.random_get(0, 256 * MiB);
  });
  assert.ok(ms < 330, `random_get ran ${ms.toFixed(0)} ms after the cancel`);
});

Deno.test("hostile wasi: the longest path resolution (32 symlinks of 4,096 bytes) is bounded and cancellable", async () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "porta-b-" }));
  try {
    Deno.mkdirSync(`${dir}/d`);
    Deno.writeTextFileSync(`${dir}/f`, "x");
    // each link is a 4,094-byte walk of 1,636 components, then the next link
    for (let i = 0; i < 32; i++) {
      Deno.symlinkSync(
        "d/../".repeat(818) + (i < 31 ? `s${i + 1}` : "f"),
        `${dir}/s${i}`,
      );
    }
    const path = new TextEncoder().encode("d/../".repeat(818) + "s0");
    const setup = (cancel?: Int32Array) => {
      const wasi = new Wasi({
        cancel,
        preopens: [{ guestPath: "/d", hostPath: dir }],
      });
      const buffer = new ArrayBuffer(65536);
      new Uint8Array(buffer).set(path);
      wasi.setMemory({ buffer });
      const f = wasi.imports.wasi_snapshot_preview1;
      return () => f.path_filestat_get(3, 1, 0, path.length, 8192);
    };
    // uncancelled: about 55,000 lstat calls, linear (was quadratic)
    const t0 = performance.now();
    assert.equal(setup()(), Errno.SUCCESS);
    const full = performance.now() - t0;
    assert.ok(full < 5000, `worst resolution took ${full.toFixed(0)} ms`);
    // one more link is ELOOP
    Deno.removeSync(`${dir}/f`);
    Deno.symlinkSync("s0", `${dir}/f`);
    assert.equal(setup()(), Errno.LOOP);
    Deno.removeSync(`${dir}/f`);
    Deno.writeTextFileSync(`${dir}/f`, "x");
    const ms = await cancelledAfter30ms((cancel) => setup(cancel));
    assert.ok(ms < 130, `resolution ran ${ms.toFixed(0)} ms after the cancel`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("hostile wasi: 1M poll_oneoff subscriptions on one file cost two syscalls, not two million", () => {
  const dir = Deno.makeTempDirSync({ prefix: "porta-b-" });
  try {
    Deno.writeTextFileSync(`${dir}/f`, "0123456789");
    const wasi = new Wasi({ preopens: [{ guestPath: "/d", hostPath: dir }] });
    const buffer = new ArrayBuffer(96 * MiB);
    wasi.setMemory({ buffer });
    const f = wasi.imports.wasi_snapshot_preview1;
    const v = new DataView(buffer);
    new Uint8Array(buffer).set([0x66], 100); // "f"
    const FD_READ_RIGHTS = (1n << 1n) | (1n << 27n);
    assert.equal(
      f.path_open(3, 0, 100, 1, 0, FD_READ_RIGHTS, 0n, 0, 200),
      Errno.SUCCESS,
    );
    const fd = v.getUint32(200, true);
    const n = 1_000_000, subs = MiB, events = 50 * MiB;
    for (let i = 0; i < n; i++) {
      v.setUint8(subs + i * 48 + 8, 1); // FD_READ
      v.setUint32(subs + i * 48 + 16, fd, true);
    }
    const t0 = performance.now();
    assert.equal(f.poll_oneoff(subs, events, n, 300), Errno.SUCCESS);
    const ms = performance.now() - t0;
    assert.equal(v.getUint32(300, true), n);
    assert.equal(v.getBigUint64(events + (n - 1) * 32 + 16, true), 10n);
    assert.ok(ms < 2000, `poll_oneoff took ${ms.toFixed(0)} ms (8 s before)`);
    wasi.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
