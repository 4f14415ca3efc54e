import assert from "node:assert/strict";
import { direct, makeSandbox, runFixture, testBoth } from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

const FILES_EXPECTED = `create: OK
write: OK
tell after write: 12
seek set 6: 6
read: 5 'world'
seek end -3: 9
seek before start: EINVAL
fstat: OK
size: 12 regular: 1
ftruncate 5: OK
size after truncate: 5
pwrite: OK
pread: 5 'HEllo'
position unchanged by pread/pwrite: 9
close: OK
close again: EBADF
open append: OK
append write: OK
content: 'HEllo!!'
O_EXCL on existing: EEXIST
open missing: ENOENT
O_DIRECTORY on file: ENOTDIR
open dir for write: EISDIR
write to read-only fd: EBADF
stat: OK
stat size: 7
stat dir: OK
is dir: 1
lseek on stdout: ESPIPE
big: 100000 bytes, sum 12492401
`;

testBoth(
  "files fixture: create/write/read/seek/tell/truncate/stat/append",
  (e) => {
    const sb = makeSandbox();
    try {
      const r = runFixture(e, "files", { preopens: sb.preopens });
      assert.equal(r.stdout, FILES_EXPECTED);
      assert.equal(r.code, 0);
      assert.equal(Deno.readTextFileSync(`${sb.sandbox}/a.txt`), "HEllo!!");
      assert.equal(Deno.statSync(`${sb.sandbox}/big.bin`).size, 100000);
    } finally {
      sb.cleanup();
    }
  },
);

testBoth("cat fixture: stdin to stdout, byte exact", (e) => {
  const input = new Uint8Array(50000).map((_, i) => (i * 7) & 255);
  const r = runFixture(e, "cat", { stdin: input });
  assert.equal(r.code, 0);
  assert.deepEqual(r.stdoutBytes, input);
  assert.equal(r.stderr, "bytes=50000\n");
});

