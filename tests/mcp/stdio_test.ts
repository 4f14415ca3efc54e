import assert from "node:assert/strict";
import { readLines, StdioTransport } from "../../src/mcp/transport/stdio.ts";
import { McpServer } from "../../src/mcp/server.ts";
import { FakeAgent } from "./fake_agent.ts";

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) {
        c.enqueue(typeof ch === "string" ? enc.encode(ch) : ch);
      }
      c.close();
    },
  });
}

async function collect(
  s: ReadableStream<Uint8Array>,
  max?: number,
): Promise<unknown[]> {
  const out = [];
  for await (const item of readLines(s, max)) out.push(item);
  return out;
}

Deno.test("readLines splits across chunks, strips CR and keeps a final unterminated line", async () => {
  const euro = new TextEncoder().encode("€"); // 3 bytes, split across chunks
  const items = await collect(streamOf([
    "ab",
    "c\r\nd",
    euro.slice(0, 1),
    euro.slice(1),
    "\n\nlast",
  ]));
  assert.deepEqual(items, [
    { line: "abc" },
    { line: "d€" },
    { line: "" },
    { line: "last" },
  ]);
});

Deno.test("readLines reports an oversized line once and continues", async () => {
  const items = await collect(
    streamOf(["12345", "67890", "abc\nok\n", "x".repeat(20)]),
    8,
  );
  assert.deepEqual(items, [{ tooLong: 13 }, { line: "ok" }, { tooLong: 20 }]);
});

Deno.test("readLines caps a line by its UTF-8 bytes, not UTF-16 code units", async () => {
  // "€" is 1 UTF-16 code unit but 3 bytes; "é" is 2 bytes
  const items = await collect(
    streamOf(["€€€\n", "éééé\n", "ab\r\n", "€€", "€\n"]),
    8,
  );
  assert.deepEqual(items, [
    { tooLong: 9 },
    { line: "éééé" },
    { line: "ab" },
    { tooLong: 9 },
  ]);
});

Deno.test("StdioTransport: malformed and oversized lines never stop the server", async () => {
  const agent = new FakeAgent();
  const server = new McpServer(agent, { version: "0" });
  const lines = [
    "garbage",
    "{",
    "[]",
    '{"jsonrpc":"2.0"}',
    "\u0000\u0001",
    "y".repeat(100),
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  ];
  const chunks: Uint8Array[] = [];
  const output = new WritableStream<Uint8Array>({
    write(c) {
      chunks.push(c);
    },
  });
  const t = new StdioTransport(streamOf([lines.join("\n") + "\n"]), output, {
    maxLine: 64,
  });
  await t.serve(server);
  await server.idle();
  await t.close();
  const text = new TextDecoder().decode(
    new Uint8Array(chunks.flatMap((c) => [...c])),
  );
  assert.ok(text.endsWith("\n"));
  const msgs = text.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(msgs.map((m) => m.error?.code ?? "ok"), [
    -32700,
    -32700,
    -32600,
    -32600,
    -32700,
    -32600,
    "ok",
  ]);
  assert.deepEqual(msgs.at(-1), { jsonrpc: "2.0", id: 1, result: {} });
  assert.match(msgs[5].error.message, /message too large/);
});

Deno.test("StdioTransport serializes concurrent sends into whole lines", async () => {
  const parts: string[] = [];
  const dec = new TextDecoder();
  const output = new WritableStream<Uint8Array>({
    async write(c) {
      await new Promise((r) => setTimeout(r, 1));
      parts.push(dec.decode(c));
    },
  });
  const t = new StdioTransport(streamOf([]), output);
  await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) => t.send({ jsonrpc: "2.0", id: i, result: i }),
    ),
  );
  await t.close();
  assert.equal(parts.length, 20);
  parts.forEach((p, i) =>
    assert.equal(p, JSON.stringify({ jsonrpc: "2.0", id: i, result: i }) + "\n")
  );
});

/** A stream of `n` ping lines that counts how many chunks were pulled. */
function pullCounted(n: number): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
} {
  const enc = new TextEncoder();
  let i = 0;
  return {
    stream: new ReadableStream({
      pull(c) {
        if (i >= n) return c.close();
        c.enqueue(
          enc.encode(
            JSON.stringify({ jsonrpc: "2.0", id: i++, method: "ping" }) + "\n",
          ),
        );
      },
    }, { highWaterMark: 0 }),
    pulled: () => i,
  };
}

Deno.test("StdioTransport: a client that does not read stdout stops the reading of stdin", async () => {
  const server = new McpServer(new FakeAgent(), { version: "0" });
  let release!: () => void;
  const stuck = new Promise<void>((r) => release = r);
  let written = 0;
  const output = new WritableStream<Uint8Array>({
    async write(c) {
      await stuck; // the reader of our stdout went to sleep
      written += c.length;
    },
  });
  const input = pullCounted(1000);
  const t = new StdioTransport(input.stream, output, { maxQueuedOutput: 200 });
  const serving = t.serve(server);
  await new Promise((r) => setTimeout(r, 100));
  // each answer is ~37 bytes: a handful fill the 200-byte backlog, then the
  // transport stops pulling lines
  assert.ok(input.pulled() < 20, `pulled ${input.pulled()} lines`);
  assert.ok(t.queuedOutput > 200);
  assert.ok(t.pauses >= 1);
  // closing with a deadline does not wait for a reader that never comes
  const t0 = performance.now();
  assert.equal(await t.close(50), false);
  assert.ok(performance.now() - t0 < 1000);
  release();
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(written > 0);
  void serving;
});

Deno.test("StdioTransport: reading resumes once the client reads again; every request answered", async () => {
  const server = new McpServer(new FakeAgent(), { version: "0" });
  const parts: Uint8Array[] = [];
  let open = false;
  const output = new WritableStream<Uint8Array>({
    async write(c) {
      while (!open) await new Promise((r) => setTimeout(r, 5));
      parts.push(c);
    },
  });
  const input = pullCounted(300);
  const t = new StdioTransport(input.stream, output, { maxQueuedOutput: 500 });
  const serving = t.serve(server);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(input.pulled() < 50);
  open = true;
  await serving;
  await server.idle();
  assert.equal(await t.close(), true);
  const ids = new TextDecoder().decode(
    new Uint8Array(parts.flatMap((p) => [...p])),
  ).trimEnd().split("\n").map((l) => JSON.parse(l).id);
  assert.equal(ids.length, 300);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
});
