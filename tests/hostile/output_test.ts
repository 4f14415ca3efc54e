/**
 * Hostile agents, item 5: the host stays responsive. A guest flooding stdout
 * or stderr never blocks Porta's event loop (`ping` answered within 100 ms
 * in `serve`); a client that stops reading Porta's stdout makes Porta stop
 * reading requests (memory stays bounded); SIGINT and SIGTERM end `run` and
 * `serve` at once even while an output pipe is full.
 *
 * Before: 200 MiB of newlines on stderr delayed `ping` by 18 s; a client that
 * never read stdout let 400 large requests grow the server past 1.7 GB (5.4
 * GB with larger ones) and SIGTERM did not end it; `porta run` ignored
 * Ctrl-C while its stdout pipe was full.
 */
import { ok, strictEqual } from "node:assert/strict";
import { wat } from "../helpers/wat.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
const W = "wasi_snapshot_preview1";
const enc = new TextEncoder();

/** A reactor whose exports flood stdout or stderr (1 MiB buffer of one byte). */
const FLOOD = wat(`(module
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 17)
  (func $fill (param $c i32)
    (memory.fill (i32.const 65536) (local.get $c) (i32.const 1048576)))
  (func $write (param $fd i32) (param $len i32) (param $n i32)
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (local.get $len))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))
  (func (export "quick") (call $fill (i32.const 120))
    (call $write (i32.const 1) (i32.const 10) (i32.const 1)))
  (func (export "err_nl") (call $fill (i32.const 10))
    (call $write (i32.const 2) (i32.const 1048576) (i32.const 100)))
  (func (export "err_tiny") (call $fill (i32.const 10))
    (call $write (i32.const 2) (i32.const 1) (i32.const 300000)))
  (func (export "out_x") (call $fill (i32.const 120))
    (call $write (i32.const 1) (i32.const 1048576) (i32.const 200)))
  (func (export "out_1m") (call $fill (i32.const 120))
    (call $write (i32.const 1) (i32.const 1048576) (i32.const 1))))`);

async function floodWasm(): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".wasm" });
  await Deno.writeFile(path, await FLOOD);
  return path;
}

function spawnPorta(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      "--no-prompt",
      CLI,
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Peak resident memory of a live process, in MiB (VmHWM); 0 once it has exited (a zombie's
 * status has no memory lines, and its output may still be draining).
 */
function peakMiB(pid: number): number {
  let status = "";
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return 0;
  }
  const m = /VmHWM:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `sig` and returns [exit code, milliseconds until exit]. */
async function stop(
  child: Deno.ChildProcess,
  sig: Deno.Signal,
): Promise<[number, number]> {
  const t0 = performance.now();
  child.kill(sig);
  const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const st = await child.status;
  clearTimeout(killer);
  return [st.code, performance.now() - t0];
}

/** A raw JSON-RPC client over the child's stdio that reads every line. */
function client(child: Deno.ChildProcess) {
  const writer = child.stdin.getWriter();
  const waiting = new Map<unknown, (m: any) => void>();
  let stderr = "";
  (async () => {
    for await (const c of child.stderr) stderr += new TextDecoder().decode(c);
  })();
  (async () => {
    let buf = "";
    const dec = new TextDecoder();
    for await (const chunk of child.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        waiting.get(m.id)?.(m);
        waiting.delete(m.id);
      }
    }
  })();
  let next = 0;
  const request = (method: string, params?: unknown): Promise<any> => {
    const id = next++;
    const p = new Promise((r) => waiting.set(id, r));
    writer.write(enc.encode(
      JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n",
    ));
    return p;
  };
  return {
    request,
    stderr: () => stderr,
    async init() {
      await request("initialize", {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "hostile", version: "0" },
      });
      await writer.write(enc.encode(
        '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
      ));
    },
    close: () => writer.close(),
  };
}

/** Calls `tool` while pinging every 50 ms; returns ping latencies (ms). */
async function pingDuring(
  c: ReturnType<typeof client>,
  tool: string,
): Promise<{ latencies: number[]; result: any }> {
  const latencies: number[] = [];
  let done = false;
  const call = c.request("tools/call", { name: tool, arguments: {} }).then(
    (r) => (done = true, r),
  );
  const pings: Promise<unknown>[] = [];
  while (!done) {
    const t0 = performance.now();
    pings.push(
      c.request("ping").then(() => {
        latencies.push(performance.now() - t0);
      }),
    );
    await sleep(50);
  }
  await Promise.all(pings);
  return { latencies, result: await call };
}

Deno.test("hostile output: ping stays under 100 ms while a guest floods stderr and stdout in serve", async () => {
  const wasm = await floodWasm();
  const child = spawnPorta(["serve", wasm, "--profile", "worker"]);
  const c = client(child);
  try {
    await c.init();
    // warm: the first calls after start-up share the CPU with the workers'
    // own warm-up
    for (let i = 0; i < 3; i++) {
      await c.request("tools/call", { name: "quick", arguments: {} });
    }
    await sleep(500);
    const all: number[] = [];
    for (const tool of ["err_nl", "err_tiny", "out_x"]) {
      const { latencies, result } = await pingDuring(c, tool);
      ok(result.result, `${tool}: ${JSON.stringify(result).slice(0, 200)}`);
      all.push(...latencies);
    }
    all.sort((a, b) => a - b);
    const max = all[all.length - 1];
    const p95 = all[Math.floor(all.length * 0.95)];
    console.log(
      `  ${all.length} pings during the floods: p50 ${
        all[all.length >> 1].toFixed(1)
      } ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms; server peak ${
        peakMiB(child.pid).toFixed(0)
      } MiB`,
    );
    ok(all.length >= 10, `only ${all.length} pings`);
    // one scheduling hiccup of a loaded machine is tolerated, not a pattern
    ok(all[all.length - 2] < 100, `pings: ${all.map(Math.round).join(" ")}`);
    ok(max < 250, `pings: ${all.map(Math.round).join(" ")}`);
    // stderr forwarding is capped per call and says how much it dropped
    ok(/\d+ more stderr line\(s\) dropped/.test(c.stderr()), c.stderr());
  } finally {
    await c.close();
    await child.status;
    await Deno.remove(wasm);
  }
});

