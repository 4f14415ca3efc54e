/**
 * Property test of the confined resolver: random paths over a random tree
 * of directories, files and symlinks (relative, absolute, escaping, loops).
 * Whenever resolution succeeds, the result must lie inside the base and name
 * the same object the host kernel resolves the path to. Deterministic seed.
 */
import assert from "node:assert/strict";
import { resolvePath } from "../../../src/wasi/fs/resolve.ts";
import { isWithin, resolvePreopen } from "../../../src/wasi/fs/preopen.ts";
import type { FdEntry } from "../../../src/wasi/context.ts";
import { Errno, WasiError } from "../../../src/wasi/errno.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function realOrNull(p: string): string | null {
  try {
    return Deno.realPathSync(p);
  } catch {
    return null;
  }
}

Deno.test("resolvePath never leaves the base and agrees with the kernel", () => {
  const rand = rng(20261125);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const outside = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    const root = `${outside}/root`;
    Deno.mkdirSync(`${root}/a/b/c`, { recursive: true });
    Deno.mkdirSync(`${root}/d`);
    Deno.writeTextFileSync(`${outside}/secret`, "s");
    for (const f of ["f", "a/g", "a/b/h", "d/i"]) {
      Deno.writeTextFileSync(`${root}/${f}`, f);
    }
    const dirs = ["", "a/", "a/b/", "a/b/c/", "d/"];
    const names = ["a", "b", "c", "d", "f", "g", "h", "i", "..", ".", "secret"];
    // Fixed hostile links, plus random ones below.
    Deno.symlinkSync("..", `${root}/up`);
    Deno.symlinkSync("../..", `${root}/a/up2`);
    Deno.symlinkSync("../../../root/a", `${root}/a/b/sib`);
    Deno.symlinkSync(outside, `${root}/abs`);
    const links: string[] = ["up", "up2", "sib", "abs", "root"];
    for (let i = 0; i < 30; i++) {
      const where = pick(dirs);
      const name = `l${i}`;
      const kind = rand();
      let target: string;
      if (kind < 0.1) target = `${outside}/secret`;
      else if (kind < 0.15) target = root;
      else {
        const n = 1 + Math.floor(rand() * 4);
        target = Array.from(
          { length: n },
          () => pick([...names, "l1", "l2", "l3"]),
        )
          .join("/");
      }
      Deno.symlinkSync(target, `${root}/${where}${name}`);
      links.push(name);
    }
    const pre = resolvePreopen({ guestPath: "/", hostPath: root });
    const dir: FdEntry = {
      kind: "dir",
      filetype: 3,
      rightsBase: 0n,
      rightsInheriting: 0n,
      fdflags: 0,
      hostPath: pre.realPath,
      preopen: pre,
      isPreopen: true,
    };
    const counts = { ok: 0, refused: 0, other: 0 };
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(rand() * 5);
      const path = Array.from({ length: n }, () => pick([...names, ...links]))
        .join("/");
      const follow = rand() < 0.7;
      let r;
      try {
        r = resolvePath(dir, path, follow);
      } catch (e) {
        // Host errors are fine too: the import wrapper maps them to errno.
        if (e instanceof WasiError && e.errno === Errno.NOTCAPABLE) {
          counts.refused++;
        } else counts.other++;
        continue;
      }
      counts.ok++;
      assert.ok(isWithin(root, r.hostPath), `${path} -> ${r.hostPath}`);
      if (r.info && !r.info.isSymlink) {
        // Same object as the kernel's own resolution of the path.
        const mine = Deno.realPathSync(r.hostPath);
        assert.ok(isWithin(root, mine), `${path} -> ${mine}`);
        if (follow) assert.equal(realOrNull(`${root}/${path}`), mine, path);
      }
    }
    // The tree is hostile enough to exercise every outcome.
    assert.ok(
      counts.ok > 50 && counts.refused > 50 && counts.other > 50,
      JSON.stringify(counts),
    );
  } finally {
    Deno.removeSync(outside, { recursive: true });
  }
});
