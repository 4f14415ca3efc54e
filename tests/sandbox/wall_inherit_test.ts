import { deepStrictEqual as assertEquals } from "node:assert/strict";

Deno.test('wall: stdin "inherit" reads the process stdin inside the worker', async () => {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      new URL("./inherit_main.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  const w = child.stdin.getWriter();
  const big = "line of input\n".repeat(2000);
  await w.write(new TextEncoder().encode(big));
  await w.close();
  const out = await child.output();
  assertEquals(out.code, 2, new TextDecoder().decode(out.stderr));
  assertEquals(new TextDecoder().decode(out.stdout), big);
});