Deno.test("hostile output: a client that never reads stdout stops the server reading; memory stays bounded; SIGTERM still ends it", async () => {
  const wasm = await floodWasm();
  const child = spawnPorta(["serve", wasm, "--profile", "worker"]);
  const writer = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  (async () => {
    for await (const _ of child.stderr) { /* drained */ }
  })();
  try {
    await writer.write(enc.encode(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "x", version: "0" },
        },
      }) + "\n",
    ));
    await reader.read(); // the initialize answer; nothing is read after it
    const pad = "y".repeat(256 * 1024);
    let written = 0;
    const total = 400;
    (async () => {
      for (let i = 1; i <= total; i++) {
        await writer.write(enc.encode(
          JSON.stringify({
            jsonrpc: "2.0",
            id: i,
            method: "tools/call",
            params: { name: "out_1m", arguments: { pad } },
          }) + "\n",
        ));
        written++;
      }
    })().catch(() => {});
    await sleep(3000);
    const peak = peakMiB(child.pid);
    console.log(
      `  requests taken: ${written}/${total}; server peak ${
        peak.toFixed(0)
      } MiB`,
    );
    // each answer is 1 MiB: a few fill the output backlog, then nothing
    // more is read (the pipe to the server fills and our writes wait)
    ok(written < 40, `${written} requests taken`);
    ok(peak > 0 && peak < 450, `server peak ${peak} MiB`);
    const [code, ms] = await stop(child, "SIGTERM");
    console.log(
      `  SIGTERM with a full stdout: exit ${code} after ${ms.toFixed(0)} ms`,
    );
    strictEqual(code, 143);
    ok(ms < 1500, `exit took ${ms} ms`);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already ended
    }
    await child.status;
    await reader.cancel().catch(() => {});
    await Deno.remove(wasm);
  }
});

for (
  const [sig, code, entry] of [
    ["SIGINT", 130, "out_x"],
    ["SIGTERM", 143, "out_x"],
    // the guest already returned; only Porta's own queue waits for the pipe
    ["SIGTERM", 143, "out_1m"],
  ] as const
) {
  Deno.test(`hostile output: ${sig} ends porta run at once while its stdout pipe is full (${entry})`, async () => {
    const wasm = await floodWasm();
    const child = spawnPorta([
      "run",
      wasm,
      "--profile",
      "worker",
      "--entry",
      entry,
    ]);
    let err = "";
    (async () => {
      for await (const c of child.stderr) err += new TextDecoder().decode(c);
    })();
    try {
      await child.stdin.close();
      // stdout is never read: the pipe fills and the guest waits
      await sleep(1500);
      const peak = peakMiB(child.pid);
      const [got, ms] = await stop(child, sig);
      console.log(
        `  ${sig}: exit ${got} after ${ms.toFixed(0)} ms; peak ${
          peak.toFixed(0)
        } MiB`,
      );
      strictEqual(got, code);
      ok(ms < 1000, `exit took ${ms} ms`);
      ok(peak > 0 && peak < 400, `peak ${peak} MiB`);
      ok(err.includes("porta: interrupted"), err);
    } finally {
      await child.stdout.cancel().catch(() => {});
      await Deno.remove(wasm);
    }
  });
}

Deno.test("hostile output: 200 MiB of guest stdout through a pipe arrive whole, in bounded memory", async () => {
  const wasm = await floodWasm();
  const child = spawnPorta([
    "run",
    wasm,
    "--profile",
    "worker",
    "--entry",
    "out_x",
  ]);
  try {
    await child.stdin.close();
    (async () => {
      for await (const _ of child.stderr) { /* drained */ }
    })();
    let n = 0;
    let bad = 0;
    let peak = 0;
    let chunks = 0;
    for await (const c of child.stdout) {
      n += c.length;
      if (c[0] !== 120 || c[c.length - 1] !== 120) bad++;
      if (++chunks % 200 === 0) peak = Math.max(peak, peakMiB(child.pid));
    }
    const st = await child.status;
    console.log(`  ${n} bytes; peak ${peak.toFixed(0)} MiB`);
    strictEqual(st.code, 0);
    strictEqual(n, 200 * 1048576);
    strictEqual(bad, 0);
    ok(peak > 0, "the memory was measured while porta ran");
    ok(peak < 400, `peak ${peak} MiB`);
  } finally {
    await Deno.remove(wasm);
  }
});

Deno.test("hostile output: SIGTERM ends porta call at once while its stdout pipe is full", async () => {
  const child = spawnPorta([
    "call",
    `${ROOT}testdata/cli/tool.wasm`,
    "big",
  ]);
  let err = "";
  (async () => {
    for await (const c of child.stderr) err += new TextDecoder().decode(c);
  })();
  try {
    await child.stdin.close();
    // stdout is never read: the 1 MiB result fills the pipe
    await sleep(1500);
    const [got, ms] = await stop(child, "SIGTERM");
    strictEqual(got, 143);
    ok(ms < 1000, `exit took ${ms} ms`);
    ok(err.includes("porta: interrupted"), err);
  } finally {
    await child.stdout.cancel().catch(() => {});
  }
});
