import assert from "node:assert/strict";
import {
  direct,
  makeSandbox,
  runFixture,
  type Sandbox,
  testBoth,
} from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

const DIRS_EXPECTED = `mkdir d: OK
mkdir d again: EEXIST
mkdir d/e: OK
mkdir missing parent: ENOENT
ls /sandbox/d: ../ ./ e/ f1 f2
rmdir non-empty: ENOTEMPTY
rmdir file: ENOTDIR
unlink dir: EISDIR
rename f1 -> e/g: OK
rename dir d/e -> d/e2: OK
ls /sandbox/d: ../ ./ e2/ f2
ls /sandbox/d/e2: ../ ./ g
rename missing: ENOENT
unlink g: OK
unlink g again: ENOENT
rmdir e2: OK
unlink f2: OK
rmdir d: OK
ls /sandbox: ../ ./
many entries (with . and ..): 152
`;

testBoth("dirs fixture: mkdir/readdir/rmdir/rename/unlink", (e) => {
  const sb = makeSandbox();
  try {
    const r = runFixture(e, "dirs", { preopens: sb.preopens });
    assert.equal(r.stdout, DIRS_EXPECTED);
    assert.equal(r.code, 0);
    assert.equal([...Deno.readDirSync(`${sb.sandbox}/many`)].length, 150);
  } finally {
    sb.cleanup();
  }
});

const ESCAPE_EXPECTED = `dotdot: ENOTCAPABLE
dotdot deep: ENOTCAPABLE
relative dotdot: ENOTCAPABLE
absolute: ENOTCAPABLE
symlink out: ENOTCAPABLE
absolute symlink: ENOTCAPABLE
dir symlink: ENOTCAPABLE
chain out: ENOTCAPABLE
chain inside: OPENED 'inside'
create through symlink: ENOTCAPABLE
loop: ELOOP
stat symlink out: ENOTCAPABLE
lstat symlink out: OK
guest symlink to /etc: EPERM
guest symlink ../..: EPERM
guest symlink escaping from sub: EPERM
guest symlink inside: OK
guest symlink inside read: OPENED 'inside'
hard link to outside: ENOTCAPABLE
hard link of symlink: OK
open hard-linked symlink: ENOTCAPABLE
hard link following symlink: ENOTCAPABLE
rename to outside: ENOTCAPABLE
rename from outside: ENOTCAPABLE
mkdir outside: ENOTCAPABLE
unlink outside: ENOTCAPABLE
unlink through dir symlink: ENOTCAPABLE
open sub: OK
openat above dirfd: ENOTCAPABLE
read-only preopen read: OPENED 'readonly'
read-only preopen write: EROFS
read-only preopen create: EROFS
read-only preopen mkdir: EROFS
read-only preopen unlink: EROFS
read-only preopen rename: EROFS
read-only preopen symlink: EROFS
rename ro -> sandbox: EROFS
`;

/** Builds the escape fixture's world (see testdata/wasi/escape.c). */
function escapeWorld(): Sandbox {
  const sb = makeSandbox();
  const s = sb.sandbox;
  Deno.writeTextFileSync(`${sb.root}/secret.txt`, "TOPSECRET");
  Deno.writeTextFileSync(`${s}/inside.txt`, "inside");
  Deno.writeTextFileSync(`${sb.ro}/ro.txt`, "readonly");
  Deno.mkdirSync(`${s}/sub`);
  Deno.symlinkSync("../secret.txt", `${s}/link_out`);
  Deno.symlinkSync(`${sb.root}/secret.txt`, `${s}/abs_link`);
  Deno.symlinkSync("..", `${s}/dirlink`);
  Deno.symlinkSync("chain2", `${s}/chain1`);
  Deno.symlinkSync("sub/chain3", `${s}/chain2`);
  Deno.symlinkSync("../../secret.txt", `${s}/sub/chain3`);
  Deno.symlinkSync("ok2", `${s}/ok1`);
  Deno.symlinkSync("inside.txt", `${s}/ok2`);
  Deno.symlinkSync("loop2", `${s}/loop1`);
  Deno.symlinkSync("loop1", `${s}/loop2`);
  return sb;
}

