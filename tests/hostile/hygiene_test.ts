/**
 * Hostile output hygiene (issue #8, item 11): names from a module, a
 * manifest or a file path never reach a terminal or `inspect --json` with
 * raw control characters (C0, DEL, C1 such as U+009B, bidi controls such as
 * U+202E); `porta build` writes only manifests that `validate` and `serve`
 * load; `.env` errors give a line number, never the line; an ambiguous
 * `--dir` is an error.
 *
 * Each test spawns `cli.ts` (a few hundred ms each).
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import { isPrintable, printable } from "../../src/agent/printable.ts";
import { runPorta } from "../helpers/cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

const porta = (args: string[], stdin?: string) =>
  runPorta(args, { stdin, noPrompt: false });

/** Every line of `text` is inert on a terminal. */
function assertInert(text: string, what: string): void {
  for (const line of text.split("\n")) {
    assert(isPrintable(line), `${what}: raw control in ${printable(line)}`);
  }
}

// --- a minimal module builder: () -> () functions with arbitrary names ---

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...leb(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

/** A module exporting one empty `() -> ()` function per name. */
function moduleExporting(names: string[]): Uint8Array {
  return new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 0, 0]),
    ...section(3, [...leb(names.length), ...names.map(() => 0)]),
    ...section(7, [
      ...leb(names.length),
      ...names.flatMap((n, i) => [...str(n), 0, ...leb(i)]),
    ]),
    ...section(10, [
      ...leb(names.length),
      ...names.flatMap(() => [2, 0, 0x0b]),
    ]),
  ]);
}

/** Export names a hostile agent might choose. */
const HOSTILE_NAMES = [
  "bad\x1b[31mred\x1b]0;pwned\x07", // C0: colour and window title
  "say\"quote's", // quotes
  "bidi\u202eexe.txt", // right-to-left override
  "\u009b31mcsi", // C1: 8-bit CSI
  "lrm\u200e", // left-to-right mark
  "alm\u061c", // Arabic letter mark
  "new\nline", // forged line
  "x".repeat(200), // too long for a tool name
];

/** A file name with a title escape, an 8-bit CSI and a bidi override. */
const HOSTILE_FILE = "ag\x1b]0;t\x07\u009b2J\u202eent.wasm";

async function hostileAgent(dir: string): Promise<string> {
  const path = `${dir}/${HOSTILE_FILE}`;
  await Deno.writeFile(
    path,
    moduleExporting(["_start", "ok_tool", ...HOSTILE_NAMES]),
  );
  return path;
}

