/**
 * Hostile agents, item 4: a call stopped by its timeout leaves no CPU
 * behind. Each guest never ends by itself; in a subprocess it runs under a
 * 300 ms timeout, and one second after the timeout the whole process (every
 * thread) must use almost no CPU for a second.
 */
import { ok } from "node:assert/strict";

const MAIN = new URL("./cpu_main.ts", import.meta.url).pathname;

async function idleAfterTimeout(name: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-worker-options", MAIN, name],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  ok(out.success, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(text.trim().split("\n").pop()!);
  ok(/timeout/.test(r.trap), text);
  ok(r.cpuMs <= 100, `${name}: ${r.cpuMs} ms of CPU in the second after`);
}

for (const name of ["spin", "random", "iovecs", "sleep", "paths"]) {
  Deno.test(`cpu: a ${name} guest stopped by its timeout uses no CPU afterwards`, async () => {
    await idleAfterTimeout(name);
  });
}
