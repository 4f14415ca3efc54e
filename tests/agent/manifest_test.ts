import { assert, assertEquals, assertMatch, assertThrows } from "./asserts.ts";
import {
  deriveManifest,
  findManifest,
  ManifestError,
  manifestPathFor,
  parseManifest,
} from "../../src/agent/manifest.ts";
import { parseJsonc } from "../../src/agent/jsonc.ts";

function issues(text: string): string[] {
  try {
    parseManifest(text, "m.json");
  } catch (e) {
    assert.ok(e instanceof ManifestError);
    return e.issues;
  }
  throw new Error("expected a ManifestError");
}

Deno.test("jsonc: comments and trailing commas, strings untouched", () => {
  const v = parseJsonc(`{
    // line comment
    "a": "http://x//y /* not a comment */", /* block
    comment */ "b": [1, 2, 3,],
    "c": {"d": "\\"//\\"",},
  }`);
  assertEquals(v, {
    a: "http://x//y /* not a comment */",
    b: [1, 2, 3],
    c: { d: '"//"' },
  });
});

Deno.test("jsonc: syntax errors carry line and column", () => {
  try {
    parseJsonc(`{\n  "a": 1\n  "b": 2\n}`);
    throw new Error("no error");
  } catch (e) {
    const err = e as { line: number; message: string };
    assertEquals(err.line, 3);
  }
  assertThrows(
    () => parseJsonc(`{"a": 1 /* open`),
    /unterminated \/\* comment/,
  );
  assertThrows(() => parseJsonc(`// only a comment`), /empty document/);
});

Deno.test("manifest: a full valid manifest with defaults", () => {
  const m = parseManifest(`{
    "name": "demo", "version": "1.0.0", "description": "d",
    "capabilities": ["io", "process"],
    "tools": [{"name": "reverse", "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}},
              {"name": "noschema"}],
    "resources": [{"uri": "demo://readme", "name": "readme", "mimeType": "text/plain"}],
    "prompts": [{"name": "summarize", "arguments": [{"name": "topic", "required": true}]}],
    "wasi_imports": ["fd_write", "fd_read"],
  }`);
  assertEquals(m.name, "demo");
  assertEquals(m.capabilities, ["io", "process"]);
  assertEquals(m.tools[1].inputSchema, { type: "object" });
  assertEquals(m.tools[0].inputSchema.properties, { text: { type: "string" } });
  assertEquals(m.resources[0].uri, "demo://readme");
  assertEquals(m.prompts[0].arguments, [{ name: "topic", required: true }]);
  assertEquals(m.wasi_imports, ["fd_write", "fd_read"]);
  const minimal = parseManifest(`{"name": "x", "version": "0"}`);
  assertEquals(minimal.tools, []);
  assertEquals(minimal.capabilities, []);
});

Deno.test("manifest: errors name the field path", () => {
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "tools": [{"name": "a"}, {"name": "b"}, {"name": "c", "inputSchema": []}]}`,
    ),
    ["tools[2].inputSchema: expected an object, got an array"],
  );
  assertEquals(issues(`{"version": "1"}`), ["name: required field is missing"]);
  assertEquals(issues(`{"name": 3, "version": "1"}`), [
    "name: expected a string, got a number",
  ]);
  assertEquals(issues(`[]`), ["(root): expected an object, got an array"]);
  assertEquals(
    issues(`{"name": "a", "version": "1", "capabilities": ["io", "network"]}`),
    ['capabilities[1]: unknown capability "network" (known: io, fs, fs.write, process, env, clock, random, net)'],
  );
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "tools": [{"name": "x"}, {"name": "y"}, {"name": "x"}]}`,
    ),
    ['tools[2].name: duplicate tool name "x" (also tools[0])'],
  );
  assertEquals(
    issues(`{"name": "a", "version": "1", "tools": [{"name": "bad name!"}]}`),
    ['tools[0].name: invalid tool name "bad name!" (use 1-128 of A-Z a-z 0-9 _ . -)'],
  );
  assertEquals(
    issues(`{"name": "a", "version": "1", "tools": [{"name": "_prompt_get"}]}`),
    ['tools[0].name: "_prompt_get" is reserved'],
  );
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "tools": [{"name": "t", "inputSchema": {"type": "string"}}]}`,
    ),
    ['tools[0].inputSchema.type: expected "object", got "string"'],
  );
  assertEquals(
    issues(`{"name": "a", "version": "1", "capabilites": ["io"]}`),
    ['capabilites: unknown field (did you mean "capabilities"?)'],
  );
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "resources": [{"uri": "nope", "name": "r"}, {"uri": "a:b"}]}`,
    ),
    [
      'resources[0].uri: invalid URI "nope" (expected scheme:...)',
      "resources[1].name: required field is missing",
    ],
  );
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "prompts": [{"name": "p", "arguments": [{"name": "x", "required": "yes"}, {"name": "x"}]}]}`,
    ),
    [
      "prompts[0].arguments[0].required: expected a boolean, got a string",
      'prompts[0].arguments[1].name: duplicate argument name "x"',
    ],
  );
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "wasi_imports": ["fd_write", "fd_wirte", 7]}`,
    ),
    [
      'wasi_imports[1]: unknown wasi_snapshot_preview1 function "fd_wirte"',
      "wasi_imports[2]: expected a string, got a number",
    ],
  );
  assertEquals(
    parseManifest(`{"name": "a", "version": "1", "$schema": "x", "x-note": 1}`)
      .name,
    "a",
  );
});

