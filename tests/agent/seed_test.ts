/**
 * The seed's manifest format, whole (issue #9 item 1): the example manifest
 * of the original Porta, byte for byte (its `[...]` placeholders filled with
 * real entries), shown verbatim in the README, validates and serves with an
 * agent whose imports are exactly the three it lists (testdata/agents/seed.c);
 * `porta build` writes the same format, and its output round-trips through
 * `porta validate`.
 */
import { assert, assertEquals, assertMatch } from "./asserts.ts";
import { parseManifest } from "../../src/agent/manifest.ts";
import { runPorta } from "../helpers/cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SEED = "testdata/agents/seed.wasm";
const SEED_MANIFEST = "testdata/agents/seed.manifest.json";

/** The example exactly as the issue quotes the original Porta's documentation. */
const ISSUE_EXAMPLE =
  `{ "schema_version": "1.0", "name": "my-agent", "version": "0.1.0", "description": "An example agent",
  "entry": "_start", "capabilities": ["io", "fs"], "tools": [...], "resources": [...], "prompts": [...],
  "wasi_imports": ["fd_write", "fd_read", "proc_exit"] }
`;

const porta = (args: string[], stdin?: string) => runPorta(args, { stdin });

Deno.test("seed: the committed manifest is the issue's example, only the placeholders filled", async () => {
  const text = await Deno.readTextFile(`${ROOT}${SEED_MANIFEST}`);
  const placeholders = text
    .replace(/"tools": \[.*?\], "resources"/, '"tools": [...], "resources"')
    .replace(/"resources": \[.*?\], "prompts"/, '"resources": [...], "prompts"')
    .replace(/"prompts": \[.*?\],\n/, '"prompts": [...],\n');
  assertEquals(placeholders, ISSUE_EXAMPLE);
});

Deno.test("seed: the README shows the seed's example verbatim, and it loads", async () => {
  const text = await Deno.readTextFile(`${ROOT}${SEED_MANIFEST}`);
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  assert.ok(
    readme.includes("```json\n" + text + "```\n"),
    "README's manifest section must show seed.manifest.json verbatim",
  );
  const m = parseManifest(text);
  assertEquals(m.schema_version, "1.0");
  assertEquals([m.name, m.version, m.entry], ["my-agent", "0.1.0", "_start"]);
  assertEquals(m.capabilities, ["io", "fs"]);
  assertEquals(m.wasi_imports, ["fd_write", "fd_read", "proc_exit"]);
  assertEquals(m.tools.map((t) => t.name), ["echo"]);
});

Deno.test("seed: porta validate passes the example under the default profile (proc_exit needs no capability)", async () => {
  const r = await porta(["validate", SEED, "--manifest", SEED_MANIFEST]);
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assertEquals(r.stdout.trimEnd().split("\n"), [
    "ok      module: valid WebAssembly (3 imports, 2 exports)",
    `ok      manifest: ${SEED_MANIFEST}`,
    "note    grants: io [profile ai-agent (default bound), manifest]",
    "ok      wasi_snapshot_preview1.fd_read (io)",
    "ok      wasi_snapshot_preview1.fd_write (io)",
    "ok      wasi_snapshot_preview1.proc_exit (needs no capability)",
    "PASS",
  ]);
});

Deno.test("seed: porta serve lists and calls the example's tool, resource and prompt under the default profile", async () => {
  const msg = (id: number, method: string, params: unknown = {}) =>
    JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
  const r = await porta(
    ["serve", SEED, "--manifest", SEED_MANIFEST],
    msg(1, "initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "seed", version: "0" },
    }) +
      msg(2, "tools/list") +
      msg(3, "tools/call", { name: "echo", arguments: { text: "hi", n: 2 } }) +
      msg(4, "resources/read", { uri: "my-agent://readme" }) +
      msg(5, "prompts/get", { name: "greet" }),
  );
  assertEquals(r.code, 0, r.stderr);
  const byId = new Map(
    r.stdout.trim().split("\n").map((l) => JSON.parse(l)).map((m) => [m.id, m]),
  );
  assertEquals(byId.get(1).result.serverInfo.title, "Porta: my-agent 0.1.0");
  assertEquals(byId.get(2).result.tools.map((t: { name: string }) => t.name), [
    "echo",
  ]);
  assertEquals(byId.get(3).result, {
    content: [{ type: "text", text: '{"text":"hi","n":2}' }],
    isError: false,
  });
  assertMatch(byId.get(4).result.contents[0].text, /^my-agent: /);
  assertEquals(
    byId.get(5).result.messages[0].content.text,
    "Say hello to the user.",
  );
});

