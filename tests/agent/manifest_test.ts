import { assert, assertEquals, assertMatch, assertThrows } from "./asserts.ts";
import {
  deriveManifest,
  findManifest,
  loadManifest,
  ManifestError,
  manifestPathFor,
  parseManifest,
} from "../../src/agent/manifest.ts";
import { parseJsonc } from "../../src/agent/jsonc.ts";
import {
  checkArguments,
  compilePattern,
  compileSchema,
  PatternError,
} from "../../src/agent/schema.ts";

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
  // proc_exit needs no capability
  assertEquals(cmd.capabilities, ["io", "clock"]);
  // the seed's format and field order
  assertEquals(Object.keys(cmd), [
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
  assertEquals([cmd.schema_version, cmd.entry], ["1.0", "_start"]);
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
  // a reactor has no _start: its tools name their entries
  assertEquals(reactor.entry, undefined);
  assertEquals(parseManifest(JSON.stringify(reactor)), reactor);
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

Deno.test("schema: patterns run on RE2 with ECMAScript meaning (translation table)", () => {
  const cases: [string, string, boolean][] = [
    ["^a.b$", "a\u2028b", false], // . excludes ECMAScript line terminators
    ["^a.b$", "a\rb", false],
    ["^a.b$", "a\u00e9b", true],
    ["^\\s$", "\u00a0", true], // \s is ECMAScript white space
    ["^\\s$", "\ufeff", true],
    ["^\\S$", "\u00a0", false],
    ["^[\\s]$", "\u3000", true],
    ["^[^\\s]$", "\ufeff", false],
    ["^[\\S]$", "x", true],
    ["^\\w+$", "é", false], // \w and \d are ASCII in both
    ["^\\d$", "\u0663", false],
    ["\\u0041", "A", true],
    ["^\\u{1F600}$", "😀", true],
    ["^\\uD83D\\uDE00$", "😀", true],
    ["^[😀-😂]$", "😁", true],
    ["^.$", "😀", true], // code points, not code units
    ["^\\p{L}+$", "héllo", true],
    ["^\\p{Letter}+$", "héllo", true],
    ["^\\p{Script=Greek}+$", "αβ", true],
    ["^\\p{gc=Lu}$", "A", true],
    ["^\\P{L}$", "1", true],
    ["^\\p{ASCII}+$", "abc", true],
    ["^\\P{Any}$", "a", false],
    ["^[^]$", "\n", true],
    ["^[]$", "", false],
    ["^(?<y>\\d{4})-\\d\\d$", "2024-01", true],
    ["\\/", "/", true],
    ["^\\cJ$", "\n", true],
    ["^[\\b]$", "\b", true],
    ["^[a\\-z]$", "-", true],
    ["^\\0$", "\0", true],
    ["^\\x41$", "A", true],
    ["a|", "x", true],
    ["a{2}?", "aa", true],
    ["^\\.\\$\\^\\*$", ".$^*", true],
    ["^[a-zé]+$", "Abc", false],
    ["^[a-zé]+$", "éé", true],
    ["^$", "\n", false], // $ is the end of the text, as without the m flag
  ];
  for (const [p, s, want] of cases) {
    const got = compilePattern(p).re.test(s);
    assertEquals(got, want, `${p} on ${JSON.stringify(s)}`);
    assertEquals(new RegExp(p, "u").test(s), want, `ECMAScript agrees: ${p}`);
  }
  const refused: [string, RegExp][] = [
    ["(a)\\1", /backreferences \(\\1\)/],
    ["\\k<x>(?<x>a)", /backreferences/],
    ["(?=a)", /lookahead/],
    ["(?<!a)b", /lookbehind/],
    ["(?i:a)", /inline modifiers/],
    ["(", /invalid regular expression/],
    ["\\p{Emoji}", /\\p\{Emoji\} is not supported/],
    ["a{1001}", /invalid repeat count/],
    ["([a-z]{1,1000}){1,1000}", /expression too large/],
    ["x".repeat(9000), /pattern too long/],
  ];
  for (const [p, why] of refused) {
    assertThrows(() => compilePattern(p), PatternError, why);
  }
});

Deno.test("manifest: schemas are compiled at load; malformed checked keywords name their path", () => {
  const bad = issues(JSON.stringify({
    name: "a",
    version: "1",
    tools: [{
      name: "t",
      inputSchema: {
        type: "object",
        properties: {
          a: { type: "strin" },
          b: { pattern: 3 },
          c: { minLength: -1, maximum: "9" },
          d: { enum: "x" },
          e: { items: 7 },
          f: { properties: { g: { required: "g" } } },
        },
        additionalProperties: 1,
      },
    }],
  }));
  assertEquals(bad, [
    'tools[0].inputSchema.properties.a.type: unknown type "strin" (known: string, number, integer, boolean, object, array, null)',
    "tools[0].inputSchema.properties.b.pattern: expected a string, got a number",
    "tools[0].inputSchema.properties.c.maximum: expected a number, got a string",
    "tools[0].inputSchema.properties.c.minLength: expected a non-negative integer, got -1",
    "tools[0].inputSchema.properties.d.enum: expected an array, got a string",
    "tools[0].inputSchema.properties.e.items: expected a schema (an object or a boolean), got a number",
    "tools[0].inputSchema.properties.f.properties.g.required: expected an array of strings",
    "tools[0].inputSchema.additionalProperties: expected a schema (an object or a boolean), got a number",
  ]);
  // depth: schemas nest at most 64 levels (outputSchema, annotations too)
  let deep: unknown = {};
  for (let i = 0; i < 40; i++) deep = { properties: { x: deep } };
  const nested = issues(JSON.stringify({
    name: "a",
    version: "1",
    tools: [{
      name: "t",
      inputSchema: { type: "object", properties: { x: deep } },
      outputSchema: deep,
    }],
  }));
  assertEquals(nested, [
    "tools[0].inputSchema: nested more than 64 levels deep",
    "tools[0].outputSchema: nested more than 64 levels deep",
  ]);
  // a good schema compiles once and is checked
  const m = parseManifest(JSON.stringify({
    name: "a",
    version: "1",
    tools: [{
      name: "t",
      inputSchema: {
        properties: { n: { type: ["integer", "null"] }, b: true, z: false },
      },
    }],
  }));
  const schema = compileSchema(m.tools[0].inputSchema);
  assert.equal(compileSchema(m.tools[0].inputSchema), schema, "cached");
  assertEquals(checkArguments(schema, { n: null, b: [1] }), null);
  assertEquals(
    checkArguments(schema, { n: 1.5 }),
    'property "n" must be of type integer or null',
  );
  assertEquals(checkArguments(schema, { z: 1 }), 'property "z" is not allowed');
});

Deno.test("manifest: a manifest over 4 MiB is refused, from its size", async () => {
  const big = `{"name": "a", "version": "1", "description": "${
    "x".repeat(4 * 1024 * 1024)
  }"}`;
  assertEquals(issues(big), [
    `manifest too large: more than ${4 * 1024 * 1024} bytes (limit 4 MiB)`,
  ]);
  // multi-byte text counts in UTF-8 bytes
  const wide = `{"name": "a", "version": "1", "description": "${
    "é".repeat(2 * 1024 * 1024)
  }"}`;
  assertEquals(issues(wide), [
    `manifest too large: ${
      new TextEncoder().encode(wide).length
    } bytes (limit 4 MiB)`,
  ]);
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/a.manifest.json`;
    const f = Deno.openSync(path, { write: true, create: true });
    f.truncateSync(4 * 1024 * 1024 + 1);
    f.close();
    const e = await loadManifest(path).catch((e) => e);
    assert.ok(e instanceof ManifestError);
    assertEquals(
      e.message,
      `${path}: manifest too large: ${4 * 1024 * 1024 + 1} bytes (limit 4 MiB)`,
    );
    // a smaller limit, and a file at the limit is read
    Deno.writeTextFileSync(path, `{"name": "a", "version": "1"}`);
    assertEquals((await loadManifest(path, 29)).name, "a");
    const e2 = await loadManifest(path, 28).catch((e) => e);
    assertEquals(
      e2.message,
      `${path}: manifest too large: 29 bytes (limit 28 bytes)`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("manifest: schema_version 1.x is read, another major is a clear error", () => {
  const base = '"name": "a", "version": "1"';
  for (const v of ["1.0", "1.1", "1.42", "1", "1.0.3"]) {
    assertEquals(
      parseManifest(`{"schema_version": "${v}", ${base}}`).schema_version,
      v,
    );
  }
  assertEquals(parseManifest(`{${base}}`).schema_version, undefined);
  assertEquals(issues(`{"schema_version": "2.0", ${base}}`), [
    'schema_version: unsupported version "2.0": this Porta reads schema_version 1.x ("1.0", "1.1", ...)',
  ]);
  assertEquals(issues(`{"schema_version": "0.9", ${base}}`), [
    'schema_version: unsupported version "0.9": this Porta reads schema_version 1.x ("1.0", "1.1", ...)',
  ]);
  assertEquals(issues(`{"schema_version": "v1", ${base}}`), [
    'schema_version: invalid version "v1": this Porta reads schema_version 1.x ("1.0", "1.1", ...)',
  ]);
  assertEquals(issues(`{"schema_version": 1.0, ${base}}`), [
    'schema_version: expected a string such as "1.0", got a number',
  ]);
  assertEquals(issues(`{"schema_version": "1.0\\u001b", ${base}}`), [
    'schema_version: invalid version "1.0\\x1b": this Porta reads schema_version 1.x ("1.0", "1.1", ...)',
  ]);
  // a typo is still an unknown field, with a suggestion
  assertEquals(issues(`{"schema_versoin": "1.0", ${base}}`), [
    'schema_versoin: unknown field (did you mean "schema_version"?)',
  ]);
});

Deno.test("manifest: wasi_imports is kept only when the manifest lists it (an allowlist)", () => {
  const base = '"name": "a", "version": "1"';
  assertEquals(parseManifest(`{${base}}`).wasi_imports, undefined);
  assertEquals(parseManifest(`{${base}, "wasi_imports": []}`).wasi_imports, []);
  assertEquals(
    parseManifest(`{${base}, "wasi_imports": ["proc_exit", "fd_write"]}`)
      .wasi_imports,
    ["proc_exit", "fd_write"],
  );
});

Deno.test("manifest: abi, resourceTemplates, completions and icons are read and kept", () => {
  const m = parseManifest(`{
    "name": "a", "version": "1", "abi": 2, "completions": true,
    "tools": [{"name": "t", "title": "T", "annotations": {"readOnlyHint": true},
               "outputSchema": {"type": "object"},
               "icons": [{"src": "https://example.com/t.png", "mimeType": "image/png", "sizes": ["48x48", "any"], "theme": "dark"}]}],
    "resources": [{"uri": "a://r", "name": "r", "icons": [{"src": "data:image/svg+xml;base64,PHN2Zy8+"}]}],
    "resourceTemplates": [
      {"uriTemplate": "a://notes/{id}", "name": "note", "title": "Note", "description": "d", "mimeType": "text/plain",
       "icons": [{"src": "data:,x"}]},
      {"uriTemplate": "a://files/{+path}{?rev}", "name": "file"}
    ],
    "prompts": [{"name": "p", "icons": []}]
  }`);
  assertEquals(m.abi, 2);
  assertEquals(m.completions, true);
  assertEquals(m.tools[0].title, "T");
  assertEquals(m.tools[0].annotations, { readOnlyHint: true });
  assertEquals(m.tools[0].outputSchema, { type: "object" });
  assertEquals(m.tools[0].icons, [{
    src: "https://example.com/t.png",
    mimeType: "image/png",
    sizes: ["48x48", "any"],
    theme: "dark",
  }]);
  assertEquals(m.resources[0].icons, [{
    src: "data:image/svg+xml;base64,PHN2Zy8+",
  }]);
  assertEquals(m.resourceTemplates, [
    {
      uriTemplate: "a://notes/{id}",
      name: "note",
      title: "Note",
      description: "d",
      mimeType: "text/plain",
      icons: [{ src: "data:,x" }],
    },
    { uriTemplate: "a://files/{+path}{?rev}", name: "file" },
  ]);
  assertEquals(m.prompts[0].icons, []);
  assertEquals(parseManifest(`{"name": "a", "version": "1", "abi": 1}`).abi, 1);
  // absent: not set (a v1 agent without templates or completions)
  const plain = parseManifest(`{"name": "a", "version": "1"}`);
  assertEquals(
    [plain.abi, plain.resourceTemplates, plain.completions],
    [undefined, undefined, undefined],
  );
  assertEquals(
    "icons" in
      parseManifest(`{"name": "a", "version": "1", "tools": [{"name": "t"}]}`)
        .tools[0],
    false,
  );
});

Deno.test("manifest: abi, resourceTemplates, completions and icons: each refusal names its path", () => {
  const base = (extra: string) => `{"name": "a", "version": "1", ${extra}}`;
  const cases: [string, string[]][] = [
    [`"abi": 3`, ["abi: expected 1 or 2, got 3"]],
    [`"abi": "2"`, ['abi: expected 1 or 2, got "2"']],
    [`"abi": null`, ["abi: expected 1 or 2, got null"]],
    [`"completions": "yes"`, ["completions: expected a boolean, got a string"]],
    [`"resourceTemplates": {}`, [
      "resourceTemplates: expected an array, got an object",
    ]],
    [`"resourceTemplates": [3]`, [
      "resourceTemplates[0]: expected an object, got a number",
    ]],
    [`"resourceTemplates": [{"uriTemplate": "{+uri}", "name": "t"}]`, [
      `resourceTemplates[0].uriTemplate: invalid URI template "{+uri}" (expected scheme:... before any expression)`,
    ]],
    [
      `"resourceTemplates": [{"uriTemplate": "x://{id}", "name": "t"}, {"uriTemplate": "x://{id}", "name": "u"}]`,
      [
        `resourceTemplates[1].uriTemplate: duplicate URI template "x://{id}" (also resourceTemplates[0])`,
      ],
    ],
    [`"resourceTemplates": [{"uriTemplate": "x://{id}"}]`, [
      "resourceTemplates[0].name: required field is missing",
    ]],
    [`"resourceTemplates": [{"name": "t", "uri": "x://a"}]`, [
      "resourceTemplates[0].uri: unknown field",
      "resourceTemplates[0].uriTemplate: required field is missing",
    ]],
    [`"tools": [{"name": "t", "icons": [{"src": "http://x/a.png"}]}]`, [
      `tools[0].icons[0].src: expected an https: URL or a data: URI, got "http://x/a.png"`,
    ]],
    [`"tools": [{"name": "t", "icons": [{"src": "javascript:alert(1)"}]}]`, [
      `tools[0].icons[0].src: expected an https: URL or a data: URI, got "javascript:alert(1)"`,
    ]],
    [
      `"tools": [{"name": "t", "icons": [{"src": "https://x/a.png", "sizes": ["big", 3], "theme": "blue", "size": 1}]}]`,
      [
        `tools[0].icons[0].size: unknown field (did you mean "sizes"?)`,
        `tools[0].icons[0].sizes[0]: expected "WxH" (e.g. "48x48") or "any", got "big"`,
        "tools[0].icons[0].sizes[1]: expected a string, got a number",
        `tools[0].icons[0].theme: expected "light" or "dark", got "blue"`,
      ],
    ],
    [`"prompts": [{"name": "p", "icons": {}}]`, [
      "prompts[0].icons: expected an array, got an object",
    ]],
    [`"resources": [{"uri": "a:b", "name": "r", "icons": [{}]}]`, [
      "resources[0].icons[0].src: required field is missing",
    ]],
    [
      `"resourceTemplates": [{"uriTemplate": "a://{x}", "name": "t", "icons": ["https://x/i.png"]}]`,
      ["resourceTemplates[0].icons[0]: expected an object, got a string"],
    ],
    [`"tools": [{"name": "_complete"}]`, [
      'tools[0].name: "_complete" is reserved',
    ]],
  ];
  for (const [extra, want] of cases) {
    assertEquals(issues(base(extra)), want, extra);
  }
  // the URI template parser's own message follows (uri_template.ts)
  for (const t of ["x://{id*}", "x://{id", "x://{}"]) {
    const got = issues(
      base(
        `"resourceTemplates": [{"uriTemplate": ${
          JSON.stringify(t)
        }, "name": "t"}]`,
      ),
    );
    assertEquals(got.length, 1);
    assertMatch(
      got[0],
      new RegExp(
        `^resourceTemplates\\[0\\]\\.uriTemplate: invalid URI template "${
          t.replace(/[{}*]/g, "\\$&")
        }": \\S`,
      ),
    );
  }
});

Deno.test("manifest: a tool's requiredClientCapabilities are kept, and checked", () => {
  const m = parseManifest(
    `{"name": "a", "version": "1", "tools": [{"name": "t", "requiredClientCapabilities": ["sampling", "roots"]}]}`,
  );
  assertEquals(m.tools[0].requiredClientCapabilities, ["sampling", "roots"]);
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "tools": [{"name": "t", "requiredClientCapabilities": ["sampling", "sampling", 3, "no spaces"]}]}`,
    ),
    [
      'tools[0].requiredClientCapabilities[1]: duplicate capability "sampling"',
      "tools[0].requiredClientCapabilities[2]: expected a string, got a number",
      'tools[0].requiredClientCapabilities[3]: invalid capability name "no spaces"',
    ],
  );
  assertEquals(
    issues(
      `{"name": "a", "version": "1", "tools": [{"name": "t", "requiredClientCapabilities": "sampling"}]}`,
    ),
    ["tools[0].requiredClientCapabilities: expected an array, got a string"],
  );
});