testBoth("escape fixture: every escape attempt is refused", (e) => {
  const sb = escapeWorld();
  try {
    const r = runFixture(e, "escape", { preopens: sb.preopens });
    assert.equal(r.stdout, ESCAPE_EXPECTED);
    assert.equal(r.code, 0);
    // Nothing outside changed, nothing leaked in, read-only untouched.
    assert.deepEqual(
      [...Deno.readDirSync(sb.root)].map((d) => d.name).sort(),
      ["ro", "sandbox", "secret.txt"],
    );
    assert.equal(Deno.readTextFileSync(`${sb.root}/secret.txt`), "TOPSECRET");
    assert.deepEqual([...Deno.readDirSync(sb.ro)].map((d) => d.name), [
      "ro.txt",
    ]);
    assert.equal(Deno.readTextFileSync(`${sb.sandbox}/inside.txt`), "inside");
    for (const name of ["etc_link", "up_link", "got.txt", "hl1", "hl3"]) {
      assert.throws(() => Deno.lstatSync(`${sb.sandbox}/${name}`), name);
    }
  } finally {
    sb.cleanup();
  }
});

function world(fn: (d: ReturnType<typeof direct>, sb: Sandbox) => void) {
  const sb = escapeWorld();
  try {
    fn(direct({ preopens: sb.preopens }), sb);
  } finally {
    sb.cleanup();
  }
}

const READ = 1n << 1n, WRITE = 1n << 6n;

function open(
  d: ReturnType<typeof direct>,
  dirfd: number,
  path: string,
  oflags = 0,
  rights = READ,
  lookup = 1,
): number {
  const len = d.put(1000, path);
  const r = d.fns.path_open(
    dirfd,
    lookup,
    1000,
    len,
    oflags,
    rights,
    0n,
    0,
    1100,
  );
  return r === Errno.SUCCESS ? d.view.getUint32(1100, true) : -r;
}

Deno.test("path_open: escapes are NOTCAPABLE, inside paths work", () => {
  world((d) => {
    assert.equal(open(d, 3, "../secret.txt"), -Errno.NOTCAPABLE);
    assert.equal(open(d, 3, "/etc/passwd"), -Errno.NOTCAPABLE);
    assert.equal(open(d, 3, "sub/../../secret.txt"), -Errno.NOTCAPABLE);
    assert.equal(open(d, 3, "link_out"), -Errno.NOTCAPABLE);
    assert.equal(open(d, 3, "link_out", 0, READ, 0), -Errno.LOOP);
    assert.equal(open(d, 3, "dirlink/sandbox/inside.txt"), -Errno.NOTCAPABLE);
    assert.equal(open(d, 3, "loop1"), -Errno.LOOP);
    assert.ok(open(d, 3, "sub/../ok1") >= 5);
    assert.ok(open(d, 3, "./sub/./") >= 5);
    assert.equal(open(d, 3, "inside.txt/"), -Errno.NOTDIR);
    assert.equal(open(d, 3, "inside.txt/x"), -Errno.NOTDIR);
    assert.equal(open(d, 3, "missing/x"), -Errno.NOENT);
    assert.equal(open(d, 3, ""), -Errno.NOENT);
    assert.equal(open(d, 1, "x"), -Errno.NOTDIR); // stdout is not a directory
  });
});

Deno.test("path_open refuses FIFOs and sockets (a host open() could block forever)", () => {
  const sb = makeSandbox();
  const listener = Deno.listen({
    transport: "unix",
    path: `${sb.sandbox}/sock`,
  });
  let fifo: Deno.FsFile | undefined;
  try {
    const mk = new Deno.Command("mkfifo", { args: [`${sb.sandbox}/fifo`] })
      .outputSync();
    assert.ok(mk.success, "mkfifo (coreutils) failed");
    // Hold both ends open (O_RDWR does not block on Linux), so that without
    // the check the guest's open would succeed at once instead of hanging.
    fifo = Deno.openSync(`${sb.sandbox}/fifo`, { read: true, write: true });
    Deno.symlinkSync("fifo", `${sb.sandbox}/to_fifo`);
    const d = direct({ preopens: sb.preopens });
    assert.equal(open(d, 3, "fifo"), -Errno.NOTSUP);
    assert.equal(open(d, 3, "fifo", 0, WRITE), -Errno.NOTSUP);
    assert.equal(open(d, 3, "to_fifo"), -Errno.NOTSUP);
    assert.equal(open(d, 3, "sock"), -Errno.NOTSUP);
    assert.equal(open(d, 3, "fifo", 1, READ | WRITE), -Errno.NOTSUP); // O_CREAT
    // stat still works, and reports the real file types.
    const len = d.put(1000, "fifo");
    assert.equal(d.fns.path_filestat_get(3, 1, 1000, len, 2000), Errno.SUCCESS);
    assert.equal(d.view.getUint8(2000 + 16), 0); // unknown (no FIFO filetype)
    Deno.writeTextFileSync(`${sb.sandbox}/plain`, "x");
    assert.ok(open(d, 3, "plain") > 0);
    d.wasi.close();
  } finally {
    fifo?.close();
    listener.close();
    sb.cleanup();
  }
});

