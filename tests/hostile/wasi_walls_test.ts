/**
 * Issue #8, item 6 — each wall alone, the WASI half: the WASI layer runs here
 * in the test process (which has `-A`: no Deno wall at all) against a
 * read-only preopen `/ro` (fd 3) next to a writable one `/rw` (fd 4). One
 * test per function that can change the filesystem: it must be refused by
 * the WASI layer itself (the errno is checked) and the read-only tree must
 * be byte-for-byte, time-for-time and link-count-for-link-count unchanged.
 * The other half (Deno's permissions without the WASI checks) is
 * `deno_wall_test.ts`.
 */
import assert from "node:assert/strict";
import { Errno } from "../../src/wasi/mod.ts";
import { direct } from "../wasi/_helpers.ts";

type D = ReturnType<typeof direct>;

const ALL_RIGHTS = (1n << 30n) - 1n;
const R = {
  READ: 1n << 1n,
  SEEK: 1n << 2n,
  WRITE: 1n << 6n,
  ALLOCATE: 1n << 8n,
  SET_SIZE: 1n << 22n,
  SET_TIMES: 1n << 23n,
};
const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const APPEND = 1;
const RO = 3, RW = 4;

/** Everything observable about a tree: names, kinds, sizes, contents, times, links. */
function snapshot(root: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    for (const name of names) {
      const p = `${dir}/${name}`;
      const i = Deno.lstatSync(p);
      const content = i.isFile
        ? Deno.readTextFileSync(p)
        : i.isSymlink
        ? Deno.readLinkSync(p)
        : "";
      out.push(
        [p.slice(root.length), i.isDirectory, i.size, i.nlink, i.ino, i.mode]
          .join(" ") +
          ` m=${i.mtime?.getTime()} ${JSON.stringify(content)}`,
      );
      if (i.isDirectory) walk(p);
    }
  };
  const top = Deno.statSync(root);
  out.push(`. m=${top.mtime?.getTime()} n=${top.nlink}`);
  walk(root);
  return out.join("\n");
}

/**
 * Runs `fn` against a fresh tree: `ro/` holds `f` ("original"), an empty
 * directory `empty/` and `sub/g`; `rw/` holds `w`. Checks the read-only tree
 * afterwards.
 */
function attack(fn: (d: D, rw: string) => void): void {
  const root = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "porta-walls-" }),
  );
  const ro = `${root}/ro`, rw = `${root}/rw`;
  try {
    Deno.mkdirSync(`${ro}/empty`, { recursive: true });
    Deno.mkdirSync(`${ro}/sub`);
    Deno.mkdirSync(rw);
    Deno.writeTextFileSync(`${ro}/f`, "original");
    Deno.writeTextFileSync(`${ro}/sub/g`, "original g");
    Deno.writeTextFileSync(`${rw}/w`, "writable");
    // times in the past, so that "now" is visibly different
    Deno.utimeSync(`${ro}/f`, 1_000_000, 1_000_000);
    Deno.utimeSync(`${ro}/empty`, 1_000_000, 1_000_000);
    const before = snapshot(ro);
    const d = direct({
      preopens: [
        { guestPath: "/ro", hostPath: ro, writable: false },
        { guestPath: "/rw", hostPath: rw, writable: true },
      ],
    });
    try {
      fn(d, rw);
    } finally {
      d.wasi.close();
    }
    assert.equal(snapshot(ro), before, "the read-only tree changed");
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
}

/** Puts `s` at `ptr`, returns [ptr, len]. */
function str(d: D, ptr: number, s: string): [number, number] {
  return [ptr, d.put(ptr, s)];
}

/** path_open; returns the fd or -errno. */
function open(
  d: D,
  dirfd: number,
  path: string,
  oflags = 0,
  rights = R.READ,
  fdflags = 0,
): number {
  const [p, l] = str(d, 1000, path);
  const r = d.fns.path_open(dirfd, 0, p, l, oflags, rights, 0n, fdflags, 1100);
  return r === Errno.SUCCESS ? d.view.getUint32(1100, true) : -r;
}

