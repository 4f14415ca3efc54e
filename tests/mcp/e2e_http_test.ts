/**
 * End to end over Streamable HTTP: `porta serve --http` as a child process,
 * the official MCP SDK client (StreamableHTTPClientTransport) on the demo
 * agent; the stateless revision with plain fetch.
 */
import assert from "node:assert/strict";
import { connectHttp, DEMO, startHttpServer, textOf } from "./e2e_helpers.ts";

Deno.test("e2e http: the SDK client lists and calls tools, reads a resource, gets a prompt; two sessions at once", async () => {
  const server = await startHttpServer(DEMO);
  try {
    const [a, b] = await Promise.all([
      connectHttp(server.url),
      connectHttp(server.url),
    ]);
    const tools = await a.listTools();
    assert.ok(
      tools.tools.some((t: { name: string }) => t.name === "word_count"),
    );
    const [ra, rb] = await Promise.all([
      a.callTool({ name: "word_count", arguments: { text: "one two" } }),
      b.callTool({ name: "reverse", arguments: { text: "abc" } }),
    ]);
    assert.equal(JSON.parse(textOf(ra)).words, 2);
    assert.equal(textOf(rb), "cba");
    const res = await a.listResources();
    const read = await a.readResource({ uri: res.resources[0].uri });
    assert.ok(read.contents.length > 0);
    const prompts = await b.listPrompts();
    const p = prompts.prompts[0];
    const args: Record<string, string> = {};
    for (const arg of p.arguments ?? []) args[arg.name] = "x";
    const got = await b.getPrompt({ name: p.name, arguments: args });
    assert.ok(got.messages.length > 0);
    await a.close();
    await b.close();
  } finally {
    const code = await server.stop();
    assert.equal(code, 143, server.stderr());
  }
  assert.match(server.stderr(), /\[porta\] tool=word_count steps=\d+/);
  assert.match(server.stderr(), /\[porta\] served calls=\d+ errors=0/);
});

Deno.test("e2e http: stateless 2026-07-28 requests need no session", async () => {
  const server = await startHttpServer(DEMO);
  try {
    const meta = {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": {},
    };
    const ask = async (method: string, params: Record<string, unknown>) => {
      const r = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2026-07-28",
          "mcp-method": method,
          ...(typeof params.name === "string"
            ? { "mcp-name": params.name }
            : {}),
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method,
          params: { ...params, _meta: meta },
        }),
      });
      assert.equal(r.status, 200);
      return (await r.json()).result;
    };
    const disc = await ask("server/discover", {});
    assert.deepEqual(disc.supportedVersions, ["2026-07-28"]);
    const call = await ask("tools/call", {
      name: "reverse",
      arguments: { text: "xyz" },
    });
    assert.equal(call.resultType, "complete");
    assert.equal(call.content[0].text, "zyx");
  } finally {
    await server.stop();
  }
});

Deno.test("e2e http: refuses a non-loopback address without a token, and bad flags", async () => {
  const run = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-worker-options",
        "cli.ts",
        "serve",
        DEMO,
        ...args,
      ],
      cwd: new URL("../../", import.meta.url),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, err: new TextDecoder().decode(out.stderr) };
  };
  const open = await run(["--http", "0.0.0.0:0"]);
  assert.equal(open.code, 2);
  assert.match(
    open.err,
    /refusing to listen on 0\.0\.0\.0 without --auth-token-env/,
  );
  const bad = await run(["--http", "nope"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /invalid value for --http/);
  const orphan = await run(["--allowed-origin", "https://a.example"]);
  assert.equal(orphan.code, 2);
  assert.match(orphan.err, /--allowed-origin applies to --http only/);
  const unset = await run([
    "--http",
    "127.0.0.1:0",
    "--auth-token-env",
    "PORTA_TEST_UNSET_TOKEN",
  ]);
  assert.equal(unset.code, 1);
  assert.match(unset.err, /PORTA_TEST_UNSET_TOKEN is not set/);
});