Deno.test("path_open: at most maxFds descriptors (default 256), then EMFILE", () => {
  const sb = makeSandbox();
  try {
    Deno.writeTextFileSync(`${sb.sandbox}/f`, "x");
    // Default: stdio + 2 preopens + 251 opened files = 256.
    const d = direct({ preopens: sb.preopens });
    const fds: number[] = [];
    for (let i = 0; i < 300; i++) {
      const fd = open(d, 3, i % 2 ? "f" : ".");
      if (fd < 0) {
        assert.equal(fd, -Errno.MFILE);
        break;
      }
      fds.push(fd);
    }
    assert.equal(fds.length, 251);
    assert.equal(open(d, 3, "f", 1, READ | WRITE), -Errno.MFILE); // even O_CREAT
    assert.equal(d.fns.fd_close(fds[7]), Errno.SUCCESS);
    assert.equal(open(d, 3, "f"), fds[7]); // a closed slot is reusable
    assert.equal(open(d, 3, "f"), -Errno.MFILE);
    d.wasi.close();
    // Explicit limit.
    const small = direct({ preopens: sb.preopens, maxFds: 6 });
    assert.equal(open(small, 3, "f"), 5);
    assert.equal(open(small, 3, "new", 1, READ | WRITE), -Errno.MFILE);
    assert.throws(() => Deno.statSync(`${sb.sandbox}/new`)); // nothing created
    small.wasi.close();
    assert.throws(
      () => direct({ maxFds: NaN }),
      /^RangeError: WasiOptions\.maxFds/,
    );
    assert.throws(() => direct({ maxFds: -1 }), /non-negative integer, got -1/);
  } finally {
    sb.cleanup();
  }
});

Deno.test("path_open: read-only preopen refuses create, trunc and write", () => {
  world((d) => {
    assert.equal(open(d, 4, "new", 1, READ | WRITE), -Errno.ROFS);
    assert.equal(open(d, 4, "ro.txt", 8, READ), -Errno.ROFS);
    assert.equal(open(d, 4, "ro.txt", 0, WRITE), -Errno.ROFS);
    const fd = open(d, 4, "ro.txt", 0, READ);
    assert.ok(fd > 0);
    assert.equal(d.fns.fd_fdstat_get(fd, 0), Errno.SUCCESS);
    assert.equal(d.view.getBigUint64(8, true) & WRITE, 0n);
    // A directory opened below a read-only preopen stays read-only.
    assert.equal(open(d, 4, ".", 2, READ | WRITE), -Errno.ISDIR);
    const sub = open(d, 4, ".", 2, ((1n << 30n) - 1n) & ~WRITE);
    assert.ok(sub > 0);
    assert.equal(open(d, sub, "new", 1, READ), -Errno.ROFS);
    d.wasi.close();
  });
});

Deno.test("path_symlink: absolute or escaping targets are EPERM", () => {
  world((d, sb) => {
    const t = d.put(0, "/etc");
    const n = d.put(100, "l1");
    assert.equal(d.fns.path_symlink(0, t, 3, 100, n), Errno.PERM);
    const t2 = d.put(0, "sub/../../x");
    assert.equal(d.fns.path_symlink(0, t2, 3, 100, n), Errno.PERM);
    const t3 = d.put(0, "sub/../inside.txt");
    assert.equal(d.fns.path_symlink(0, t3, 3, 100, n), Errno.SUCCESS);
    assert.equal(Deno.readLinkSync(`${sb.sandbox}/l1`), "sub/../inside.txt");
    assert.equal(d.fns.path_symlink(0, t3, 3, 100, n), Errno.EXIST);
  });
});

Deno.test("path_readlink, path_filestat_get (follow / nofollow)", () => {
  world((d) => {
    const p = d.put(0, "ok1");
    assert.equal(d.fns.path_readlink(3, 0, p, 200, 2, 300), Errno.SUCCESS);
    assert.equal(d.view.getUint32(300, true), 2);
    assert.equal(d.get(200, 2), "ok");
    assert.equal(d.fns.path_filestat_get(3, 0, 0, p, 400), Errno.SUCCESS);
    assert.equal(d.view.getUint8(416), 7); // symlink itself
    assert.equal(d.fns.path_filestat_get(3, 1, 0, p, 400), Errno.SUCCESS);
    assert.equal(d.view.getUint8(416), 4); // followed to the regular file
    assert.equal(d.view.getBigUint64(432, true), 6n);
    const q = d.put(0, "inside.txt");
    assert.equal(d.fns.path_readlink(3, 0, q, 200, 10, 300), Errno.INVAL);
    const o = d.put(0, "link_out");
    assert.equal(d.fns.path_filestat_get(3, 1, 0, o, 400), Errno.NOTCAPABLE);
  });
});