/** Opens /ro/f with every right requested (read-only is all it gets). */
function openRoFile(d: D): number {
  const fd = open(d, RO, "f", 0, ALL_RIGHTS & ~R.WRITE);
  assert.ok(fd > 0, `open /ro/f read-only: ${-fd}`);
  return fd;
}

/** One iovec at 0 pointing at "EVIL" (written at 200). */
function evilIovec(d: D): void {
  d.put(200, "EVIL");
  d.view.setUint32(0, 200, true);
  d.view.setUint32(4, 4, true);
}

Deno.test("wasi wall: path_create_directory", () => {
  attack((d) => {
    const [p, l] = str(d, 100, "newdir");
    assert.equal(d.fns.path_create_directory(RO, p, l), Errno.ROFS);
    // through a directory descriptor opened below the read-only preopen
    const sub = open(d, RO, "sub", O.DIRECTORY, ALL_RIGHTS & ~R.WRITE);
    assert.ok(sub > 0);
    assert.equal(d.fns.path_create_directory(sub, p, l), Errno.ROFS);
  });
});

Deno.test("wasi wall: path_filestat_set_times", () => {
  attack((d) => {
    const [p, l] = str(d, 100, "f");
    const SET_NOW = 2 | 8; // ATIM_NOW | MTIM_NOW
    for (const follow of [0, 1]) {
      assert.equal(
        d.fns.path_filestat_set_times(RO, follow, p, l, 0n, 0n, SET_NOW),
        Errno.ROFS,
      );
    }
  });
});

Deno.test("wasi wall: path_link (read-only source into a writable preopen, and back)", () => {
  attack((d, rw) => {
    // the attack of issue #8: link /ro/f into /rw, then write it there
    const [sp, sl] = str(d, 100, "f");
    const [dp, dl] = str(d, 300, "stolen");
    for (const flags of [0, 1]) {
      assert.equal(
        d.fns.path_link(RO, flags, sp, sl, RW, dp, dl),
        Errno.ROFS,
      );
    }
    assert.throws(() => Deno.lstatSync(`${rw}/stolen`), Deno.errors.NotFound);
    // writable source into the read-only preopen
    const [wp, wl] = str(d, 500, "w");
    assert.equal(d.fns.path_link(RW, 0, wp, wl, RO, dp, dl), Errno.ROFS);
  });
});

Deno.test("wasi wall: path_open with O_CREAT, O_TRUNC, FD_WRITE or APPEND", () => {
  attack((d) => {
    assert.equal(open(d, RO, "new", O.CREAT, R.WRITE), -Errno.ROFS);
    assert.equal(open(d, RO, "new", O.CREAT | O.EXCL, R.READ), -Errno.ROFS);
    assert.equal(open(d, RO, "f", O.CREAT, R.READ), -Errno.ROFS);
    assert.equal(open(d, RO, "f", O.TRUNC, R.READ), -Errno.ROFS);
    assert.equal(open(d, RO, "f", 0, R.WRITE), -Errno.ROFS);
    assert.equal(open(d, RO, "f", 0, R.READ, APPEND), -Errno.ROFS);
    assert.equal(open(d, RO, "sub/g", 0, R.READ | R.WRITE), -Errno.ROFS);
    // read-only opens work but carry no right that writes
    const fd = openRoFile(d);
    assert.equal(d.fns.fd_fdstat_get(fd, 600), Errno.SUCCESS);
    const rights = d.view.getBigUint64(608, true);
    assert.equal(rights & (R.WRITE | R.ALLOCATE | R.SET_SIZE), 0n);
  });
});

Deno.test("wasi wall: path_remove_directory", () => {
  attack((d) => {
    const [p, l] = str(d, 100, "empty");
    assert.equal(d.fns.path_remove_directory(RO, p, l), Errno.ROFS);
  });
});

