/**
 * Issue #8, item 6 — each wall alone, the Deno half: inside a guest worker
 * started by the real `GuestWall` (grants `io fs fs.write`, so the worker's
 * Deno permissions are derived exactly as in production) a probe calls the
 * Deno APIs that each WASI function uses to change files, directly, with no
 * WASI check in front. Everything aimed at the read-only preopen must be
 * refused by Deno itself (`NotCapable`, or the kernel for a descriptor opened
 * only for reading) and leave the tree unchanged. The WASI half is
 * `wasi_walls_test.ts`.
 */
import assert from "node:assert/strict";
import { GuestWall } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import { HELLO } from "../sandbox/guests.ts";

const WORKER = new URL("./deno_wall_worker.ts", import.meta.url);

/** Names, kinds, sizes, contents, times and link counts of a tree. */
function snapshot(root: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    for (const name of names) {
      const p = `${dir}/${name}`;
      const i = Deno.lstatSync(p);
      const content = i.isFile ? Deno.readTextFileSync(p) : "";
      out.push(
        `${p.slice(root.length)} ${i.isDirectory} ${i.size} ${i.nlink} ` +
          `m=${i.mtime?.getTime()} ${JSON.stringify(content)}`,
      );
      if (i.isDirectory) walk(p);
    }
  };
  out.push(`. m=${Deno.statSync(root).mtime?.getTime()}`);
  walk(root);
  return out.join("\n");
}

Deno.test("deno wall alone: every file-changing API is refused on a read-only preopen", async (t) => {
  const root = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "porta-denowall-" }),
  );
  const ro = `${root}/ro`, rw = `${root}/rw`;
  Deno.mkdirSync(`${ro}/empty`, { recursive: true });
  Deno.mkdirSync(rw);
  Deno.writeTextFileSync(`${ro}/f`, "original");
  Deno.writeTextFileSync(`${rw}/w`, "writable");
  Deno.utimeSync(`${ro}/f`, 1_000_000, 1_000_000);
  const wall = await GuestWall.create(await HELLO, {
    grants: new Set<Capability>(["io", "fs", "fs.write"]),
    preopens: [
      { guestPath: "/ro", hostPath: ro, writable: false },
      { guestPath: "/rw", hostPath: rw, writable: true },
    ],
    workerUrl: WORKER,
  });
  const probe = async (...specs: string[]): Promise<string[]> => {
    let out = "";
    const dec = new TextDecoder();
    const r = await wall.run({ args: ["__probe__", ...specs], env: {} }, {
      onStdout: (b) => {
        out += dec.decode(b);
      },
    });
    assert.equal(r.exitCode, 0, r.trap);
    return out.split("\n").slice(0, specs.length).map((l) =>
      l.slice(l.lastIndexOf(" -> ") + 4)
    );
  };
  /** Each spec is refused with `expected`, and the read-only tree is unchanged. */
  const refused = async (expected: string | RegExp, ...specs: string[]) => {
    const before = snapshot(ro);
    const outcomes = await probe(...specs);
    specs.forEach((s, i) => {
      if (typeof expected === "string") {
        assert.equal(outcomes[i], expected, s);
      } else assert.match(outcomes[i], expected, s);
    });
    assert.equal(snapshot(ro), before, "the read-only tree changed");
  };
  const DENIED = "NotCapable";
  try {
    await t.step(
      "control: reading is granted, writing the rw preopen too",
      async () => {
        assert.deepEqual(await probe(`read:${ro}/f`, `create:${rw}/new`), [
          "allowed",
          "allowed",
        ]);
        Deno.removeSync(`${rw}/new`);
      },
    );
    await t.step(
      "path_create_directory (Deno.mkdirSync)",
      () => refused(DENIED, `mkdir:${ro}/newdir`, `mkdir:${ro}/empty/x`),
    );
    await t.step(
      "path_filestat_set_times (Deno.utimeSync, lutimes)",
      () => refused(DENIED, `utime:${ro}/f`, `lutime:${ro}/f`),
    );
    await t.step(
      "path_link (Deno.linkSync)",
      () =>
        refused(DENIED, `link:${ro}/f=>${rw}/stolen`, `link:${rw}/w=>${ro}/in`),
    );
    await t.step(
      "path_open O_CREAT / O_TRUNC / FD_WRITE / APPEND (Deno.openSync)",
      () =>
        refused(
          DENIED,
          `create:${ro}/new`,
          `trunc:${ro}/f`,
          `write:${ro}/f`,
          `append:${ro}/f`,
        ),
    );
    await t.step(
      "path_remove_directory (Deno.removeSync)",
      () => refused(DENIED, `rmdir:${ro}/empty`),
    );
    await t.step("path_rename (Deno.renameSync)", () =>
      refused(
        DENIED,
        `rename:${ro}/f=>${ro}/g`,
        `rename:${ro}/f=>${rw}/g`,
        `rename:${rw}/w=>${ro}/f`,
      ));
    await t.step(
      "path_symlink (Deno.symlinkSync)",
      () => refused(DENIED, `symlink:f=>${ro}/alias`, `symlink:f=>${rw}/alias`),
    );
    await t.step(
      "path_unlink_file (Deno.removeSync)",
      () => refused(DENIED, `unlink:${ro}/f`),
    );
    await t.step(
      "fd_filestat_set_size / fd_allocate by path (Deno.truncateSync)",
      () => refused(DENIED, `truncate:${ro}/f`),
    );
    await t.step(
      "fd_write / fd_pwrite / fd_filestat_set_size on a read-only descriptor (the kernel)",
      () =>
        // opening for reading is granted; the kernel refuses to write through it
        refused(/^(?!allowed$)/, `fwrite:${ro}/f`, `ftruncate:${ro}/f`),
    );
    await t.step(
      "fd_filestat_set_times on a read-only descriptor (FsFile.utimeSync)",
      // Deno checks write permission even for futimens() on an open file
      () => refused(DENIED, `futime:${ro}/f`),
    );
  } finally {
    wall.terminate();
    Deno.removeSync(root, { recursive: true });
  }
});
