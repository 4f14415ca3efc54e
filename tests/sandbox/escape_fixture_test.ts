/**
 * A real C guest (testdata/sandbox/escape.c, built by testdata/build.sh)
 * tries to escape its preopen through wasi-libc, inside the wall (Deno
 * permissions narrowed to the preopen) with the reference engine.
 */
import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { GuestWall } from "../../src/sandbox/wall.ts";
import { PROFILES } from "../../src/sandbox/capabilities.ts";
import { READ_ONLY_EXPECTED, runEscape, WASM } from "./escape_helpers.ts";

const REF = new URL("./reference_worker.ts", import.meta.url);

Deno.test("escape.c: read-only preopen, full profile: every escape denied", async () => {
  const r = await runEscape(REF, false);
  assertEquals(r.lines, READ_ONLY_EXPECTED);
  assertEquals(r.outsideEntries, ["inside", "secret.txt"]);
  assertEquals(r.inside, ["inside.txt", "link", "sub"]);
});

Deno.test("escape.c: writable preopen: writes inside only, escapes denied", async () => {
  const r = await runEscape(REF, true, { HOME: "/home/guest" });
  assertEquals(r.lines, [
    "read inside: ok",
    "read dotdot: denied",
    "read absolute: denied",
    "read symlink out: denied",
    "read deep dotdot: denied",
    "create: ok",
    "truncate: ok",
    "unlink: ok",
    "mkdir: ok",
    "symlink: denied",
    "rename out: denied",
    "list parent: denied",
    "env HOME: ok",
  ]);
  assertEquals(r.outsideEntries, ["inside", "secret.txt"]);
  assertEquals(r.inside, ["d", "link", "new.txt", "sub"]);
});

Deno.test("escape.c: without fs nor env it loads and reaches nothing: no file, no variable", async () => {
  // path_open, fd_prestat_get... link but every call is ENOTCAPABLE;
  // environ_* report an empty environment (HOME is in the job's env)
  const r = await runEscape(REF, true, { HOME: "/home/guest" }, [
    ...PROFILES.worker,
  ]);
  assertEquals(r.lines.length, 13);
  for (const line of r.lines) {
    assertEquals(line.endsWith(": denied"), true, line);
  }
  assertEquals(r.outsideEntries, ["inside", "secret.txt"]);
  assertEquals(r.inside, ["inside.txt", "link", "sub"]);
});

Deno.test("escape.c: refused at load without fs with --strict-imports", async () => {
  await rejects(
    GuestWall.create(await Deno.readFile(WASM), {
      grants: new Set(PROFILES.worker),
      preopens: [],
      workerUrl: REF,
      strictImports: true,
    }),
    (e: Error) => {
      const lines = e.message.split("\n");
      assertEquals(
        lines.includes(
          'import wasi_snapshot_preview1.path_open needs capability "fs" (not granted)',
        ),
        true,
      );
      assertEquals(
        lines.includes(
          'import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
        ),
        true,
      );
      return true;
    },
  );
});