Deno.test("hostile hygiene: build escapes names, skips invalid ones, and writes a manifest validate and serve load", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wasm = await hostileAgent(dir);
    const b = await porta(["build", wasm]);
    assertEquals(b.code, 0, b.stderr);
    assertInert(b.stdout, "build stdout");
    assertInert(b.stderr, "build stderr");
    assertMatch(
      b.stdout,
      /^wrote .*ag\\x1b\]0;t\\x07\\x9b2J\\u202eent\.manifest\.json: 1 tool\(s\)/,
    );
    // one escaped warning per skipped export, and one for the name
    const warnings = b.stderr.split("\n").filter((l) => l !== "");
    assertEquals(warnings.length, HOSTILE_NAMES.length + 1, b.stderr);
    for (const n of HOSTILE_NAMES) {
      assert(
        warnings.includes(
          `porta: warning: skipped export "${
            printable(n.length > 100 ? `${n.slice(0, 100)}... (200 chars)` : n)
          }": not a valid tool name (use 1-128 of A-Z a-z 0-9 _ . -)`,
        ),
        `no warning for ${printable(n)}`,
      );
    }
    const manifestPath = wasm.replace(/\.wasm$/, ".manifest.json");
    const m = JSON.parse(await Deno.readTextFile(manifestPath));
    assertEquals(m.name, "ag_]0;t__2J_ent");
    assertEquals(m.tools.map((t: { name: string }) => t.name), ["ok_tool"]);

    const [v, s] = await Promise.all([
      porta(["validate", wasm]),
      porta(
        ["serve", wasm],
        [
          {
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: {
              protocolVersion: "2025-06-18",
              capabilities: {},
              clientInfo: { name: "t\x1b[2J\u202e", version: "1" },
            },
          },
          { jsonrpc: "2.0", method: "notifications/initialized" },
          { jsonrpc: "2.0", id: 2, method: "tools/list" },
          {
            jsonrpc: "2.0",
            id: 3,
            method: "tools/call",
            params: {
              name: "x\x1b]0;t\x07\u009b2J\u202e\u200f",
              arguments: {},
            },
          },
        ].map((x) => JSON.stringify(x) + "\n").join(""),
      ),
    ]);
    assertEquals(v.code, 0, v.stdout);
    assertMatch(v.stdout, /^ok {6}manifest: /m);
    assertMatch(v.stdout, /^PASS$/m);
    assertInert(v.stdout, "validate stdout");
    assertEquals(s.code, 0, s.stderr);
    assertInert(s.stderr, "serve stderr");
    // the client's name is quoted, escaped
    assertMatch(s.stderr, /client t\\x1b\[2J\\u202e/);
    const list = s.stdout.split("\n").filter((l) => l !== "").map((l) =>
      JSON.parse(l)
    ).find((r) => r.id === 2);
    assertEquals(
      list?.result?.tools?.map((t: { name: string }) => t.name),
      ["ok_tool"],
      s.stdout,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile hygiene: inspect (text and --json) never writes a raw control; the JSON keeps the exact names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wasm = await hostileAgent(dir);
    const [text, json] = await Promise.all([
      porta(["inspect", wasm]),
      porta(["inspect", "--json", wasm]),
    ]);
    assertEquals([text.code, json.code], [0, 0], text.stderr + json.stderr);
    assertInert(text.stdout, "inspect");
    assertInert(json.stdout, "inspect --json");
    assert(json.stdout.includes("\\u009b31mcsi"), "C1 written as \\u009b");
    assert(json.stdout.includes("bidi\\u202eexe.txt"), "U+202E escaped");
    const report = JSON.parse(json.stdout);
    assertEquals(report.file, wasm);
    assertEquals(
      report.module.exports.map((e: { name: string }) => e.name),
      ["_start", "ok_tool", ...HOSTILE_NAMES],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile hygiene: a .env error names the line number, never the secret on it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pem = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7s3cr3t";
    await Deno.writeTextFile(
      `${dir}/.env`,
      // a PEM body pasted without its quotes: its first line is the error
      `# key\nA=1\n${pem}\n-----END PRIVATE KEY-----\n`,
    );
    const o = await porta([
      "inspect",
      `${ROOT}testdata/cli/probe.wasm`,
      "--env-file",
      `${dir}/.env`,
    ]);
    assertEquals(o.code, 2, o.stderr);
    assertEquals(
      o.stderr,
      `porta: error: --env-file ${dir}/.env line 3: expected KEY=VALUE\n`,
    );
    assert(!o.stderr.includes("MIIE") && !o.stderr.includes("END"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile hygiene: --dir HOST:GUEST with a relative guest is an error; '\\:' keeps a ':' in the host path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data`);
    await Deno.mkdir(`${dir}/data:2024`);
    const [bad, good] = await Promise.all([
      porta([
        "inspect",
        `${ROOT}testdata/cli/probe.wasm`,
        "--dir",
        `${dir}/data:2024`,
      ]),
      porta([
        "inspect",
        `${ROOT}testdata/cli/probe.wasm`,
        "--dir",
        `${dir}/data\\:2024:/d`,
      ]),
    ]);
    assertEquals(bad.code, 2);
    assertEquals(
      bad.stderr,
      `porta: error: --dir ${dir}/data:2024: guest path must be absolute ("/2024") or "." (write a ":" of the host path as "\\:")\n`,
    );
    assertEquals(good.code, 0, good.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
