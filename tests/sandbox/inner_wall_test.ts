/**
 * The inner wall alone: with a BROAD Deno permission set (this test process
 * runs with -A) and every capability granted, WASI escape attempts are still
 * refused by the WASI layer + policy guard, and nothing outside the preopen
 * (or inside a read-only preopen) changes.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Wasi } from "../../src/wasi/mod.ts";
import { guardImports } from "../../src/sandbox/policy.ts";
import { PROFILES } from "../../src/sandbox/capabilities.ts";
import { ESCAPE } from "./guests.ts";

Deno.test("inner wall: WASI escapes fail even with -A and the full profile", async () => {
  const root = await Deno.makeTempDir({ prefix: "porta-inner-" });
  try {
    const inside = `${root}/inside`;
    await Deno.mkdir(`${inside}/sub`, { recursive: true });
    await Deno.writeTextFile(`${root}/secret.txt`, "secret");
    await Deno.writeTextFile(`${inside}/inside.txt`, "keep");
    await Deno.symlink(root, `${inside}/link`);
    const chunks: string[] = [];
    const wasi = new Wasi({
      args: ["escape"],
      preopens: [{ guestPath: "/data", hostPath: inside, writable: false }],
      stdout: (b) => chunks.push(new TextDecoder().decode(b)),
    });
    const imports = {
      wasi_snapshot_preview1: guardImports(
        wasi.imports.wasi_snapshot_preview1,
        new Set(PROFILES.full),
      ),
    };
    const module = new WebAssembly.Module(await ESCAPE as BufferSource);
    const instance = new WebAssembly.Instance(module, imports);
    assertEquals(wasi.start(instance), 0);
    const errnos = chunks.join("").trim().split("\n").map(Number);
    assertEquals(errnos.length, 7);
    assertEquals(errnos.shift(), 0, "control open inside the preopen");
    // escapes: ENOTCAPABLE (76) or EPERM (63); writes: also EROFS (69)
    for (const e of errnos.slice(0, 4)) ok([76, 63].includes(e), `${e}`);
    for (const e of errnos.slice(4)) ok([76, 69, 63].includes(e), `${e}`);
    // ../secret.txt, /etc/passwd, link/secret.txt, sub/../../secret.txt,
    // O_CREAT new.txt on a read-only preopen, unlink inside.txt read-only
    for (const [i, e] of errnos.entries()) ok(e !== 0, `attempt ${i}: ${e}`);
    assertEquals(await Deno.readTextFile(`${inside}/inside.txt`), "keep");
    let created = true;
    try {
      await Deno.lstat(`${inside}/new.txt`);
    } catch {
      created = false;
    }
    assertEquals(created, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
