/**
 * Bounds of the WASI layer (issue #8): path and name lengths, iovec counts,
 * output copied no further than a sink's room, cancellation polled inside
 * long loops, and the errno fixes (readdir cookies past the end, reads on
 * directories, paths relative to a non-directory descriptor).
 */
import assert from "node:assert/strict";
import { direct } from "./_helpers.ts";
import { Errno, WasiCancelled } from "../../src/wasi/mod.ts";
import { limitSink, SINK_CHUNK } from "../../src/wasi/stdio.ts";
import { IOV_MAX, NAME_MAX, PATH_MAX } from "../../src/wasi/constants.ts";
import { resolvePath } from "../../src/wasi/fs/resolve.ts";
import type { FdEntry } from "../../src/wasi/context.ts";

function withDir(fn: (d: ReturnType<typeof direct>, dir: string) => void) {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "porta-lim-" }));
  try {
    const d = direct({
      preopens: [{ guestPath: "/d", hostPath: dir, writable: true }],
    });
    fn(d, dir);
    d.wasi.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** path_filestat_get of `path` (written at 4096) on fd 3: the errno. */
function stat(d: ReturnType<typeof direct>, path: string, follow = 1): number {
  const len = d.put(4096, path);
  return d.fns.path_filestat_get(3, follow, 4096, len, 0);
}

Deno.test("paths over PATH_MAX bytes or with a component over NAME_MAX are NAMETOOLONG", () => {
  withDir((d, dir) => {
    Deno.writeTextFileSync(`${dir}/f`, "x");
    assert.equal(PATH_MAX, 4096);
    assert.equal(NAME_MAX, 255);
    // 4,096 bytes, 2,048 components: resolved
    assert.equal(stat(d, "./".repeat(2047) + "f"), Errno.SUCCESS);
    assert.equal(stat(d, "./".repeat(2048) + "f"), Errno.NAMETOOLONG);
    assert.equal(stat(d, "f" + "/".repeat(PATH_MAX)), Errno.NAMETOOLONG);
    assert.equal(stat(d, "a".repeat(255)), Errno.NOENT);
    assert.equal(stat(d, "a".repeat(256)), Errno.NAMETOOLONG);
    assert.equal(stat(d, `x/${"a".repeat(256)}/y`), Errno.NAMETOOLONG);
    // bytes, not characters: "é" is 2 bytes in UTF-8
    assert.equal(stat(d, "é".repeat(127)), Errno.NOENT);
    assert.equal(stat(d, "é".repeat(128)), Errno.NAMETOOLONG);
    // checked on the length alone, before the bytes are read: a length far
    // past the memory is NAMETOOLONG, not FAULT
    assert.equal(
      d.fns.path_filestat_get(3, 0, 0, 200_000_001, 0),
      Errno.NAMETOOLONG,
    );
    assert.equal(
      d.fns.path_open(3, 0, 0, 5000, 0, 0n, 0n, 0, 0),
      Errno.NAMETOOLONG,
    );
    // a symlink target counts too
    Deno.symlinkSync(`${"b".repeat(256)}/f`, `${dir}/long`);
    assert.equal(stat(d, "long"), Errno.NAMETOOLONG);
    assert.equal(stat(d, "long", 0), Errno.SUCCESS); // the link itself
    // and a target the guest tries to create
    const t = d.put(100, "c".repeat(256));
    const l = d.put(600, "mylink");
    assert.equal(d.fns.path_symlink(100, t, 3, 600, l), Errno.NAMETOOLONG);
  });
});

Deno.test("resolvePath polls the cancellation flag during a long walk", () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "porta-lim-" }));
  try {
    Deno.mkdirSync(`${dir}/d`);
    const entry: FdEntry = {
      kind: "dir",
      filetype: 3,
      rightsBase: 0n,
      rightsInheriting: 0n,
      fdflags: 0,
      hostPath: dir,
    };
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const path = "d/../".repeat(200) + "d";
    assert.equal(resolvePath(entry, path, true, cancel).hostPath, `${dir}/d`);
    cancel[0] = 1;
    assert.throws(() => resolvePath(entry, path, true, cancel), WasiCancelled);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("more than IOV_MAX iovecs is INVAL for every vectored call", () => {
  withDir((d) => {
    assert.equal(IOV_MAX, 1024);
    const len = d.put(1000, "f");
    assert.equal(
      d.fns.path_open(3, 0, 1000, len, 1, (1n << 30n) - 1n, 0n, 0, 1100),
      Errno.SUCCESS,
    );
    const fd = d.view.getUint32(1100, true);
    // 1,024 empty iovecs at 8192 (zeroed memory): accepted
    assert.equal(d.fns.fd_write(1, 8192, 1024, 0), Errno.SUCCESS);
    assert.equal(d.fns.fd_write(fd, 8192, 1024, 0), Errno.SUCCESS);
    assert.equal(d.fns.fd_read(fd, 8192, 1024, 0), Errno.SUCCESS);
    for (const n of [1025, 33_000_000]) {
      assert.equal(d.fns.fd_write(1, 8192, n, 0), Errno.INVAL);
      assert.equal(d.fns.fd_write(fd, 8192, n, 0), Errno.INVAL);
      assert.equal(d.fns.fd_read(0, 8192, n, 0), Errno.INVAL);
      assert.equal(d.fns.fd_read(fd, 8192, n, 0), Errno.INVAL);
      assert.equal(d.fns.fd_pread(fd, 8192, n, 0n, 0), Errno.INVAL);
      assert.equal(d.fns.fd_pwrite(fd, 8192, n, 0n, 0), Errno.INVAL);
    }
  });
});

/** Points `count` iovecs at 0 with `len` bytes each, at 1024 (overlapping). */
function overlapping(d: ReturnType<typeof direct>, count: number, len: number) {
  for (let i = 0; i < count; i++) {
    d.view.setUint32(1024 + i * 8, 0, true);
    d.view.setUint32(1028 + i * 8, len, true);
  }
}

Deno.test("fd_write copies no more than the sink's room, in chunks of at most 64 KiB", () => {
  const chunks: number[] = [];
  let overflowed = 0;
  const limited = limitSink((b) => chunks.push(b.length), 40_000, (n) => {
    overflowed += n;
  });
  const d = direct({ stdout: limited.sink });
  overlapping(d, 8, 30_000);
  assert.equal(d.fns.fd_write(1, 1024, 8, 0), Errno.SUCCESS);
  assert.equal(d.view.getUint32(0, true), 240_000); // the guest is told all
  assert.deepEqual(chunks, [40_000]);
  assert.equal(limited.passed(), 40_000);
  assert.equal(limited.dropped(), 200_000);
  assert.equal(overflowed, 200_000);
  // full: nothing more is copied, everything is counted
  assert.equal(d.fns.fd_write(1, 1024, 1, 0), Errno.SUCCESS);
  assert.deepEqual(chunks, [40_000]);
  assert.equal(limited.dropped(), 230_000);
  // a direct call past the cap is cut too
  limited.sink(new Uint8Array(10));
  assert.equal(limited.passed(), 40_000);

  // an unbounded sink gets the data in chunks of at most SINK_CHUNK bytes
  const sizes: number[] = [];
  const e = direct({ stdout: (b) => sizes.push(b.length) });
  overlapping(e, 3, 60_000);
  assert.equal(e.fns.fd_write(1, 1024, 3, 0), Errno.SUCCESS);
  assert.equal(SINK_CHUNK, 65536);
  assert.deepEqual(sizes, [65536, 65536, 180_000 - 2 * 65536]);
});

Deno.test("fd_write polls the cancellation flag between chunks", () => {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  let calls = 0;
  const d = direct({
    cancel,
    stdout: () => {
      calls++;
      cancel[0] = 1;
    },
  });
  overlapping(d, 8, 60_000);
  assert.throws(() => d.fns.fd_write(1, 1024, 8, 0), WasiCancelled);
  assert.equal(calls, 1);
});

Deno.test("errno: readdir past the end, reads on directories, a non-directory base fd", () => {
  withDir((d, dir) => {
    Deno.mkdirSync(`${dir}/sub`);
    const names = new Set<string>();
    for (const cookie of [1n << 63n, -(1n << 63n), (1n << 64n) - 1n, 99n]) {
      assert.equal(d.fns.fd_readdir(3, 0, 512, cookie, 600), Errno.SUCCESS);
      assert.equal(d.view.getUint32(600, true), 0, `cookie ${cookie}`);
      names.add(String(cookie));
    }
    assert.equal(names.size, 4);
    // a directory is ISDIR for reads and writes, whatever its rights
    const iov = () => {
      d.view.setUint32(0, 100, true);
      d.view.setUint32(4, 4, true);
    };
    iov();
    assert.equal(d.fns.fd_read(3, 0, 1, 50), Errno.ISDIR);
    assert.equal(d.fns.fd_pread(3, 0, 1, 0n, 50), Errno.ISDIR);
    assert.equal(d.fns.fd_write(3, 0, 1, 50), Errno.ISDIR);
    assert.equal(d.fns.fd_pwrite(3, 0, 1, 0n, 50), Errno.ISDIR);
    const len = d.put(1000, "sub");
    const READ_SEEK = (1n << 1n) | (1n << 2n);
    for (const oflags of [2, /* DIRECTORY */ 0]) {
      assert.equal(
        d.fns.path_open(3, 0, 1000, len, oflags, READ_SEEK, 0n, 0, 1100),
        Errno.SUCCESS,
      );
      const fd = d.view.getUint32(1100, true);
      iov();
      assert.equal(d.fns.fd_read(fd, 0, 1, 50), Errno.ISDIR);
      assert.equal(d.fns.fd_pread(fd, 0, 1, 0n, 50), Errno.ISDIR);
      assert.equal(d.fns.fd_close(fd), Errno.SUCCESS);
    }
    // a path relative to stdin / stdout: not a directory
    for (const fd of [0, 1, 2]) {
      assert.equal(
        d.fns.path_open(fd, 0, 1000, len, 0, READ_SEEK, 0n, 0, 1100),
        Errno.NOTDIR,
      );
      assert.equal(d.fns.path_filestat_get(fd, 0, 1000, len, 0), Errno.NOTDIR);
    }
  });
});

Deno.test("random_get fills a length given as a negative i32 (>= 2 GiB) without skipping it", () => {
  // the JS API passes i32 arguments >= 2^31 as negative numbers: the length
  // is read unsigned (a 64 KiB memory makes it a FAULT, never a silent OK)
  const d = direct();
  assert.equal(d.fns.random_get(0, -16), Errno.FAULT);
  assert.equal(d.fns.random_get(0, 0), Errno.SUCCESS);
});