Deno.test("path_link, path_rename, path_unlink_file, path_remove_directory", () => {
  world((d, sb) => {
    const a = d.put(0, "inside.txt");
    const b = d.put(100, "sub/hard");
    assert.equal(d.fns.path_link(3, 0, 0, a, 3, 100, b), Errno.SUCCESS);
    assert.equal(Deno.statSync(`${sb.sandbox}/sub/hard`).nlink, 2);
    const c = d.put(200, "../stolen");
    assert.equal(d.fns.path_link(3, 0, 0, a, 3, 200, c), Errno.NOTCAPABLE);
    assert.equal(d.fns.path_rename(3, 100, b, 3, 200, c), Errno.NOTCAPABLE);
    const e = d.put(300, "sub/moved");
    assert.equal(d.fns.path_rename(3, 100, b, 3, 300, e), Errno.SUCCESS);
    assert.equal(d.fns.path_unlink_file(3, 300, e), Errno.SUCCESS);
    assert.equal(d.fns.path_unlink_file(3, 300, e), Errno.NOENT);
    const s = d.put(400, "sub");
    assert.equal(d.fns.path_remove_directory(3, 400, s), Errno.NOTEMPTY);
    const dot = d.put(500, ".");
    assert.equal(d.fns.path_remove_directory(3, 500, dot), Errno.BUSY);
    const m = d.put(600, "newdir");
    assert.equal(d.fns.path_create_directory(3, 600, m), Errno.SUCCESS);
    assert.equal(d.fns.path_create_directory(3, 600, m), Errno.EXIST);
    assert.equal(d.fns.path_remove_directory(3, 600, m), Errno.SUCCESS);
    const r = d.put(700, "ro.txt");
    assert.equal(d.fns.path_unlink_file(4, 700, r), Errno.ROFS);
    assert.equal(d.fns.path_create_directory(4, 600, m), Errno.ROFS);
  });
});

Deno.test("path_filestat_set_times sets mtime; ROFS on read-only", () => {
  world((d, sb) => {
    const p = d.put(0, "inside.txt");
    assert.equal(
      d.fns.path_filestat_set_times(3, 1, 0, p, 0n, 7_000_000_000n, 4),
      Errno.SUCCESS,
    );
    assert.equal(
      Deno.statSync(`${sb.sandbox}/inside.txt`).mtime?.getTime(),
      7000,
    );
    assert.equal(
      d.fns.path_filestat_set_times(3, 1, 0, p, 0n, 0n, 4 | 8),
      Errno.INVAL,
    );
    // Without SYMLINK_FOLLOW a symlink gets its own times, the target keeps its.
    const l = d.put(0, "ok2");
    assert.equal(
      d.fns.path_filestat_set_times(3, 0, 0, l, 0n, 9_000_000_123n, 4),
      Errno.SUCCESS,
    );
    assert.equal(Deno.lstatSync(`${sb.sandbox}/ok2`).mtime?.getTime(), 9000);
    assert.equal(
      Deno.statSync(`${sb.sandbox}/inside.txt`).mtime?.getTime(),
      7000,
    );
    assert.equal(d.fns.path_filestat_get(3, 0, 0, l, 800), Errno.SUCCESS);
    assert.equal(d.view.getBigUint64(848, true), 9_000_000_123n);
    const r = d.put(0, "ro.txt");
    assert.equal(
      d.fns.path_filestat_set_times(4, 1, 0, r, 0n, 0n, 8),
      Errno.ROFS,
    );
  });
});

Deno.test("invalid UTF-8 in a path is ILSEQ", () => {
  world((d) => {
    d.mem.set([0x61, 0xff, 0x62], 0);
    assert.equal(d.fns.path_open(3, 0, 0, 3, 0, READ, 0n, 0, 100), Errno.ILSEQ);
  });
});

