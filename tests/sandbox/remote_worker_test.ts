/**
 * Porta run from a registry (`deno run jsr:@porta/cli`) loads the guest
 * worker from an https: URL. remote_main.ts serves the checkout over a local
 * http: server and starts the production worker from there: its module graph
 * must load under the narrowed permissions (read: false, import: false).
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { HELLO } from "./guests.ts";

Deno.test("wall: the production worker loads from a remote (http:) URL", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "porta-remote-" });
  try {
    await Deno.writeFile(`${tmp}/hello.wasm`, await HELLO);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-lock",
        "--no-config",
        "--unstable-worker-options",
        new URL("./remote_main.ts", import.meta.url).pathname,
        `${tmp}/hello.wasm`,
      ],
      env: { DENO_DIR: `${tmp}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    assertEquals(new TextDecoder().decode(out.stdout), "hello\n");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
