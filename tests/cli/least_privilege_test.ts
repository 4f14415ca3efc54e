/**
 * Least privilege that real toolchains live with (issue #9 item 5): a Rust
 * std agent (testdata/agents/rustecho.rs, which imports environ_* because
 * std always does) and wasi-libc agents that only use stdio run under the
 * default profile; with --strict-imports the Rust agent is refused with one
 * line per ungranted import.
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import { runPorta } from "../helpers/cli.ts";

const RUST = "testdata/agents/rustecho.wasm";
const PROBE = "testdata/cli/probe.wasm";
const TEST_AGENT = "testdata/agents/testagent.wasm";

const porta = (args: string[], stdin?: string) =>
  runPorta(args, { stdin, env: { HOST_ONLY: "host-value" } });

const msg = (id: number, method: string, params: unknown = {}) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
const INIT = msg(0, "initialize", {
  protocolVersion: "2025-11-25",
  capabilities: {},
  clientInfo: { name: "lp", version: "0" },
});
const call = (id: number, name: string, args: unknown = {}) =>
  msg(id, "tools/call", { name, arguments: args });

function results(stdout: string): Map<unknown, any> {
  return new Map(
    stdout.trim().split("\n").map((l) => JSON.parse(l)).map((m) => [m.id, m]),
  );
}

const STRICT_RUST = [
  'porta: error: import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
  'porta: error: import wasi_snapshot_preview1.environ_sizes_get needs capability "env" (not granted)',
  "porta: error: hint: --strict-imports refuses imports whose capability is not granted; without it they load and every call to them is denied",
];

Deno.test("least privilege: a Rust std program runs under ai-agent; --strict-imports refuses it, one line per import", async () => {
  const [ok, strict] = await Promise.all([
    porta(["run", RUST, "--profile", "ai-agent"], "hello from stdin\n"),
    porta(
      ["run", RUST, "--profile", "ai-agent", "--strict-imports"],
      "hello\n",
    ),
  ]);
  assertEquals([ok.code, ok.stdout], [0, "hello from stdin\n"], ok.stderr);
  assertEquals(strict.code, 1);
  assertEquals(strict.stdout, "");
  assertEquals(strict.stderr.trimEnd().split("\n"), STRICT_RUST);
});

Deno.test("least privilege: the Rust agent serves under the default profile and sees an empty environment", async () => {
  const input = INIT + call(1, "echo", { a: [1, "two"] }) +
    call(2, "environ");
  const env = ["--env", "A=1", "--secret", "TOKEN=t0k3n-s3cr3t"];
  const [def, full, strict] = await Promise.all([
    porta(["serve", RUST, ...env], input),
    porta(["serve", RUST, "--profile", "full", ...env], input),
    porta(["serve", RUST, "--strict-imports", ...env], input),
  ]);
  assertEquals(def.code, 0, def.stderr);
  const r = results(def.stdout);
  assertEquals(r.get(1).result, {
    content: [{ type: "text", text: '{"a":[1,"two"]}' }],
    isError: false,
  });
  // the manifest asks for env; ai-agent (the default bound) does not grant it
  assertEquals(r.get(2).result.content[0].text, "0 variables");
  assert.ok(!def.stdout.includes("t0k3n") && !def.stderr.includes("t0k3n"));
  // with env granted the same agent sees --env and --secret (never the host's)
  assertEquals(full.code, 0, full.stderr);
  assertEquals(
    results(full.stdout).get(2).result.content[0].text,
    "2 variables",
  );
  // --strict-imports: refused before serving, one line per import
  assertEquals(strict.code, 1);
  assertEquals(strict.stdout, "");
  assertEquals(strict.stderr.trimEnd().split("\n"), STRICT_RUST);
});

Deno.test("least privilege: validate marks the Rust agent's env imports as not granted (PASS), DENIED with --strict-imports (FAIL)", async () => {
  const [v, strict] = await Promise.all([
    porta(["validate", RUST]),
    porta(["validate", RUST, "--strict-imports"]),
  ]);
  assertEquals(v.code, 0, v.stdout);
  assertEquals(v.stdout.trimEnd().split("\n"), [
    "ok      module: valid WebAssembly (5 imports, 5 exports)",
    "ok      manifest: testdata/agents/rustecho.manifest.json",
    "note    grants: io [profile ai-agent (default bound), manifest]",
    "ok      wasi_snapshot_preview1.fd_read (io)",
    "ok      wasi_snapshot_preview1.fd_write (io)",
    "note    wasi_snapshot_preview1.environ_get (env): not granted, an empty environment at run time",
    "note    wasi_snapshot_preview1.environ_sizes_get (env): not granted, an empty environment at run time",
    "ok      wasi_snapshot_preview1.proc_exit (needs no capability)",
    "note    2 import(s) not granted: the module loads and they answer as above at run time (--strict-imports refuses it instead)",
    "PASS",
  ]);
  assertEquals(strict.code, 1);
  assertMatch(
    strict.stdout,
    /^DENIED {2}wasi_snapshot_preview1\.environ_get: needs capability "env" \(not granted\)$/m,
  );
  assertEquals(strict.stdout.trimEnd().split("\n").at(-1), "FAIL");
});

Deno.test("least privilege: wasi-libc programs that only use stdio run under ai-agent (environ and preopens empty)", async () => {
  const [hello, env, agent] = await Promise.all([
    // probe.c imports path_open, fd_prestat_*, environ_* ... (wasi-libc)
    porta(["run", PROBE, "--profile", "ai-agent", "--", "hello"]),
    porta([
      "run",
      PROBE,
      "--profile",
      "ai-agent",
      "--env",
      "SHOWN=no",
      "--secret",
      "KEY=k3y-s3cr3t",
      "--",
      "env",
    ]),
    porta(
      ["serve", TEST_AGENT],
      INIT + call(1, "echo", { text: "stdio only" }),
    ),
  ]);
  assertEquals([hello.code, hello.stdout], [0, "hello, world\n"], hello.stderr);
  // no variable reaches a guest without env (nor from the host)
  assertEquals([env.code, env.stdout], [0, ""], env.stderr);
  assert.ok(!env.stderr.includes("k3y") && !env.stderr.includes("host-value"));
  assertEquals(agent.code, 0, agent.stderr);
  assertEquals(results(agent.stdout).get(1).result.isError, false);
});
