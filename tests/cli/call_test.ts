/**
 * `porta call` (issue #9 item 3): one tool call, resource read or prompt
 * through the same path as `serve`, on the committed fixture
 * testdata/cli/tool.wasm (see tool.c for its tools). Each case spawns
 * `deno run cli.ts call ...` and checks stdout, stderr and the exit code.
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import { runPorta } from "../helpers/cli.ts";

const TOOL = "testdata/cli/tool.wasm";
const DENY = "testdata/cli/deny.wasm";
const SECRET = "s3cr3t-CALL-4711";

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

// at most 4 children at once (2-core CI machine)
let running = 0;
const waiting: (() => void)[] = [];

/** `porta call` with `--profile full` (tool.wasm's manifest asks for env). */
async function call(args: string[]): Promise<Out> {
  while (running >= 4) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await runPorta(
      [
        "call",
        ...args,
        ...(args.includes("--profile") ? [] : ["--profile", "full"]),
      ],
      { noPrompt: false },
    );
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function noStack(o: Out): void {
  assert.ok(!/^\s+at /m.test(o.stderr), `stack trace: ${o.stderr}`);
  assert.ok(!/Uncaught/.test(o.stderr), `uncaught: ${o.stderr}`);
}

/** The one `porta: error:` line of a failed call. */
function errorLine(o: Out): string {
  const lines = o.stderr.split("\n").filter((l) =>
    l.startsWith("porta: error:")
  );
  assertEquals(lines.length, 1, o.stderr);
  return lines[0];
}

Deno.test("call: ok, isError, --json, --resource, --prompt", async () => {
  const [ok, err, json, res, prompt, promptJson, missing] = await Promise.all([
    call([TOOL, "text"]),
    call([TOOL, "fail"]),
    call([TOOL, "echo", '{"a":[1,2]}', "--json"]),
    call([TOOL, "--resource", "tool://readme"]),
    call([TOOL, "--prompt", "greet", "--arg", "who=bob"]),
    call([TOOL, "--prompt", "greet", '{"who":"ann"}', "--json"]),
    call([TOOL, "--prompt", "greet"]),
  ]);
  assertEquals([ok.code, ok.stdout], [0, "plain text result\n"], ok.stderr);
  assertMatch(ok.stderr, /^\[porta\] tool=text steps=\d+ memory=\d+ ok /m);
  // isError: the tool's text as MCP returns it, exit 1
  assertEquals([err.code, err.stdout], [1, "the tool failed\n"], err.stderr);
  assertMatch(err.stderr, /tool=fail .* error .*tool returned an error/);
  assertEquals(json.code, 0, json.stderr);
  assertEquals(JSON.parse(json.stdout), {
    content: [{
      type: "text",
      text: '{"tool":"echo","arguments":{"a":[1,2]}}',
    }],
    isError: false,
  });
  assertEquals(res.code, 0, res.stderr);
  assertEquals(
    JSON.parse(res.stdout),
    { tool: "_resource_read", arguments: { uri: "tool://readme" } },
  );
  assertEquals(prompt.code, 0, prompt.stderr);
  assertEquals(JSON.parse(prompt.stdout), {
    tool: "_prompt_get",
    arguments: { prompt: "greet", arguments: { who: "bob" } },
  });
  assertEquals(promptJson.code, 0, promptJson.stderr);
  const msg = JSON.parse(promptJson.stdout).messages[0];
  assertEquals(msg.role, "user");
  assertMatch(msg.content.text, /"who":"ann"/);
  // a prompt's required argument is checked as serve checks it
  assertEquals(missing.code, 2, missing.stderr);
  assertMatch(errorLine(missing), /missing required argument "who"/);
  for (const o of [ok, err, json, res, prompt, promptJson, missing]) noStack(o);
});

Deno.test("call: usage errors (unknown tool, bad JSON) exit 2 with one line", async () => {
  const [unknown, bad, notObject, noTool, badRes, argsSchema] = await Promise
    .all([
      call([TOOL, "nope"]),
      call([TOOL, "echo", "{bad"]),
      call([TOOL, "echo", "[1]"]),
      call([TOOL]),
      call([TOOL, "--resource", "tool://nothing"]),
      // arguments against inputSchema: a tool error, as serve answers it
      call([TOOL, "echo", '{"a":1}', "--manifest", await schemaManifest()]),
    ]);
  assertEquals(unknown.code, 2);
  assertMatch(errorLine(unknown), /unknown tool: nope/);
  assertEquals(unknown.stdout, "");
  assertEquals(bad.code, 2);
  assertMatch(errorLine(bad), /^porta: error: invalid JSON arguments: /);
  assertEquals(notObject.code, 2);
  assertMatch(errorLine(notObject), /arguments must be a JSON object/);
  assertEquals(noTool.code, 2);
  assertMatch(errorLine(noTool), /missing TOOL/);
  assertEquals(badRes.code, 2);
  assertMatch(errorLine(badRes), /resource not found: tool:\/\/nothing/);
  assertEquals(argsSchema.code, 1, argsSchema.stderr);
  assertMatch(argsSchema.stdout, /^invalid arguments: /);
  for (const o of [unknown, bad, notObject, noTool, badRes, argsSchema]) {
    noStack(o);
  }
});

let schemaPath: string | undefined;
/** tool.wasm's manifest with an `echo` that requires a string "text". */
async function schemaManifest(): Promise<string> {
  if (schemaPath) return schemaPath;
  const dir = await Deno.makeTempDir({ prefix: "porta-call-" });
  schemaPath = `${dir}/tool.manifest.json`;
  await Deno.writeTextFile(
    schemaPath,
    JSON.stringify({
      name: "tool",
      version: "1.0.0",
      capabilities: ["io", "process", "env"],
      tools: [{
        name: "echo",
        inputSchema: {
          type: "object",
          properties: { text: { type: "string" } },
          required: ["text"],
        },
      }],
    }),
  );
  return schemaPath;
}

Deno.test("call: every limit ends the call with isError and one reason", async () => {
  const [steps, memory, timeout, output] = await Promise.all([
    call([TOOL, "spin", "--step-limit", "100000"]),
    call([TOOL, "text", "--max-memory", "1"]),
    call([TOOL, "spin", "--timeout", "300ms"]),
    call([TOOL, "big", "--max-output", "64KiB"]),
  ]);
  assertEquals(steps.code, 1, steps.stderr);
  assertMatch(steps.stdout, /step limit of 100000 instructions reached/);
  assertEquals(memory.code, 1, memory.stderr);
  assertMatch(memory.stdout, /memory limit of 1 page exceeded/);
  assertEquals(timeout.code, 1, timeout.stderr);
  assertMatch(timeout.stdout, /timeout after 300 ms/);
  assertEquals(output.code, 1, output.stderr);
  assertMatch(
    output.stdout,
    /output truncated: the tool wrote 1310720 bytes, more than the 65536-byte limit/,
  );
  assert.ok(output.stdout.length < 70_000, `${output.stdout.length} chars`);
  for (const o of [steps, memory, timeout, output]) {
    assertMatch(o.stderr, /^\[porta\] tool=\w+ .* error /m);
    noStack(o);
  }
});

Deno.test("call: secrets are redacted; denials go to stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-call-" });
  try {
    await Deno.mkdir(`${dir}/out`);
    await Deno.writeTextFile(
      `${dir}/deny.manifest.json`,
      JSON.stringify({
        name: "deny",
        version: "1.0.0",
        capabilities: ["io", "process", "fs", "fs.write", "random"],
        tools: [{ name: "write", inputSchema: { type: "object" } }],
      }),
    );
    const [secret, deny] = await Promise.all([
      call([
        TOOL,
        "secret",
        "--profile",
        "full",
        "--secret",
        `TOKEN=${SECRET}`,
      ]),
      call([
        DENY,
        "write",
        '{"path":"/out/a.wav"}',
        "--manifest",
        `${dir}/deny.manifest.json`,
        "--profile",
        "full",
        "--dir",
        `${dir}/out:/out`,
      ]),
    ]);
    assertEquals(secret.code, 0, secret.stderr);
    assertEquals(secret.stdout, "token=[REDACTED]\n");
    assert.ok(!(secret.stdout + secret.stderr).includes(SECRET));
    assertEquals(deny.code, 0, deny.stderr);
    assertMatch(deny.stdout, /can't open file \/out\/a\.wav/);
    const lines = deny.stderr.split("\n").filter((l) =>
      l.startsWith("[porta] denied:")
    );
    assertEquals(lines, [
      `[porta] denied: path_open "/out/a.wav" (write): /out is read-only; grant it with --dir ${dir}/out:/out:rw`,
    ]);
    assertMatch(deny.stderr, / denied=path_open:rw$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
    if (schemaPath) {
      await Deno.remove(schemaPath.replace(/\/[^/]*$/, ""), {
        recursive: true,
      }).catch(() => {});
    }
  }
});