Deno.test("manifest: the error message is one line with the file and a count", () => {
  const e = assertThrows(
    () => parseManifest(`{"name": "", "version": 1}`, "agent.manifest.json"),
    ManifestError,
  ) as ManifestError;
  assertEquals(
    e.message,
    "agent.manifest.json: name: must not be empty (and 1 more)",
  );
  assertEquals(e.message.includes("\n"), false);
  const syntax = assertThrows(
    () => parseManifest(`{"name": }`, "f.json"),
    ManifestError,
  ) as ManifestError;
  assertMatch(syntax.message, /^f\.json: line 1, column \d+: /);
});

Deno.test("manifest: findManifest and manifestPathFor", async () => {
  assertEquals(manifestPathFor("dir/foo.wasm"), "dir/foo.manifest.json");
  assertEquals(manifestPathFor("foo"), "foo.manifest.json");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a.wasm`, new Uint8Array(8));
    assertEquals(findManifest(`${dir}/a.wasm`), undefined);
    await Deno.writeTextFile(`${dir}/a.manifest.json`, "{}");
    assertEquals(findManifest(`${dir}/a.wasm`), `${dir}/a.manifest.json`);
    assertEquals(
      findManifest(`${dir}/a.wasm`, `${dir}/a.manifest.json`),
      `${dir}/a.manifest.json`,
    );
    const e = assertThrows(
      () => findManifest(`${dir}/a.wasm`, `${dir}/missing.json`),
      ManifestError,
    );
    assertMatch((e as Error).message, /missing\.json: no such file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manifest: deriveManifest for a command, a command with tool exports and a reactor", () => {
  const wasi = (name: string) => ({
    module: "wasi_snapshot_preview1",
    name,
    kind: "function",
  });
  const cmd = deriveManifest({
    imports: [
      wasi("fd_write"),
      wasi("proc_exit"),
      wasi("clock_time_get"),
      wasi("fd_write"),
    ],
    exports: [{ name: "_start", kind: "function" }, {
      name: "memory",
      kind: "memory",
    }],
  }, "hello world");
  assertEquals(cmd.wasi_imports, ["fd_write", "proc_exit", "clock_time_get"]);
  assertEquals(cmd.capabilities, ["io", "process", "clock"]);
  assertEquals(cmd.tools.map((t) => t.name), ["hello_world"]);
  assertEquals(cmd.tools[0].entry, undefined);
  assertEquals(parseManifest(JSON.stringify(cmd)), cmd);

  const withTools = deriveManifest({
    imports: [],
    exports: [
      { name: "_start", kind: "function" },
      { name: "word_count", kind: "function" },
      { name: "__heap_base", kind: "global" },
      { name: "cabi_realloc", kind: "function" },
    ],
  }, "x");
  assertEquals(withTools.tools.map((t) => [t.name, t.entry]), [[
    "word_count",
    undefined,
  ]]);
  assertEquals(withTools.capabilities, []);

  const reactor = deriveManifest({
    imports: [wasi("random_get")],
    exports: [{ name: "_initialize", kind: "function" }, {
      name: "add",
      kind: "function",
    }],
  }, "r");
  assertEquals(reactor.tools.map((t) => [t.name, t.entry]), [["add", "add"]]);
  assertEquals(reactor.capabilities, ["random"]);
});

Deno.test("manifest: names, versions and URIs must not contain control characters (QA 13:53)", () => {
  const m = JSON.stringify({
    name: "x\u001b[31m",
    version: "1.0.0\n[porta] fake",
    description: "two\nlines are fine",
    tools: [{ name: "t\u0007", title: "a\rb" }],
    resources: [{ uri: "r://\u009b", name: "r" }],
  });
  assertEquals(issues(m), [
    'name: must not contain control characters: "x\\x1b[31m"',
    'version: must not contain control characters: "1.0.0\\n[porta] fake"',
    'tools[0].name: must not contain control characters: "t\\x07"',
    'tools[0].title: must not contain control characters: "a\\rb"',
    'resources[0].uri: must not contain control characters: "r://\\x9b"',
  ]);
});

Deno.test("manifest: deriveManifest skips reactor exports that take parameters", () => {
  const m = deriveManifest({
    imports: [],
    exports: [
      { name: "_initialize", kind: "function", type: "() -> ()" },
      { name: "shout", kind: "function", type: "() -> ()" },
      { name: "add", kind: "function", type: "(i32, i32) -> (i32)" },
      { name: "untyped", kind: "function" },
    ],
  }, "lib");
  assertEquals(m.tools.map((t) => [t.name, t.entry]), [
    ["shout", "shout"],
    ["untyped", "untyped"],
  ]);
});
