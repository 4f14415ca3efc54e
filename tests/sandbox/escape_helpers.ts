/**
 * Helpers for the escape.c fixture tests: run testdata/sandbox/escape.wasm in
 * a wall over a fresh temporary preopen and report what changed.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { GuestWall } from "../../src/sandbox/wall.ts";
import { type Capability, PROFILES } from "../../src/sandbox/capabilities.ts";

/** The built fixture. */
export const WASM: URL = new URL(
  "../../testdata/sandbox/escape.wasm",
  import.meta.url,
);

/** Runs escape.wasm against a fresh preopen; returns its output lines. */
export async function runEscape(
  workerUrl: URL | undefined,
  writable: boolean,
  env: Record<string, string> = {},
  grants: readonly Capability[] = PROFILES.full,
): Promise<{ lines: string[]; outsideEntries: string[]; inside: string[] }> {
  const root = await Deno.makeTempDir({ prefix: "porta-escape-" });
  try {
    const inside = `${root}/inside`;
    await Deno.mkdir(`${inside}/sub`, { recursive: true });
    await Deno.writeTextFile(`${inside}/inside.txt`, "keep");
    await Deno.writeTextFile(`${root}/secret.txt`, "secret");
    await Deno.symlink(root, `${inside}/link`);
    const wall = await GuestWall.create(await Deno.readFile(WASM), {
      grants: new Set(grants),
      preopens: [{ guestPath: "/data", hostPath: inside, writable }],
      workerUrl,
    });
    let out = "";
    try {
      const r = await wall.run({ args: ["escape"], env }, {
        onStdout: (b) => out += new TextDecoder().decode(b),
      });
      assertEquals([r.exitCode, r.trap], [0, undefined]);
    } finally {
      wall.terminate();
    }
    const names = (dir: string) =>
      [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    return {
      lines: out.trimEnd().split("\n"),
      outsideEntries: names(root),
      inside: names(inside),
    };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Expected output with a read-only preopen and an empty environment. */
export const READ_ONLY_EXPECTED: string[] = [
  "read inside: ok",
  "read dotdot: denied",
  "read absolute: denied",
  "read symlink out: denied",
  "read deep dotdot: denied",
  "create: denied",
  "truncate: denied",
  "unlink: denied",
  "mkdir: denied",
  "symlink: denied",
  "rename out: denied",
  "list parent: denied",
  "env HOME: denied",
];
