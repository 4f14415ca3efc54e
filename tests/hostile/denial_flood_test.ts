/**
 * Hostile agents: a guest cannot flood the log through denials (issue #9
 * item 2). A guest refused 112,000 times for 28 distinct causes, or 20,000
 * times for one (through wasi-libc's fopen), makes Porta print at most one
 * line per distinct cause per run or call and at most 20
 * of them plus one "N more" line, on `porta run` and on `porta serve`
 * (stderr, client log and the call's diagnostic line); the worker posts at
 * most 20 messages per job, so the flood costs the parent nothing.
 */
import { ok, strictEqual } from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { runPorta } from "../helpers/cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DENY = `${ROOT}testdata/cli/deny.wasm`;
const W = "wasi_snapshot_preview1";

/** 28 functions the `ai-agent` profile does not grant, with their parameters. */
const UNGRANTED: [string, string][] = [
  ["random_get", "i32 i32"],
  ["clock_res_get", "i32 i32"],
  ["clock_time_get", "i32 i64 i32"],
  ["poll_oneoff", "i32 i32 i32 i32"],
  ["sock_accept", "i32 i32 i32"],
  ["sock_recv", "i32 i32 i32 i32 i32 i32"],
  ["sock_send", "i32 i32 i32 i32 i32"],
  ["sock_shutdown", "i32 i32"],
  ["fd_filestat_get", "i32 i32"],
  ["fd_pread", "i32 i32 i32 i64 i32"],
  ["fd_prestat_get", "i32 i32"],
  ["fd_prestat_dir_name", "i32 i32 i32"],
  ["fd_readdir", "i32 i32 i32 i64 i32"],
  ["fd_renumber", "i32 i32"],
  ["path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"],
  ["path_filestat_get", "i32 i32 i32 i32 i32"],
  ["path_readlink", "i32 i32 i32 i32 i32 i32"],
  ["fd_pwrite", "i32 i32 i32 i64 i32"],
  ["fd_allocate", "i32 i64 i64"],
  ["fd_filestat_set_size", "i32 i64"],
  ["fd_filestat_set_times", "i32 i64 i64 i32"],
  ["path_create_directory", "i32 i32 i32"],
  ["path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"],
  ["path_link", "i32 i32 i32 i32 i32 i32 i32"],
  ["path_remove_directory", "i32 i32 i32"],
  ["path_rename", "i32 i32 i32 i32 i32 i32"],
  ["path_symlink", "i32 i32 i32 i32 i32"],
  ["path_unlink_file", "i32 i32 i32"],
];

/** Calls each of the 28 functions 4,000 times (112,000 denied calls). */
function distinctFlood(): Promise<Uint8Array> {
  const imports = UNGRANTED.map(([n, p]) =>
    `(import "${W}" "${n}" (func $${n} (param ${p}) (result i32)))`
  ).join("\n");
  const zero = (t: string) => t === "i64" ? "(i64.const 0)" : "(i32.const 0)";
  const calls = UNGRANTED.map(([n, p]) =>
    `(drop (call $${n} ${p.split(" ").map(zero).join(" ")}))`
  ).join("\n");
  return wat(`(module ${imports}
    (memory (export "memory") 1)
    (func (export "_start") (local $i i32)
      (local.set $i (i32.const 4000))
      (loop $l ${calls}
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $l (local.get $i)))))`);
}

async function porta(
  args: string[],
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  const out = await runPorta(args, { stdin, noPrompt: false, noColor: false });
  return { ...out, ms: performance.now() - t0 };
}

const denied = (s: string) =>
  s.split("\n").filter((l) => l.startsWith("[porta] denied:"));

Deno.test("hostile: 112,000 denials of 28 distinct causes print 20 lines and one count (run)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-flood-" });
  try {
    await Deno.writeFile(`${dir}/flood.wasm`, await distinctFlood());
    const o = await porta([
      "run",
      `${dir}/flood.wasm`,
      "--profile",
      "ai-agent",
    ]);
    strictEqual(o.code, 0, o.stderr);
    const lines = denied(o.stderr);
    strictEqual(lines.length, 21, o.stderr);
    // 28 causes (fewer if some function answers without a grant, as
    // fd_prestat_get may): 20 listed, the rest counted in one line
    const more =
      /^\[porta\] denied: (\d+) more distinct denial\(s\) not shown \(at most 20 are listed\)$/
        .exec(lines[20]);
    ok(more !== null, lines[20]);
    ok(+more[1] >= 1 && +more[1] <= 8, lines[20]);
    ok(lines[0].startsWith("[porta] denied: random_get: needs capability"));
    ok(o.stderr.length < 8000, `stderr is ${o.stderr.length} chars`);
    console.log(`  28 x 4,000 denied calls: porta run took ${o.ms | 0} ms`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile: 20,000 refused fopen calls on a read-only preopen print one line (run and serve)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-flood-" });
  try {
    await Deno.mkdir(`${dir}/out`);
    const manifest = `${dir}/deny.manifest.json`;
    await Deno.writeTextFile(
      manifest,
      JSON.stringify({
        name: "deny",
        version: "1.0.0",
        capabilities: ["io", "process", "fs", "fs.write"],
        tools: [{ name: "flood", inputSchema: { type: "object" } }],
      }),
    );
    const flags = [
      "--manifest",
      manifest,
      "--profile",
      "full",
      "--dir",
      `${dir}/out:/out`,
    ];
    const session = [
      {
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "t", version: "1" },
        },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      {
        jsonrpc: "2.0",
        id: 1,
        method: "logging/setLevel",
        params: { level: "debug" },
      },
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "flood", arguments: { path: "20000" } },
      },
    ].map((m) => JSON.stringify(m)).join("\n") + "\n";
    const [run, serve] = await Promise.all([
      porta(["run", DENY, ...flags, "--", "flood", "20000"]),
      porta(["serve", DENY, ...flags], session),
    ]);
    strictEqual(run.code, 0, run.stderr);
    ok(/flood: 20000 of 20000 refused/.test(run.stdout), run.stdout);
    // path_open (read-only) and random_get (not granted): one line each
    const lines = denied(run.stderr);
    strictEqual(lines.length, 2, run.stderr);
    ok(lines[0].startsWith('[porta] denied: path_open "/out/flood" (write)'));
    ok(lines[1].startsWith("[porta] denied: random_get"));
    strictEqual(serve.code, 0, serve.stderr);
    strictEqual(denied(serve.stderr).length, 2, serve.stderr);
    const logged = serve.stdout.split("\n").filter((l) =>
      l.includes('"notifications/message"') && l.includes("denied: ")
    );
    strictEqual(logged.length, 2, serve.stdout);
    ok(
      / denied=path_open:rw,random_get:random$/m.test(serve.stderr),
      serve.stderr,
    );
    ok(serve.stdout.length < 10_000, `stdout is ${serve.stdout.length} chars`);
    console.log(
      `  20,000 refused fopen: run ${run.ms | 0} ms, serve ${serve.ms | 0} ms`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
