/**
 * The agent ABI v2 (`"abi": 2`, `src/agent/abi2.ts`) through the real
 * `Agent`: frames on the guest's stdout, requests answered on its stdin
 * through the sandbox's stdin channel (`Job.stdin: "source"`). The guests are
 * testdata/agents/abi2.c (C, wasi-libc) and abi2_rust.rs (Rust std), run on
 * Porta's engine in both tiers and on the sandbox's TEST-ONLY reference
 * worker (host WebAssembly).
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "./asserts.ts";
import { Agent, AgentError, UnknownToolError } from "../../src/agent/agent.ts";
import type { AgentRuntime } from "../../src/agent/runtime.ts";
import { GuestPool } from "../../src/sandbox/wall.ts";
import {
  DEFAULT_MAX_REQUESTS,
  encodeAnswer,
  FrameError,
  type GuestFrame,
  parseFrame,
  type RequestAnswer,
  RequestRefused,
} from "../../src/agent/abi2.ts";

const ABI2 = new URL("../../testdata/agents/abi2.wasm", import.meta.url)
  .pathname;
const ABI2_RUST =
  new URL("../../testdata/agents/abi2_rust.wasm", import.meta.url).pathname;
const TOOL = new URL("../../testdata/cli/tool.wasm", import.meta.url).pathname;
const REF_WORKER = new URL("../sandbox/reference_worker.ts", import.meta.url);

/** Host WebAssembly for describing + the reference worker: test-only. */
const referenceRuntime: AgentRuntime = {
  describe(bytes) {
    const m = new WebAssembly.Module(bytes as BufferSource);
    return {
      imports: WebAssembly.Module.imports(m),
      exports: WebAssembly.Module.exports(m),
    };
  },
  createRunner(bytes, opts) {
    return GuestPool.create(bytes, { ...opts, workerUrl: REF_WORKER });
  },
};

const sampling = (text: string): RequestAnswer => ({
  result: {
    role: "assistant",
    content: { type: "text", text },
    model: "test-model",
  },
});

const LIMITS = { timeoutMs: 20_000 };

// ---------------------------------------------------------------------------
// frames and answers, without a guest

Deno.test("abi2: parseFrame reads each frame kind", () => {
  assertEquals(parseFrame('{"log":{"data":"x"}}', 1), {
    type: "log",
    level: "info",
    data: "x",
  });
  assertEquals(
    parseFrame('{"log":{"level":"error","logger":"l","data":{"a":1}}}', 1),
    { type: "log", level: "error", data: { a: 1 }, logger: "l" },
  );
  assertEquals(
    parseFrame('  {"progress":{"progress":1,"total":2,"message":"m"}}\r', 1),
    { type: "progress", progress: 1, total: 2, message: "m" },
  );
  assertEquals(parseFrame('{"updated":{"uri":"a://b"}}', 1), {
    type: "updated",
    uri: "a://b",
  });
  assertEquals(parseFrame('{"request":{"method":"roots/list"}}', 1), {
    type: "request",
    method: "roots/list",
    params: {},
  });
  assertEquals(
    parseFrame('{"request":{"method":"m","params":{"a":1},"key":"k1"}}', 1),
    { type: "request", method: "m", params: { a: 1 }, key: "k1" },
  );
  assertEquals(parseFrame('{"result":{"content":[]}}', 1), {
    type: "result",
    value: { content: [] },
  });
  assertEquals(parseFrame('{"error":"no"}', 1), {
    type: "error",
    message: "no",
  });
  assertEquals(parseFrame('{"error":{"message":"no","code":3}}', 1), {
    type: "error",
    message: "no",
    code: 3,
  });
});