Deno.test("wasi wall: path_rename (within, out of and into the read-only preopen)", () => {
  attack((d) => {
    const [fp, fl] = str(d, 100, "f");
    const [gp, gl] = str(d, 300, "moved");
    const [wp, wl] = str(d, 500, "w");
    const [sp, sl] = str(d, 700, "sub/g");
    assert.equal(d.fns.path_rename(RO, fp, fl, RO, gp, gl), Errno.ROFS);
    assert.equal(d.fns.path_rename(RO, fp, fl, RW, gp, gl), Errno.ROFS);
    assert.equal(d.fns.path_rename(RW, wp, wl, RO, fp, fl), Errno.ROFS);
    assert.equal(d.fns.path_rename(RW, wp, wl, RO, sp, sl), Errno.ROFS);
  });
});

Deno.test("wasi wall: path_symlink", () => {
  attack((d) => {
    const [tp, tl] = str(d, 100, "f");
    const [lp, ll] = str(d, 300, "alias");
    assert.equal(d.fns.path_symlink(tp, tl, RO, lp, ll), Errno.ROFS);
  });
});

Deno.test("wasi wall: path_unlink_file", () => {
  attack((d) => {
    for (const name of ["f", "sub/g"]) {
      const [p, l] = str(d, 100, name);
      assert.equal(d.fns.path_unlink_file(RO, p, l), Errno.ROFS);
    }
  });
});

Deno.test("wasi wall: fd_write to a file of the read-only preopen", () => {
  attack((d) => {
    const fd = openRoFile(d);
    evilIovec(d);
    assert.equal(d.fns.fd_write(fd, 0, 1, 50), Errno.NOTCAPABLE);
    // rights cannot be widened afterwards
    assert.equal(
      d.fns.fd_fdstat_set_rights(fd, ALL_RIGHTS, 0n),
      Errno.NOTCAPABLE,
    );
    assert.equal(d.fns.fd_fdstat_set_flags(fd, APPEND), Errno.ROFS);
    assert.equal(d.fns.fd_write(fd, 0, 1, 50), Errno.NOTCAPABLE);
  });
});

Deno.test("wasi wall: fd_pwrite", () => {
  attack((d) => {
    const fd = openRoFile(d);
    evilIovec(d);
    assert.equal(d.fns.fd_pwrite(fd, 0, 1, 0n, 50), Errno.NOTCAPABLE);
  });
});

Deno.test("wasi wall: fd_allocate", () => {
  attack((d) => {
    const fd = openRoFile(d);
    assert.equal(d.fns.fd_allocate(fd, 0n, 4096n), Errno.NOTCAPABLE);
  });
});

Deno.test("wasi wall: fd_filestat_set_size", () => {
  attack((d) => {
    const fd = openRoFile(d);
    assert.equal(d.fns.fd_filestat_set_size(fd, 0n), Errno.NOTCAPABLE);
    assert.equal(d.fns.fd_filestat_set_size(fd, 4096n), Errno.NOTCAPABLE);
  });
});

Deno.test("wasi wall: fd_filestat_set_times (file and directory descriptors)", () => {
  attack((d) => {
    const SET_NOW = 2 | 8;
    // Deno's wall does NOT stop this one (futimens on a descriptor opened
    // for reading needs no write permission): the WASI check is the wall.
    const fd = openRoFile(d);
    assert.equal(
      d.fns.fd_filestat_set_times(fd, 0n, 0n, SET_NOW),
      Errno.ROFS,
    );
    assert.equal(
      d.fns.fd_filestat_set_times(RO, 0n, 0n, SET_NOW),
      Errno.ROFS,
    );
    const dir = open(d, RO, "empty", O.DIRECTORY, ALL_RIGHTS & ~R.WRITE);
    assert.ok(dir > 0);
    assert.equal(
      d.fns.fd_filestat_set_times(dir, 0n, 0n, SET_NOW),
      Errno.ROFS,
    );
  });
});