function withDir(fn: (d: ReturnType<typeof direct>, dir: string) => void) {
  const dir = Deno.makeTempDirSync();
  try {
    fn(
      direct({
        preopens: [{ guestPath: "/data", hostPath: dir, writable: true }],
      }),
      dir,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("fd_prestat_get / fd_prestat_dir_name describe preopens only", () => {
  withDir((d) => {
    assert.equal(d.fns.fd_prestat_get(3, 0), Errno.SUCCESS);
    assert.equal(d.view.getUint8(0), 0);
    assert.equal(d.view.getUint32(4, true), 5);
    assert.equal(d.fns.fd_prestat_dir_name(3, 16, 5), Errno.SUCCESS);
    assert.equal(d.get(16, 5), "/data");
    assert.equal(d.fns.fd_prestat_dir_name(3, 16, 2), Errno.NAMETOOLONG);
    assert.equal(d.fns.fd_prestat_get(4, 0), Errno.BADF);
    assert.equal(d.fns.fd_prestat_get(1, 0), Errno.BADF);
  });
});

function openFile(
  d: ReturnType<typeof direct>,
  name: string,
  oflags: number,
  rights: bigint,
): number {
  const len = d.put(1000, name);
  const r = d.fns.path_open(3, 0, 1000, len, oflags, rights, 0n, 0, 1100);
  assert.equal(r, Errno.SUCCESS);
  return d.view.getUint32(1100, true);
}

Deno.test("fd_write/fd_read through iovecs; rights gate each operation", () => {
  withDir((d, dir) => {
    const READ = 1n << 1n, WRITE = 1n << 6n, SEEK = 1n << 2n;
    const fd = openFile(d, "f.txt", 1, READ | WRITE | SEEK);
    d.put(2000, "abc");
    d.put(2010, "defg");
    d.view.setUint32(0, 2000, true);
    d.view.setUint32(4, 3, true);
    d.view.setUint32(8, 2010, true);
    d.view.setUint32(12, 4, true);
    assert.equal(d.fns.fd_write(fd, 0, 2, 100), Errno.SUCCESS);
    assert.equal(d.view.getUint32(100, true), 7);
    assert.equal(Deno.readTextFileSync(`${dir}/f.txt`), "abcdefg");
    // Drop FD_WRITE: writes now fail with NOTCAPABLE, rights cannot grow back.
    assert.equal(
      d.fns.fd_fdstat_set_rights(fd, READ | SEEK, 0n),
      Errno.SUCCESS,
    );
    assert.equal(d.fns.fd_write(fd, 0, 1, 100), Errno.NOTCAPABLE);
    assert.equal(
      d.fns.fd_fdstat_set_rights(fd, READ | SEEK | WRITE, 0n),
      Errno.NOTCAPABLE,
    );
    assert.equal(d.fns.fd_seek(fd, 1n, 0, 200), Errno.SUCCESS);
    d.view.setUint32(0, 3000, true);
    d.view.setUint32(4, 10, true);
    assert.equal(d.fns.fd_read(fd, 0, 1, 100), Errno.SUCCESS);
    assert.equal(d.view.getUint32(100, true), 6);
    assert.equal(d.get(3000, 6), "bcdefg");
    // A read-only descriptor cannot seek without FD_SEEK.
    const ro = openFile(d, "f.txt", 0, READ);
    assert.equal(d.fns.fd_seek(ro, 1n, 0, 200), Errno.NOTCAPABLE);
    assert.equal(d.fns.fd_write(ro, 0, 1, 100), Errno.NOTCAPABLE);
    assert.equal(d.fns.fd_close(ro), Errno.SUCCESS);
    assert.equal(d.fns.fd_close(ro), Errno.BADF);
  });
});

Deno.test("fd_write to stdout passes one copied chunk to the sink", () => {
  const chunks: Uint8Array[] = [];
  const d = direct({ stdout: (b) => chunks.push(b) });
  d.put(100, "hi ");
  d.put(200, "there");
  d.view.setUint32(0, 100, true);
  d.view.setUint32(4, 3, true);
  d.view.setUint32(8, 200, true);
  d.view.setUint32(12, 5, true);
  assert.equal(d.fns.fd_write(1, 0, 2, 50), Errno.SUCCESS);
  d.put(100, "XXX");
  assert.equal(chunks.length, 1);
  assert.equal(new TextDecoder().decode(chunks[0]), "hi there");
  assert.equal(d.fns.fd_write(0, 0, 1, 50), Errno.NOTCAPABLE); // stdin has no FD_WRITE right
});

Deno.test("fd_fdstat_get reports filetype, flags and rights", () => {
  withDir((d) => {
    assert.equal(d.fns.fd_fdstat_get(1, 0), Errno.SUCCESS);
    assert.equal(d.view.getUint8(0), 2); // character device
    assert.equal(d.fns.fd_fdstat_get(3, 0), Errno.SUCCESS);
    assert.equal(d.view.getUint8(0), 3); // directory
    assert.ok((d.view.getBigUint64(8, true) & (1n << 13n)) !== 0n); // PATH_OPEN
    assert.equal(d.fns.fd_fdstat_get(42, 0), Errno.BADF);
  });
});

Deno.test("fd_readdir: cookies resume, a small buffer is filled to the brim", () => {
  withDir((d, dir) => {
    for (const n of ["aa", "bb", "cc"]) {
      Deno.writeTextFileSync(`${dir}/${n}`, "");
    }
    const names: string[] = [];
    let cookie = 0n;
    for (let guard = 0; guard < 20; guard++) {
      // Room for exactly one 24-byte header + a 2-byte name.
      assert.equal(d.fns.fd_readdir(3, 0, 26, cookie, 100), Errno.SUCCESS);
      const used = d.view.getUint32(100, true);
      if (used === 0) break;
      const len = d.view.getUint32(16, true);
      cookie = d.view.getBigUint64(0, true);
      names.push(d.get(24, Math.min(len, used - 24)));
    }
    assert.deepEqual(names.sort(), [".", "..", "aa", "bb", "cc"]);
    assert.equal(d.fns.fd_readdir(1, 0, 26, 0n, 100), Errno.NOTCAPABLE);
  });
});

Deno.test("fd_renumber moves a descriptor over another", () => {
  withDir((d) => {
    const READ = 1n << 1n;
    const a = openFile(d, "x", 1, READ);
    const b = openFile(d, "y", 1, READ);
    assert.equal(d.fns.fd_renumber(a, b), Errno.SUCCESS);
    assert.equal(d.fns.fd_fdstat_get(a, 0), Errno.BADF);
    assert.equal(d.fns.fd_fdstat_get(b, 0), Errno.SUCCESS);
    assert.equal(d.fns.fd_renumber(b, 99), Errno.BADF);
    d.wasi.close();
  });
});

Deno.test("fd_filestat_set_size, fd_allocate, fd_filestat_get, fd_tell", () => {
  withDir((d, dir) => {
    const all = (1n << 30n) - 1n;
    const fd = openFile(d, "s", 1, all);
    assert.equal(d.fns.fd_allocate(fd, 0n, 100n), Errno.SUCCESS);
    assert.equal(Deno.statSync(`${dir}/s`).size, 100);
    assert.equal(d.fns.fd_filestat_set_size(fd, 10n), Errno.SUCCESS);
    assert.equal(d.fns.fd_filestat_get(fd, 0), Errno.SUCCESS);
    assert.equal(d.view.getUint8(16), 4);
    assert.equal(d.view.getBigUint64(32, true), 10n);
    assert.equal(d.fns.fd_seek(fd, 0n, 2, 200), Errno.SUCCESS);
    assert.equal(d.fns.fd_tell(fd, 300), Errno.SUCCESS);
    assert.equal(d.view.getBigUint64(300, true), 10n);
    assert.equal(
      d.fns.fd_filestat_set_times(fd, 0n, 5_000_000_000n, 4),
      Errno.SUCCESS,
    );
    assert.equal(Deno.statSync(`${dir}/s`).mtime?.getTime(), 5000);
    assert.equal(d.fns.fd_sync(fd), Errno.SUCCESS);
    assert.equal(d.fns.fd_datasync(fd), Errno.SUCCESS);
    assert.equal(d.fns.fd_advise(fd, 0n, 0n, 0), Errno.SUCCESS);
    d.wasi.close();
  });
});