Deno.test("abi2: parseFrame names each problem and the line", () => {
  const cases: [string, RegExp][] = [
    ["not json", /^frame 4 is not valid JSON: /],
    ["[1]", /^frame 4 is not a JSON object \(got an array\)$/],
    ['"s"', /^frame 4 is not a JSON object \(got a string\)$/],
    [
      "{}",
      /^frame 4 has 0 keys \(a frame has exactly one: log, progress, updated, request, result or error\)$/,
    ],
    ['{"log":{},"result":{}}', /^frame 4 has 2 keys /],
    ['{"ok":1}', /^frame 4 has unknown key "ok" \(expected log, /],
    [
      '{"log":{"level":"loud"}}',
      /^frame 4: log\.level must be one of debug, info, /,
    ],
    [
      '{"log":"x"}',
      /^frame 4: log\.\(value\) must be an object, got a string$/,
    ],
    [
      '{"progress":{"progress":"1"}}',
      /^frame 4: progress\.progress must be a number, got a string$/,
    ],
    [
      '{"progress":{"progress":1,"total":null}}',
      /^frame 4: progress\.total must be a number, got null$/,
    ],
    ['{"updated":{}}', /^frame 4: updated\.uri must be a non-empty string/],
    [
      '{"request":{"method":""}}',
      /^frame 4: request\.method must be a non-empty string/,
    ],
    [
      '{"request":{"method":"m","params":[]}}',
      /^frame 4: request\.params must be an object, got an array$/,
    ],
    [
      '{"request":{"method":"m","key":""}}',
      /^frame 4: request\.key must be a string of 1 to 256 characters, got a string$/,
    ],
    [
      '{"request":{"method":"m","key":7}}',
      /^frame 4: request\.key must be a string of 1 to 256 characters, got a number$/,
    ],
    ['{"result":[1]}', /^frame 4: result must be an object, got an array$/],
    ['{"error":{"code":1}}', /^frame 4: error\.message must be a string/],
    [
      '{"error":5}',
      /^frame 4: error must be a string or an object, got a number$/,
    ],
    ["[".repeat(2000), /^frame 4 is nested more than 1024 levels deep$/],
  ];
  for (const [line, re] of cases) {
    const e = assertThrows(() => parseFrame(line, 4), FrameError);
    assertMatch(e.message, re, line);
    assert.ok(!e.message.includes("\n"));
  }
});

Deno.test("abi2: answers are framed as the call is", () => {
  const decode = (b: Uint8Array) => {
    const n = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
    assertEquals(n, b.length - 4);
    return JSON.parse(new TextDecoder().decode(b.subarray(4)));
  };
  assertEquals(decode(encodeAnswer({ result: { a: "é" } })), {
    result: { a: "é" },
  });
  assertEquals(decode(encodeAnswer({ result: undefined })), { result: null });
  assertEquals(
    decode(encodeAnswer({ error: { code: -1, message: "no" } })),
    { error: { code: -1, message: "no" } },
  );
  assertEquals(decode(encodeAnswer({ result: { n: 1n } })), {
    error: { code: -32603, message: "the answer could not be encoded" },
  });
  assertEquals(DEFAULT_MAX_REQUESTS, 16);
});

// ---------------------------------------------------------------------------
// the C agent on each engine and tier

const RUNTIMES: [string, { runtime?: AgentRuntime; tier?: "interp" | "js" }][] =
  [
    ["porta interp", { tier: "interp" }],
    ["porta js", { tier: "js" }],
    ["reference", { runtime: referenceRuntime }],
  ];

for (const [name, opts] of RUNTIMES) {
  Deno.test(`abi2[${name}]: frames, requests and results`, async () => {
    const agent = await Agent.load(ABI2, {
      ...opts,
      profile: "full",
      limits: LIMITS,
    });
    try {
      assertEquals(agent.manifest.abi, 2);
      // log and progress frames, in order, before the call resolves
      const frames: GuestFrame[] = [];
      const pl = await agent.callTool("progress_log", {}, {
        onFrame: (f) => frames.push(f),
      }).then((r) => ({ r, seen: frames.length }));
      assertEquals(pl.seen, 5);
      assertEquals(frames, [
        { type: "log", level: "info", data: "starting" },
        { type: "progress", progress: 1, total: 3, message: "step 1" },
        { type: "progress", progress: 2, total: 3, message: "step 2" },
        { type: "progress", progress: 3, total: 3, message: "step 3" },
        { type: "log", level: "warning", data: { steps: 3 }, logger: "abi2" },
      ]);
      assertEquals(pl.r.isError, false);
      assertEquals(pl.r.value, { content: [{ type: "text", text: "done" }] });
      assertEquals(JSON.parse(pl.r.text), pl.r.value);
      assertEquals(pl.r.requests, 0);

      // a request answered: the answer reaches the guest
      const asked: [string, unknown][] = [];
      const s = await agent.callTool("sample", { prompt: "héllo?" }, {
        onRequest: (method, params) => {
          asked.push([method, params]);
          return Promise.resolve(sampling("the model says ✓"));
        },
      });
      assertEquals(asked, [[
        "sampling/createMessage",
        {
          messages: [{
            role: "user",
            content: { type: "text", text: "héllo?" },
          }],
          maxTokens: 100,
        },
      ]]);
      assertEquals([s.isError, s.requests, s.exitCode], [false, 1, 0]);
      assertEquals(s.value, {
        content: [{ type: "text", text: "the model says ✓" }],
      });

      // an error answer reaches the guest as such
      const se = await agent.callTool("sample", { prompt: "x" }, {
        onRequest: () =>
          Promise.resolve({ error: { code: -1, message: "declined" } }),
      });
      assertEquals(
        [se.isError, se.text, se.error],
        [
          true,
          "the client answered an error: declined",
          "tool returned an error: the client answered an error: declined",
        ],
      );

      // elicitation and roots
      const el = await agent.callTool("elicit", { message: "Name?" }, {
        onRequest: (method, params) => {
          assertEquals(method, "elicitation/create");
          assertEquals(params.message, "Name?");
          return Promise.resolve({
            result: { action: "accept", content: { name: "Ada" } },
          });
        },
      });
      assertEquals(el.value?.structuredContent, {
        action: "accept",
        content: { name: "Ada" },
      });
      const roots = await agent.callTool("roots", {}, {
        onRequest: (method) => {
          assertEquals(method, "roots/list");
          return Promise.resolve({
            result: {
              roots: [{ uri: "file:///a", name: "a" }, { uri: "file:///b" }],
            },
          });
        },
      });
      assertEquals(roots.value, {
        content: [{ type: "text", text: "file:///a\nfile:///b" }],
        structuredContent: { uris: ["file:///a", "file:///b"] },
      });

      // a request frame without its newline, followed by a read
      const nn = await agent.callTool("no_newline", { prompt: "p" }, {
        onRequest: () => Promise.resolve(sampling("fine")),
      });
      assertEquals(nn.value, { content: [{ type: "text", text: "fine" }] });

      // many request/answer round trips: each request frame is seen before
      // the guest's read is answered (else it would read end of input)
      const many = await agent.callTool("many_requests", {}, {
        maxRequests: 100,
        onRequest: () => Promise.resolve({ result: { roots: [] } }),
      });
      assertEquals([many.isError, many.requests], [false, 100]);
      assertEquals(many.value, {
        content: [{ type: "text", text: "100 requests answered" }],
      });
    } finally {
      await agent.close();
    }
  });
}

Deno.test("abi2: structured results, error frames, updated frames", async () => {
  const agent = await Agent.load(ABI2, { profile: "full", limits: LIMITS });
  try {
    const st = await agent.callTool("structured", {});
    assertEquals(st.isError, false);
    assertEquals(st.value, {
      content: [{ type: "text", text: '{"sum":3}' }],
      structuredContent: { sum: 3 },
    });
    const tool = agent.manifest.tools.find((t) => t.name === "structured")!;
    assertEquals(tool.annotations, { readOnlyHint: true });
    assertEquals(tool.outputSchema?.required, ["sum"]);

    const fail = await agent.callTool("fail", {});
    assertEquals([fail.isError, fail.text, fail.error, fail.value], [
      true,
      "the tool failed",
      "tool returned an error: the tool failed",
      undefined,
    ]);

    const frames: GuestFrame[] = [];
    const up = await agent.callTool("updated", { uri: "abi2://notes/7" }, {
      onFrame: (f) => frames.push(f),
    });
    assertEquals(up.isError, false);
    assertEquals(frames, [{ type: "updated", uri: "abi2://notes/7" }]);

    // a throwing onFrame does not disturb the call
    const pl = await agent.callTool("progress_log", {}, {
      onFrame: () => {
        throw new Error("listener failed");
      },
    });
    assertEquals(pl.isError, false);
  } finally {
    await agent.close();
  }
});

Deno.test("abi2: problems end the call as isError results naming them", async () => {
  const agent = await Agent.load(ABI2, {
    profile: "full",
    poolSize: 1,
    limits: LIMITS,
  });
  try {
    // no onRequest: the host offers no requests
    const none = await agent.callTool("sample", { prompt: "x" });
    assertEquals([none.isError, none.error, none.text], [
      true,
      "the agent asked for sampling/createMessage, which this host does not offer",
      "the agent asked for sampling/createMessage, which this host does not offer",
    ]);
    assertEquals(none.requests, 1);

    // refused
    const refused = await agent.callTool("sample", { prompt: "x" }, {
      onRequest: () =>
        Promise.reject(
          new RequestRefused(
            "the client did not declare the sampling capability",
          ),
        ),
    });
    assertEquals(
      [refused.isError, refused.error],
      [
        true,
        "request refused: the client did not declare the sampling capability",
      ],
    );
    // thrown synchronously: the same
    const thrown = await agent.callTool("roots", {}, {
      onRequest: () => {
        throw new RequestRefused("no roots");
      },
    });
    assertEquals(thrown.error, "request refused: no roots");

    // too many requests (the default, then an explicit maximum)
    let n = 0;
    const answer = () => {
      n++;
      return Promise.resolve({ result: { roots: [] } });
    };
    const many = await agent.callTool("many_requests", {}, {
      onRequest: answer,
    });
    assertEquals(
      [many.isError, many.error, many.requests, n],
      [true, "too many requests (more than 16 per call)", 17, 16],
    );
    const three = await agent.callTool("many_requests", {}, {
      onRequest: answer,
      maxRequests: 3,
    });
    assertEquals(three.error, "too many requests (more than 3 per call)");
    const zero = await agent.callTool("roots", {}, {
      onRequest: answer,
      maxRequests: 0,
    });
    assertEquals(zero.error, "too many requests (more than 0 per call)");

    // a bad frame stops the guest
    const frames: GuestFrame[] = [];
    const bad = await agent.callTool("bad_frame", {}, {
      onFrame: (f) => frames.push(f),
    });
    assertEquals(bad.isError, true);
    assertMatch(bad.error!, /^frame 2 is not valid JSON: /);
    assertEquals(frames, [{ type: "log", level: "info", data: "fine so far" }]);

    // no final frame; output after the final frame
    const nores = await agent.callTool("no_result", {});
    assertEquals(
      [nores.isError, nores.error],
      [true, "the agent ended without a result frame"],
    );
    const after = await agent.callTool("after_result", {});
    assertEquals(
      [after.isError, after.error],
      [true, "frame 2: output after the final frame"],
    );

    // the output cap covers the frames: past it the call is truncated
    const capped = await agent.callTool("progress_log", {}, {
      limits: { maxOutputBytes: 100 },
    });
    assertEquals(capped.isError, true);
    assertMatch(
      capped.error!,
      /^output truncated: the tool wrote \d+ bytes, more than the 100-byte limit$/,
    );

    // the worker is reused after each stop: the next call works
    const ok = await agent.callTool("structured", {});
    assertEquals(ok.isError, false);
  } finally {
    await agent.close();
  }
});

Deno.test("abi2: any other rejection rejects the call with that error; the worker goes on", async () => {
  const agent = await Agent.load(ABI2, {
    profile: "full",
    poolSize: 1,
    limits: LIMITS,
  });
  try {
    const err = new Error("input required");
    let signal: AbortSignal | undefined;
    const e = await assertRejects(() =>
      agent.callTool("sample", { prompt: "x" }, {
        onRequest: (_m, _p, s) => {
          signal = s;
          return Promise.reject(err);
        },
      })
    );
    assert.strictEqual(e, err);
    assertEquals(signal?.aborted, true);
    // not an Error at all: rejected as is
    const odd = { why: "not an error" };
    let got: unknown;
    try {
      await agent.callTool("roots", {}, {
        onRequest: () => Promise.reject(odd),
      });
    } catch (x) {
      got = x;
    }
    assert.strictEqual(got, odd);
    const t0 = performance.now();
    const next = await agent.callTool("sample", { prompt: "again" }, {
      onRequest: () => Promise.resolve(sampling("still here")),
    });
    assertEquals(next.value, {
      content: [{ type: "text", text: "still here" }],
    });
    assert.ok(performance.now() - t0 < 5000);
  } finally {
    await agent.close();
  }
});

Deno.test("abi2: cancellation and timeout while the guest waits for an answer", async () => {
  const agent = await Agent.load(ABI2, { profile: "full", poolSize: 1 });
  try {
    // cancelled: resolves at once as cancelled, and the answer's signal aborts
    const ac = new AbortController();
    let abortedAt = 0;
    let requestSignal: AbortSignal | undefined;
    const p = agent.callTool("sample", { prompt: "x" }, {
      signal: ac.signal,
      onRequest: (_m, _p, s) => {
        requestSignal = s;
        setTimeout(() => {
          abortedAt = performance.now();
          ac.abort();
        }, 100);
        return new Promise<RequestAnswer>(() => {}); // never answered
      },
    });
    const c = await p;
    const latency = performance.now() - abortedAt;
    assertEquals([c.isError, c.error, c.requests], [true, "cancelled", 1]);
    assert.ok(latency < 1000, `cancelled after ${latency} ms`);
    assertEquals(requestSignal?.aborted, true);

    // timeout: waiting for the answer counts toward it
    const t0 = performance.now();
    const t = await agent.callTool("sample", { prompt: "x" }, {
      limits: { timeoutMs: 300 },
      onRequest: () => new Promise<RequestAnswer>(() => {}),
    });
    const took = performance.now() - t0;
    assertEquals([t.isError, t.error], [true, "timeout after 300 ms"]);
    assert.ok(took < 1500, `timed out after ${took} ms`);

    // an answer that comes after the call ended is ignored; the worker goes on
    let late: ((a: RequestAnswer) => void) | undefined;
    const t2 = await agent.callTool("sample", { prompt: "x" }, {
      limits: { timeoutMs: 200 },
      onRequest: () => new Promise<RequestAnswer>((r) => late = r),
    });
    assertEquals(t2.error, "timeout after 200 ms");
    late!(sampling("too late"));
    const next = await agent.callTool("structured", {});
    assertEquals(next.isError, false);
    assertEquals(agent.manifest.tools.length > 0, true);
  } finally {
    await agent.close();
  }
});

Deno.test("abi2: secrets are redacted from request params, frames and results", async () => {
  const agent = await Agent.load(ABI2, {
    profile: "full",
    secrets: { TOKEN: "tok-123456" },
    limits: LIMITS,
  });
  try {
    const frames: GuestFrame[] = [];
    const params: unknown[] = [];
    const r = await agent.callTool("leak", {}, {
      onFrame: (f) => frames.push(f),
      onRequest: (_m, p) => {
        params.push(p);
        return Promise.resolve(sampling("ok"));
      },
    });
    const all = JSON.stringify([frames, params, r]);
    assert.ok(!all.includes("tok-123456"), all);
    assertEquals(frames, [{ type: "log", level: "info", data: "[REDACTED]" }]);
    assertEquals(
      (params[0] as { messages: { content: { text: string } }[] })
        .messages[0].content.text,
      "[REDACTED]",
    );
    assertEquals(r.value, { content: [{ type: "text", text: "[REDACTED]" }] });
    assertEquals(r.text, '{"content":[{"type":"text","text":"[REDACTED]"}]}');
  } finally {
    await agent.close();
  }
});

Deno.test("abi2: resource templates, prompts and completions", async () => {
  const agent = await Agent.load(ABI2, { profile: "full", limits: LIMITS });
  try {
    const contents = async (uri: string) => {
      const r = await agent.readResource(uri);
      assertEquals(r.isError, false, r.error);
      const c = (r.value!.contents as { uri: string; text: string }[])[0];
      assertEquals(c.uri, uri);
      return JSON.parse(c.text);
    };
    // a declared resource: {"uri"} only
    assertEquals(await contents("abi2://readme"), { uri: "abi2://readme" });
    // a template: the first match, its text and values
    assertEquals(await contents("abi2://notes/42"), {
      uri: "abi2://notes/42",
      template: "abi2://notes/{id}",
      params: { id: "42" },
    });
    assertEquals(await contents("abi2://files/a/b%20c.txt"), {
      uri: "abi2://files/a/b%20c.txt",
      template: "abi2://files/{+path}",
      params: { path: "a/b c.txt" },
    });
    assertEquals(agent.resourceMimeType("abi2://readme"), "text/plain");
    assertEquals(agent.resourceMimeType("abi2://notes/1"), "application/json");
    assertEquals(agent.resourceMimeType("abi2://other"), undefined);
    assertEquals(
      agent.matchResourceTemplate("abi2://notes/x")?.template.name,
      "note",
    );
    await assertRejects(
      () => agent.readResource("abi2://notes/1/2"),
      UnknownToolError,
    );
    const pr = await agent.getPrompt("greet", { who: "you" });
    assertEquals(pr.value, {
      description: "a prompt",
      messages: [{ role: "user", content: { type: "text", text: "greet" } }],
    });
    const comp = await agent.complete(
      { type: "ref/prompt", name: "greet" },
      { name: "who", value: "al" },
      { arguments: {} },
    );
    assertEquals(comp.value, {
      completion: {
        values: ["alalpha", "albeta"],
        total: 2,
        hasMore: false,
      },
    });
  } finally {
    await agent.close();
  }
  // a v1 agent offers no completions, and stays v1
  const v1 = await Agent.load(TOOL, { profile: "full", limits: LIMITS });
  try {
    assertEquals(v1.manifest.abi, undefined);
    await assertRejects(
      () =>
        v1.complete({ type: "ref/prompt", name: "greet" }, {
          name: "a",
          value: "b",
        }),
      AgentError,
      /offers no completions/,
    );
    const echo = await v1.callTool("echo", { a: 1 });
    assertEquals([echo.value, echo.requests], [undefined, undefined]);
    assertEquals(JSON.parse(echo.text).arguments, { a: 1 });
  } finally {
    await v1.close();
  }
});

Deno.test("abi2: keyed requests, answers in request order, onWaiting, the client member", async () => {
  const agent = await Agent.load(ABI2, { profile: "full", limits: LIMITS });
  try {
    assertEquals(
      agent.manifest.tools.find((t) => t.name === "keyed")
        ?.requiredClientCapabilities,
      ["roots"],
    );
    // both requests reach the host before the guest waits; the second is
    // answered first, yet the guest reads the answers in request order
    const seen: string[] = [];
    const resolvers: Record<string, (a: RequestAnswer) => void> = {};
    let waits = 0;
    const r = await agent.callTool("keyed", {}, {
      onRequest: (method, _params, _signal, key) => {
        seen.push(`${method}:${key}`);
        return new Promise((resolve) => resolvers[key!] = resolve);
      },
      onWaiting: () => {
        waits++;
        assertEquals(seen, ["roots/list:a", "roots/list:b"]);
        resolvers.b({ result: { roots: [{ uri: "file:///1" }] } });
        setTimeout(() => resolvers.a({ result: { roots: [] } }), 20);
      },
    });
    assertEquals(r.value, { content: [{ type: "text", text: "a=0 b=1" }] });
    assertEquals([waits, r.requests], [1, 2]);

    // answers already known: no wait is reported
    waits = 0;
    const known = await agent.callTool("keyed", {}, {
      onRequest: () => Promise.resolve({ result: { roots: [] } }),
      onWaiting: () => waits++,
    });
    assertEquals([known.value?.content, waits], [
      [{ type: "text", text: "a=0 b=0" }],
      0,
    ]);

    // a host that collects requests ends the call when the guest waits
    class InputRequired extends Error {}
    const keys: string[] = [];
    let fail: ((e: unknown) => void) | undefined;
    const collected = new InputRequired("input required");
    const e = await assertRejects(() =>
      agent.callTool("keyed", {}, {
        onRequest: (_m, _p, _s, key) => {
          keys.push(key!);
          return new Promise((_r, reject) => fail ??= reject);
        },
        onWaiting: () => fail!(collected),
      })
    );
    assert.strictEqual(e, collected);
    assertEquals(keys, ["a", "b"]);

    // the client member of the call
    const caps = { sampling: {}, roots: { listChanged: true } };
    const withClient = await agent.callTool("client", {}, {
      client: { capabilities: caps },
    });
    assertEquals(withClient.value?.structuredContent, {
      client: { capabilities: caps },
    });
    const without = await agent.callTool("client", {});
    assertEquals(without.value?.structuredContent, { client: null });
  } finally {
    await agent.close();
  }
});

Deno.test("abi2: the Rust example (std only) samples and reports progress", async () => {
  const agent = await Agent.load(ABI2_RUST, { limits: LIMITS });
  try {
    const frames: GuestFrame[] = [];
    const pl = await agent.callTool("progress_log", {}, {
      onFrame: (f) => frames.push(f),
    });
    assertEquals(pl.value, { content: [{ type: "text", text: "done" }] });
    assertEquals(frames.map((f) => f.type), [
      "log",
      "progress",
      "progress",
      "progress",
      "log",
    ]);
    const s = await agent.callTool("sample", { prompt: 'say "hi" ☺' }, {
      onRequest: (method, params) => {
        assertEquals(method, "sampling/createMessage");
        assertEquals(
          (params as { messages: { content: { text: string } }[] })
            .messages[0].content.text,
          'say "hi" ☺',
        );
        return Promise.resolve(sampling('hi "there" 😀\n'));
      },
    });
    assertEquals(s.value, {
      content: [{ type: "text", text: 'hi "there" 😀\n' }],
    });
  } finally {
    await agent.close();
  }
});
