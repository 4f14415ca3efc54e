/**
 * End-to-end tests: `cli.ts serve <agent>` as a child process driven by the
 * official MCP SDK client (lifecycle, every method, errors, logging,
 * progress, cancellation, limits, concurrency, shutdown diagnostics).
 */
import assert from "node:assert/strict";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  CONFORMANCE,
  DEMO,
  type Session,
  startSession,
  TEST_AGENT,
  textOf,
  waitFor,
} from "./e2e_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const opts = { sanitizeOps: false, sanitizeResources: false };

async function withSession(
  agent: string,
  flags: string[],
  f: (s: Session) => Promise<void>,
): Promise<string> {
  const s = await startSession(agent, flags);
  try {
    await f(s);
  } finally {
    await s.close();
  }
  await waitFor(() => s.stderr().includes("[porta] served"), "exit summary");
  return s.stderr();
}

async function rpcError(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof McpError) return e;
    throw e;
  }
  throw new Error("expected an MCP error");
}

Deno.test({
  name: "e2e: demo agent, whole lifecycle and every method",
  ...opts,
  fn: async () => {
    const stderr = await withSession(DEMO, [], async ({ client }) => {
      const info = client.getServerVersion() as Any;
      assert.equal(info.name, "porta");
      assert.match(client.getInstructions() ?? "", /Demo agent/);
      const caps = client.getServerCapabilities() as Any;
      assert.ok(caps.tools && caps.resources && caps.prompts && caps.logging);

      const tools = (await client.listTools()) as Any;
      assert.deepEqual(tools.tools.map((t: Any) => t.name), [
        "word_count",
        "reverse",
        "fib",
        "sha256",
      ]);
      assert.equal(tools.tools[0].inputSchema.type, "object");

      const wc = await client.callTool({
        name: "word_count",
        arguments: { text: "one two\nthree" },
      });
      assert.deepEqual(JSON.parse(textOf(wc)), {
        words: 3,
        lines: 2,
        characters: 13,
      });
      assert.equal(
        textOf(
          await client.callTool({
            name: "reverse",
            arguments: { text: "abc€" },
          }),
        ),
        "€cba",
      );
      assert.equal(
        textOf(await client.callTool({ name: "fib", arguments: { n: 92 } })),
        "fib(92) = 7540113804746346429",
      );
      assert.equal(
        textOf(
          await client.callTool({ name: "sha256", arguments: { text: "abc" } }),
        ),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      );
      const bad =
        (await client.callTool({ name: "fib", arguments: { n: 93 } })) as Any;
      assert.equal(bad.isError, true);
      // refused by the tool's inputSchema (maximum 92) before the guest runs
      assert.equal(
        textOf(bad),
        'invalid arguments: property "n" must be <= 92',
      );
      const invalid =
        (await client.callTool({ name: "fib", arguments: {} })) as Any;
      assert.equal(invalid.isError, true);
      assert.match(textOf(invalid), /missing required property "n"/);

      const unknown = await rpcError(
        client.callTool({ name: "nope", arguments: {} }),
      );
      assert.equal(unknown.code, -32602);

      const res = (await client.listResources()) as Any;
      assert.deepEqual(res.resources.map((r: Any) => r.uri), ["demo://readme"]);
      const read = (await client.readResource({ uri: "demo://readme" })) as Any;
      assert.equal(read.contents[0].mimeType, "text/markdown");
      assert.match(read.contents[0].text, /^# Porta demo agent/);
      const missing = await rpcError(
        client.readResource({ uri: "demo://nope" }),
      );
      assert.equal(missing.code, -32002);

      const prompts = (await client.listPrompts()) as Any;
      assert.equal(prompts.prompts[0].name, "summarize");
      const p = (await client.getPrompt({
        name: "summarize",
        arguments: { topic: "wasm" },
      })) as Any;
      assert.equal(p.description, "Summarize a topic");
      assert.deepEqual(p.messages, [{
        role: "user",
        content: {
          type: "text",
          text: "Summarize wasm in three plain sentences.",
        },
      }]);
      const noTopic = await rpcError(
        client.getPrompt({ name: "summarize", arguments: {} }),
      );
      assert.equal(noTopic.code, -32602);

      assert.deepEqual(await client.ping(), {});
    });
    assert.match(
      stderr,
      /\[porta\] tool=word_count steps=\d+ memory=\d+ ok duration=[\d.]+ms/,
    );
    // fib(93) was refused by the schema: the guest never ran for it
    assert.doesNotMatch(stderr, /\[porta\] tool=fib .* error /);
    assert.match(
      stderr,
      /\[porta\] served calls=6 errors=0 cancelled=0 steps=\d+/,
    );
  },
});

Deno.test({
  name: "e2e: logging forwards guest stderr; progress notifications arrive",
  ...opts,
  fn: async () => {
    await withSession(TEST_AGENT, [], async ({ client }) => {
      const logs: string[] = [];
      const porta: string[] = [];
      client.setNotificationHandler(
        LoggingMessageNotificationSchema,
        (n: Any) => {
          const entry = `${n.params.level}:${n.params.data}`;
          (n.params.logger === "porta" ? porta : logs).push(entry);
        },
      );
      await client.callTool({ name: "log", arguments: { count: 2 } });
      assert.deepEqual(logs, []);
      await client.setLoggingLevel("debug");
      await client.callTool({ name: "log", arguments: { count: 2 } });
      // notifications are dispatched by the SDK separately from the response
      // (seen once under load: the call resolved before the last one ran)
      await waitFor(
        () => logs.length >= 2 && porta.length >= 2,
        "log notifications",
        5_000,
      );
      assert.deepEqual(logs, ["info:log line 1", "info:log line 2"]);
      assert.equal(porta[0], "debug:log: started");
      assert.match(porta[1], /^debug:tool=log steps=\d+ memory=\d+ ok/);
      await client.setLoggingLevel("warning");
      await client.callTool({ name: "log", arguments: { count: 1 } });
      assert.equal(logs.length, 2);

      // Progress 0 (queued) and 1 (running) of a call that cannot finish on
      // its own, so they can never share a read with its response (the SDK
      // client drops progress that arrives in the same read as the result);
      // the full sequence 0, 1, 2 before the result is checked byte-exactly
      // in raw_stdio_test.ts.
      const progress: number[] = [];
      const controller = new AbortController();
      const spin = client.callTool(
        { name: "spin", arguments: {} },
        undefined,
        {
          signal: controller.signal,
          timeout: 600_000,
          onprogress: (p: Any) => progress.push(p.progress),
        },
      );
      spin.catch(() => {});
      await waitFor(() => progress.length >= 2, "progress 0 and 1");
      controller.abort();
      await assert.rejects(spin);
      assert.deepEqual(progress, [0, 1]);
    });
  },
});

Deno.test({
  name: "e2e: cancelling an endless call stops it; the server keeps answering",
  ...opts,
  fn: async () => {
    const stderr = await withSession(
      TEST_AGENT,
      ["--timeout", "0"],
      async (s) => {
        const controller = new AbortController();
        const call = s.client.callTool(
          { name: "spin", arguments: {} },
          undefined,
          {
            signal: controller.signal,
            timeout: 600_000,
          },
        );
        call.catch(() => {});
        // The server answers ping while the guest spins.
        assert.deepEqual(await s.client.ping(), {});
        controller.abort("user gave up");
        await assert.rejects(call);
        await waitFor(
          () => s.stderr().includes("tool=spin"),
          "the cancel diagnostic",
        );
        assert.match(s.stderr(), /tool=spin .*cancelled/);
        assert.deepEqual(await s.client.ping(), {});
        const r = await s.client.callTool({
          name: "echo",
          arguments: { text: "after" },
        });
        assert.equal(textOf(r), "after");
      },
    );
    assert.match(stderr, /cancelled=1/);
  },
});

Deno.test({
  name: "e2e: step limit, memory limit and timeout end a call with isError",
  ...opts,
  fn: async () => {
    // two independent servers, run side by side
    const limits = withSession(
      TEST_AGENT,
      ["--step-limit", "2000000", "--max-memory", "8", "--timeout", "20s"],
      async ({ client }) => {
        const spin =
          (await client.callTool({ name: "spin", arguments: {} })) as Any;
        assert.equal(spin.isError, true);
        assert.match(textOf(spin), /step limit|fuel/i);
        const grow = (await client.callTool({
          name: "grow",
          arguments: { pages: 64 },
        })) as Any;
        assert.equal(grow.isError, true);
        assert.match(textOf(grow), /memory/i);
        const trap =
          (await client.callTool({ name: "trap", arguments: {} })) as Any;
        assert.equal(trap.isError, true);
        assert.match(textOf(trap), /unreachable/);
        const exit = (await client.callTool({
          name: "exit",
          arguments: { code: 3 },
        })) as Any;
        assert.equal(exit.isError, true);
        assert.match(textOf(exit), /3/);
        const fail =
          (await client.callTool({ name: "fail", arguments: {} })) as Any;
        assert.equal(fail.isError, true);
        assert.equal(textOf(fail), "this tool always fails");
        const small = (await client.callTool({
          name: "grow",
          arguments: { pages: 1 },
        })) as Any;
        assert.equal(small.isError, false, textOf(small));
        assert.equal(textOf(small), "grew 1 pages");
      },
    );
    const timeout = withSession(
      TEST_AGENT,
      ["--timeout", "300ms"],
      async (s) => {
        const client = s.client;
        // a call's timeout counts its wait for a worker too: start once the pool is up (on a
        // loaded machine it takes seconds, and the pong below would time out waiting)
        await waitFor(() => s.stderr().includes("workers ready"), "workers");
        const r =
          (await client.callTool({ name: "spin", arguments: {} })) as Any;
        assert.equal(r.isError, true);
        assert.match(textOf(r), /time/i);
        assert.equal(
          textOf(await client.callTool({ name: "ping", arguments: {} })),
          "pong",
        );
      },
    );
    await Promise.all([limits, timeout]);
  },
});

Deno.test({
  name:
    "e2e: concurrent calls each get their own answer; a spinning call does not block others",
  ...opts,
  fn: async () => {
    await withSession(
      TEST_AGENT,
      ["--concurrency", "3", "--timeout", "0"],
      async ({ client }) => {
        const controller = new AbortController();
        const spin = client.callTool(
          { name: "spin", arguments: {} },
          undefined,
          {
            signal: controller.signal,
            timeout: 600_000,
          },
        );
        spin.catch(() => {});
        const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`);
        const results = await Promise.all(
          texts.map((text) =>
            client.callTool({ name: "echo", arguments: { text } })
          ),
        );
        assert.deepEqual(results.map(textOf), texts);
        controller.abort();
        await assert.rejects(spin);
      },
    );
  },
});

Deno.test({
  name:
    "e2e: conformance agent: rich content, binary and template resources, prompts with images and resources, completion, a request the client cannot answer",
  ...opts,
  fn: async () => {
    await withSession(CONFORMANCE, [], async ({ client }) => {
      const mixed = (await client.callTool({
        name: "test_multiple_content_types",
        arguments: {},
      })) as Any;
      assert.deepEqual(mixed.content.map((c: Any) => c.type), [
        "text",
        "image",
        "resource",
      ]);
      assert.equal(
        mixed.content[2].resource.text,
        '{"test":"data","value":123}',
      );
      const audio = (await client.callTool({
        name: "test_audio_content",
        arguments: {},
      })) as Any;
      assert.equal(audio.content[0].mimeType, "audio/wav");
      assert.equal(atob(audio.content[0].data).slice(0, 4), "RIFF");
      const bin =
        (await client.readResource({ uri: "test://static-binary" })) as Any;
      assert.equal(bin.contents[0].mimeType, "image/png");
      assert.equal(atob(bin.contents[0].blob).slice(1, 4), "PNG");
      const p = (await client.getPrompt({
        name: "test_prompt_with_embedded_resource",
        arguments: { resourceUri: "test://x" },
      })) as Any;
      assert.equal(p.messages[0].content.type, "resource");
      assert.equal(p.messages[0].content.resource.uri, "test://x");
      const img =
        (await client.getPrompt({ name: "test_prompt_with_image" })) as Any;
      assert.equal(img.messages[0].content.type, "image");
      const c = (await client.complete({
        ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
        argument: { name: "arg1", value: "te" },
      })) as Any;
      assert.deepEqual(c.completion.values, ["testValue1", "testing"]);
      const tpl = (await client.readResource({
        uri: "test://template/123/data",
      })) as Any;
      assert.equal(tpl.contents[0].mimeType, "application/json");
      assert.deepEqual(JSON.parse(tpl.contents[0].text), {
        id: "123",
        templateTest: true,
        data: "Data for ID: 123",
      });
      // this client declares no sampling capability: the call fails as a tool error
      const sampling = (await client.callTool({
        name: "test_sampling",
        arguments: { prompt: "hi" },
      })) as Any;
      assert.equal(sampling.isError, true);
    });
  },
});