Deno.test("a directory fd swapped for an escaping symlink cannot be used", () => {
  world((d, sb) => {
    const ALL = (1n << 30n) - 1n;
    const mk = (p: string) => {
      const n = d.put(0, p);
      assert.equal(d.fns.path_create_directory(3, 0, n), Errno.SUCCESS);
    };
    mk("c");
    mk("a");
    mk("a/b");
    const dirfd = open(d, 3, "c", 2, ALL & ~WRITE, 0);
    assert.ok(dirfd > 0);
    // a/b/up -> ../.. stays inside where it is created...
    let t = d.put(0, "../..");
    let n = d.put(100, "a/b/up");
    assert.equal(d.fns.path_symlink(0, t, 3, 100, n), Errno.SUCCESS);
    // ...then the real c is moved away and the link takes its place.
    t = d.put(0, "c");
    n = d.put(100, "c_old");
    assert.equal(d.fns.path_rename(3, 0, t, 3, 100, n), Errno.SUCCESS);
    t = d.put(0, "a/b/up");
    n = d.put(100, "c");
    assert.equal(d.fns.path_rename(3, 0, t, 3, 100, n), Errno.SUCCESS);
    // The stale fd now names <root>/sandbox/c -> ../.. (outside): refused.
    assert.equal(open(d, dirfd, "pwned", 1, READ | WRITE), -Errno.NOTCAPABLE);
    assert.equal(open(d, dirfd, "secret.txt", 0, READ), -Errno.NOTCAPABLE);
    const m = d.put(0, "newdir");
    assert.equal(d.fns.path_create_directory(dirfd, 0, m), Errno.NOTCAPABLE);
    assert.equal(d.fns.fd_readdir(dirfd, 0, 4096, 0n, 8000), Errno.NOTCAPABLE);
    assert.equal(d.fns.fd_filestat_get(dirfd, 0), Errno.NOTCAPABLE);
    assert.equal(
      d.fns.fd_filestat_set_times(dirfd, 0n, 0n, 8),
      Errno.NOTCAPABLE,
    );
    // Through the preopen, the link is followed by hand and refused as well.
    assert.equal(open(d, 3, "c/secret.txt"), -Errno.NOTCAPABLE);
    assert.equal(open(d, 3, "c/pwned", 1, READ | WRITE), -Errno.NOTCAPABLE);
    assert.deepEqual(
      [...Deno.readDirSync(sb.root)].map((e) => e.name).sort(),
      ["ro", "sandbox", "secret.txt"],
    );
    d.wasi.close();
  });
});

Deno.test("path_open oflags: trunc, directory, excl; fdflags append and sync", () => {
  world((d, sb) => {
    const ALL = (1n << 30n) - 1n;
    // O_TRUNC empties an existing file.
    const t = open(d, 3, "inside.txt", 8, READ | WRITE);
    assert.ok(t > 0);
    assert.equal(Deno.statSync(`${sb.sandbox}/inside.txt`).size, 0);
    // O_DIRECTORY on a directory gives a directory fd; on a file ENOTDIR.
    const dir = open(d, 3, "sub", 2, ALL & ~WRITE);
    assert.equal(d.fns.fd_fdstat_get(dir, 0), Errno.SUCCESS);
    assert.equal(d.view.getUint8(0), 3);
    assert.equal(open(d, 3, "inside.txt", 2, READ), -Errno.NOTDIR);
    // O_CREAT|O_EXCL: new file once, EEXIST after.
    assert.ok(open(d, 3, "fresh", 1 | 4, READ | WRITE) > 0);
    assert.equal(open(d, 3, "fresh", 1 | 4, READ | WRITE), -Errno.EXIST);
    // fdflags APPEND (+ SYNC) from path_open: writes land at the end.
    Deno.writeTextFileSync(`${sb.sandbox}/log`, "one\n");
    const len = d.put(1000, "log");
    assert.equal(
      d.fns.path_open(3, 0, 1000, len, 0, READ | WRITE, 0n, 1 | 16, 1100),
      Errno.SUCCESS,
    );
    const fd = d.view.getUint32(1100, true);
    d.put(2000, "two\n");
    d.view.setUint32(0, 2000, true);
    d.view.setUint32(4, 4, true);
    assert.equal(d.fns.fd_write(fd, 0, 1, 100), Errno.SUCCESS);
    assert.equal(Deno.readTextFileSync(`${sb.sandbox}/log`), "one\ntwo\n");
    assert.equal(d.fns.fd_fdstat_get(fd, 0), Errno.SUCCESS);
    assert.equal(d.view.getUint16(2, true), 1 | 16);
    d.wasi.close();
  });
});
