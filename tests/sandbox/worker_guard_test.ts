import { deepStrictEqual as assertEquals } from "node:assert/strict";

Deno.test("worker guard: an uncaught error inside the guest worker is one line, never Deno's stack trace", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      new URL("./fatal_main.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(stdout.trim().split("\n"), [
    "init: guest worker failed: boom in the worker",
    "job: guest worker failed: boom in the worker",
  ]);
  assertEquals(stderr.includes("Uncaught"), false, stderr);
  assertEquals(stderr.includes("at somewhere"), false, stderr);
  assertEquals(out.code, 0, stderr);
});
