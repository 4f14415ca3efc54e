import assert from "node:assert/strict";
import { resolvePath } from "../../../src/wasi/fs/resolve.ts";
import { resolvePreopen } from "../../../src/wasi/fs/preopen.ts";
import type { FdEntry } from "../../../src/wasi/context.ts";
import { Errno, WasiError } from "../../../src/wasi/errno.ts";

function setup(fn: (dir: FdEntry, host: string, outside: string) => void) {
  const outside = Deno.realPathSync(Deno.makeTempDirSync());
  const host = `${outside}/root`;
  Deno.mkdirSync(`${host}/a/b`, { recursive: true });
  Deno.writeTextFileSync(`${host}/a/b/f`, "x");
  Deno.writeTextFileSync(`${outside}/secret`, "s");
  const root = resolvePreopen({
    guestPath: "/",
    hostPath: host,
    writable: true,
  });
  const dir: FdEntry = {
    kind: "dir",
    filetype: 3,
    rightsBase: 0n,
    rightsInheriting: 0n,
    fdflags: 0,
    hostPath: root.realPath,
    preopen: root,
    isPreopen: true,
  };
  try {
    fn(dir, host, outside);
  } finally {
    Deno.removeSync(outside, { recursive: true });
  }
}

function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
  return 0;
}

Deno.test("resolvePath: plain, dot and dotdot paths stay inside", () => {
  setup((dir, host) => {
    assert.equal(resolvePath(dir, "a/b/f", true).hostPath, `${host}/a/b/f`);
    assert.equal(
      resolvePath(dir, "a/./b/../b/f", true).hostPath,
      `${host}/a/b/f`,
    );
    assert.equal(resolvePath(dir, ".", true).depth, 0);
    const missing = resolvePath(dir, "a/new", false);
    assert.equal(missing.info, undefined);
    assert.equal(missing.hostPath, `${host}/a/new`);
    assert.equal(errnoOf(() => resolvePath(dir, "..", true)), Errno.NOTCAPABLE);
    assert.equal(
      errnoOf(() => resolvePath(dir, "a/../..", true)),
      Errno.NOTCAPABLE,
    );
    assert.equal(errnoOf(() => resolvePath(dir, "/a", true)), Errno.NOTCAPABLE);
    assert.equal(errnoOf(() => resolvePath(dir, "x/y", true)), Errno.NOENT);
    assert.equal(
      errnoOf(() => resolvePath(dir, "a/b/f/g", true)),
      Errno.NOTDIR,
    );
  });
});

Deno.test("resolvePath: symlinks are expanded by hand and confined", () => {
  setup((dir, host, outside) => {
    Deno.symlinkSync("b", `${host}/a/lb`);
    Deno.symlinkSync("../../secret", `${host}/a/out`);
    Deno.symlinkSync(`${outside}/secret`, `${host}/abs`);
    Deno.symlinkSync("../a/lb/../../..", `${host}/a/deep`);
    Deno.symlinkSync("self", `${host}/self`);
    assert.equal(resolvePath(dir, "a/lb/f", true).hostPath, `${host}/a/b/f`);
    assert.equal(
      errnoOf(() => resolvePath(dir, "a/out", true)),
      Errno.NOTCAPABLE,
    );
    // Not following the final symlink names the link itself.
    assert.ok(resolvePath(dir, "a/out", false).info?.isSymlink);
    assert.equal(
      errnoOf(() => resolvePath(dir, "abs", true)),
      Errno.NOTCAPABLE,
    );
    assert.equal(
      errnoOf(() => resolvePath(dir, "a/deep/x", true)),
      Errno.NOTCAPABLE,
    );
    assert.equal(errnoOf(() => resolvePath(dir, "self", true)), Errno.LOOP);
    // A trailing slash follows the final symlink.
    assert.equal(
      errnoOf(() => resolvePath(dir, "a/out/", false)),
      Errno.NOTCAPABLE,
    );
  });
});

Deno.test("resolvePreopen: missing or non-directory host paths fail with one line", () => {
  assert.throws(
    () => resolvePreopen({ guestPath: "/", hostPath: "/definitely/not/here" }),
    /^Error: preopen directory not found: \/definitely\/not\/here$/,
  );
  const f = Deno.makeTempFileSync();
  try {
    assert.throws(
      () => resolvePreopen({ guestPath: "/", hostPath: f }),
      /preopen is not a directory/,
    );
  } finally {
    Deno.removeSync(f);
  }
});