Deno.test("seed: porta build writes schema_version, entry and wasi_imports, and its output validates", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-seed-" });
  try {
    const out = `${dir}/built.manifest.json`;
    const b = await porta(["build", SEED, "-o", out]);
    assertEquals(b.code, 0, b.stderr);
    const built = JSON.parse(await Deno.readTextFile(out));
    assertEquals(Object.keys(built), [
      "schema_version",
      "name",
      "version",
      "description",
      "entry",
      "capabilities",
      "tools",
      "resources",
      "prompts",
      "wasi_imports",
    ]);
    assertEquals(built.schema_version, "1.0");
    assertEquals(built.entry, "_start");
    assertEquals(built.capabilities, ["io"]);
    assertEquals(built.wasi_imports, ["fd_read", "fd_write", "proc_exit"]);
    const v = await porta(["validate", SEED, "--manifest", out]);
    assertEquals(v.code, 0, v.stdout);
    assertEquals(v.stdout.trimEnd().split("\n").at(-1), "PASS");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seed: wasi_imports is an allowlist: validate names each import it lacks (FAIL) and each name the module does not import", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-seed-" });
  try {
    const path = `${dir}/m.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        schema_version: "1.1",
        name: "x",
        version: "1",
        capabilities: ["io"],
        tools: [{ name: "echo" }],
        wasi_imports: ["fd_write", "random_get", "clock_time_get"],
      }),
    );
    const [v, run] = await Promise.all([
      porta(["validate", SEED, "--manifest", path]),
      porta(["serve", SEED, "--manifest", path], ""),
    ]);
    assertEquals(v.code, 1);
    const lines = v.stdout.trimEnd().split("\n");
    for (
      const line of [
        "ok      wasi_snapshot_preview1.fd_write (io)",
        "DENIED  wasi_snapshot_preview1.fd_read: is not listed in the manifest's wasi_imports",
        "DENIED  wasi_snapshot_preview1.proc_exit: is not listed in the manifest's wasi_imports",
        "warning wasi_imports lists random_get, which the module does not import",
        "warning wasi_imports lists clock_time_get, which the module does not import",
      ]
    ) assert.ok(lines.includes(line), `${line}\n${v.stdout}`);
    assertEquals(lines.at(-1), "FAIL");
    // serve refuses the module, one line per unlisted function
    assertEquals(run.code, 1);
    assertEquals(run.stderr.trimEnd().split("\n"), [
      "porta: error: import wasi_snapshot_preview1.fd_read is not listed in the manifest's wasi_imports",
      "porta: error: import wasi_snapshot_preview1.proc_exit is not listed in the manifest's wasi_imports",
      "porta: error: hint: the manifest's wasi_imports lists every WASI function the module may import (add them, or remove the list)",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seed: another major schema_version is one clear error naming the versions Porta reads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-seed-" });
  try {
    const path = `${dir}/m.json`;
    const text = await Deno.readTextFile(`${ROOT}${SEED_MANIFEST}`);
    await Deno.writeTextFile(
      path,
      text.replace('"schema_version": "1.0"', '"schema_version": "2.0"'),
    );
    const [v, s] = await Promise.all([
      porta(["validate", SEED, "--manifest", path]),
      porta(["serve", SEED, "--manifest", path], ""),
    ]);
    assertEquals(v.code, 1);
    assertMatch(
      v.stdout,
      /^FAIL {4}manifest .*m\.json: schema_version: unsupported version "2\.0": this Porta reads schema_version 1\.x \("1\.0", "1\.1", \.\.\.\)$/m,
    );
    assertEquals(s.code, 1);
    assertEquals(s.stderr.trimEnd().split("\n").length, 1, s.stderr);
    assertMatch(s.stderr, /schema_version: unsupported version "2\.0"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
