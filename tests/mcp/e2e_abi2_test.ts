/**
 * End to end with an ABI v2 agent (`testdata/agents/abi2.wasm`) and the
 * official SDK client, over stdio and over Streamable HTTP: a tool that
 * samples, one that elicits (accept, decline, cancel), one that lists
 * roots, progress and log frames arriving before the result, resource
 * templates, subscriptions, and a request the client cannot answer.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import {
  type ClientSetup,
  connectHttp,
  ROOT,
  startHttpServer,
  startSession,
  textOf,
  waitFor,
} from "./e2e_helpers.ts";

const ABI2 = `${ROOT}testdata/agents/abi2.wasm`;

/** What the fake user/model answers, per test. */
interface Answers {
  elicit: "accept" | "decline" | "cancel";
  sampled: string[];
}

function setup(answers: Answers, capabilities = true): ClientSetup {
  return {
    capabilities: capabilities
      ? { sampling: {}, elicitation: {}, roots: { listChanged: false } }
      : {},
    setup(client: Client) {
      if (!capabilities) return;
      client.setRequestHandler(CreateMessageRequestSchema, (req: any) => {
        const m = req.params.messages[0]?.content as { text?: string };
        answers.sampled.push(m?.text ?? "");
        return {
          role: "assistant",
          content: { type: "text", text: `model says: ${m?.text}` },
          model: "test-model",
          stopReason: "endTurn",
        };
      });
      client.setRequestHandler(
        ElicitRequestSchema,
        () =>
          answers.elicit === "accept"
            ? { action: "accept", content: { name: "Ann" } }
            : { action: answers.elicit },
      );
      client.setRequestHandler(ListRootsRequestSchema, () => ({
        roots: [
          { uri: "file:///work/a", name: "a" },
          { uri: "file:///work/b", name: "b" },
        ],
      }));
    },
  };
}

type Connect = (
  o: ClientSetup,
) => Promise<{ client: Client; done(): Promise<string> }>;

const transports: [string, Connect][] = [
  ["stdio", async (o) => {
    const s = await startSession(ABI2, [], o);
    return {
      client: s.client,
      async done() {
        await s.close();
        return s.stderr();
      },
    };
  }],
  ["http", async (o) => {
    const server = await startHttpServer(ABI2);
    const client = await connectHttp(server.url, o);
    return {
      client,
      async done() {
        await client.close();
        await server.stop();
        return server.stderr();
      },
    };
  }],
];

for (const [name, connect] of transports) {
  Deno.test(`e2e abi2 (${name}): sampling, elicitation (accept, decline, cancel) and roots go to the client`, async () => {
    const answers: Answers = { elicit: "accept", sampled: [] };
    const { client, done } = await connect(setup(answers));
    let stderr = "";
    try {
      const s = await client.callTool({
        name: "sample",
        arguments: { prompt: "capital of France?" },
      });
      assert.equal(s.isError, false, JSON.stringify(s));
      assert.equal(textOf(s), "model says: capital of France?");
      assert.deepEqual(answers.sampled, ["capital of France?"]);
      for (const action of ["accept", "decline", "cancel"] as const) {
        answers.elicit = action;
        const e = await client.callTool({
          name: "elicit",
          arguments: { message: "Your name?" },
        });
        assert.equal(textOf(e), action);
        const sc = e.structuredContent as Record<string, unknown>;
        assert.equal(sc.action, action);
        if (action === "accept") assert.deepEqual(sc.content, { name: "Ann" });
      }
      const r = await client.callTool({ name: "roots", arguments: {} });
      assert.equal(textOf(r), "file:///work/a\nfile:///work/b");
    } finally {
      stderr = await done();
    }
    assert.match(stderr, /tool=sample steps=\d+ .*requests=1/);
  });

  Deno.test(`e2e abi2 (${name}): progress and log frames arrive before the result`, async () => {
    const { client, done } = await connect(
      setup({ elicit: "accept", sampled: [] }),
    );
    try {
      // the order on the wire (the SDK dispatches notifications a
      // microtask after responses, so its callbacks may see them late)
      const events: string[] = [];
      const transport = client.transport!;
      const deliver = transport.onmessage!;
      transport.onmessage = (m: any, extra?: any) => {
        if (m.method === "notifications/progress") {
          events.push(`progress:${m.params.progress}/${m.params.total}`);
        } else if (
          m.method === "notifications/message" && m.params.logger !== "porta"
        ) events.push(`log:${m.params.level}`);
        else if (m.id !== undefined && m.result?.content) {
          events.push(`result:${m.result.content[0].text}`);
        }
        deliver.call(transport, m, extra);
      };
      await client.setLoggingLevel("info");
      const result = await client.callTool(
        { name: "progress_log", arguments: {}, _meta: { progressToken: "p" } },
      );
      assert.equal(textOf(result), "done");
      assert.deepEqual(events, [
        "log:info",
        "progress:1/3",
        "progress:2/3",
        "progress:3/3",
        "log:warning",
        "result:done",
      ]);
    } finally {
      await done();
    }
  });

  Deno.test(`e2e abi2 (${name}): a client without the capability gets an isError result naming it`, async () => {
    const { client, done } = await connect(
      setup({ elicit: "accept", sampled: [] }, false),
    );
    try {
      const s = await client.callTool({
        name: "sample",
        arguments: { prompt: "x" },
      });
      assert.equal(s.isError, true);
      assert.match(
        textOf(s),
        /request refused: the agent asked for sampling\/createMessage, but the client did not declare the "sampling" capability/,
      );
      // the server goes on
      const ok = await client.callTool({ name: "structured", arguments: {} });
      assert.deepEqual(ok.structuredContent, { sum: 3 });
    } finally {
      await done();
    }
  });

  Deno.test(`e2e abi2 (${name}): resource templates, subscriptions and updated notifications`, async () => {
    const { client, done } = await connect(
      setup({ elicit: "accept", sampled: [] }),
    );
    try {
      const t = await client.listResourceTemplates();
      assert.deepEqual(
        t.resourceTemplates.map((x: any) => x.uriTemplate),
        ["abi2://notes/{id}", "abi2://files/{+path}"],
      );
      const note = await client.readResource({ uri: "abi2://notes/42" });
      const text = (note.contents[0] as { text: string }).text;
      assert.match(text, /"id":"42"/);
      const updates: string[] = [];
      client.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n: any) => void updates.push(n.params.uri),
      );
      await client.subscribeResource({ uri: "abi2://notes/42" });
      await client.callTool({
        name: "updated",
        arguments: { uri: "abi2://notes/42" },
      });
      await client.callTool({
        name: "updated",
        arguments: { uri: "abi2://notes/other" },
      });
      await waitFor(() => updates.length > 0, "the update notification", 5000);
      assert.deepEqual(updates, ["abi2://notes/42"]);
      await client.unsubscribeResource({ uri: "abi2://notes/42" });
      await client.callTool({
        name: "updated",
        arguments: { uri: "abi2://notes/42" },
      });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(updates, ["abi2://notes/42"]);
    } finally {
      await done();
    }
  });
}
