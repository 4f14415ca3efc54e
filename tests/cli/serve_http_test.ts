/**
 * `porta serve` flags of the HTTP transport and of requests to the client,
 * run as a user would (`cli.ts serve ... --http 127.0.0.1:0`): each value
 * reaches the transport or the server. `--body-timeout`: a body that
 * trickles gets 408 naming the limit; `--max-pending-body`: a body that
 * would take the bodies being received past it gets 503; `--ask-timeout`:
 * a sampling request the client never answers ends the call with an error
 * naming the limit. Bad values are one-line usage errors (exit 2).
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import { type PortaOutput, runPorta } from "../helpers/cli.ts";
import { startHttpServer } from "../mcp/e2e_helpers.ts";

const DEMO = "testdata/agents/demo.wasm";
const ABI2 = "testdata/agents/abi2.wasm";
const ACCEPT = "application/json, text/event-stream";

/** A POST to `/mcp` whose body stops after `sent` of `length` bytes. */
async function trickle(
  port: number,
  length: number,
  sent: number,
): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\naccept: ${ACCEPT}\r\ncontent-length: ${length}\r\n\r\n${
        " ".repeat(sent)
      }`,
    ),
  );
  return conn;
}

/** The response the server writes on `conn` (head and body; 10 s at most). */
async function readResponse(conn: Deno.TcpConn): Promise<string> {
  const dec = new TextDecoder();
  let out = "";
  const buf = new Uint8Array(4096);
  const timer = setTimeout(() => conn.close(), 10_000);
  const complete = () => {
    const end = out.indexOf("\r\n\r\n");
    if (end < 0) return false;
    const length = /^content-length: *(\d+)/im.exec(out.slice(0, end));
    return length !== null &&
      new TextEncoder().encode(out.slice(end + 4)).length >= Number(length[1]);
  };
  try {
    while (!complete()) {
      const n = await conn.read(buf);
      if (n === null) break;
      out += dec.decode(buf.subarray(0, n), { stream: true });
    }
  } catch {
    // closed by the timer
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
  return out;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

Deno.test("cli serve: bad values of --body-timeout, --max-pending-body, --ask-timeout are one-line usage errors", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["--http", "0", "--body-timeout", "0"],
      /invalid value for --body-timeout: "0" \(expected 1ms to 1h\)$/,
    ],
    [
      ["--http", "0", "--body-timeout", "2h"],
      /invalid value for --body-timeout: "2h" \(expected 1ms to 1h\)$/,
    ],
    [
      ["--http", "0", "--body-timeout", "soon"],
      /invalid value for --body-timeout: "soon" \(expected a duration/,
    ],
    [
      ["--body-timeout", "1s"],
      /--body-timeout applies to --http only/,
    ],
    [
      ["--max-pending-body", "8MiB"],
      /--max-pending-body applies to --http only/,
    ],
    [
      ["--http", "0", "--max-pending-body", "1MiB"],
      /invalid value for --max-pending-body: "1MiB" \(must be at least --max-body, 4194304 bytes, or a body that size would always be refused\)$/,
    ],
    [
      ["--http", "0", "--max-body", "2KiB", "--max-pending-body", "1KiB"],
      /invalid value for --max-pending-body: "1KiB" \(must be at least --max-body, 2048 bytes/,
    ],
    [
      ["--http", "0", "--max-pending-body", "lots"],
      /invalid value for --max-pending-body: "lots" \(expected bytes/,
    ],
    [
      ["--ask-timeout", "25h"],
      /invalid value for --ask-timeout: "25h" \(expected 0 to 24h; 0: as long as the call runs\)$/,
    ],
    [
      ["--ask-timeout", "-1s"],
      /invalid value for --ask-timeout: "-1s" \(expected a duration/,
    ],
  ];
  const outs: PortaOutput[] = [];
  // two at a time: a 2-core machine
  for (let i = 0; i < cases.length; i += 2) {
    outs.push(
      ...await Promise.all(
        cases.slice(i, i + 2).map(([args]) =>
          runPorta(["serve", DEMO, ...args])
        ),
      ),
    );
  }
  cases.forEach(([args, re], i) => {
    const o = outs[i];
    assertEquals(o.code, 2, `${args.join(" ")}: ${o.stderr}`);
    const lines = o.stderr.split("\n").filter((l) => l !== "");
    assertEquals(lines.length, 1, o.stderr);
    assertMatch(lines[0], /^porta: error: /);
    assertMatch(lines[0], re);
    assertEquals(o.stdout, "");
  });
  const help = await runPorta(["help", "serve"]);
  for (
    const flag of ["--body-timeout", "--max-pending-body", "--ask-timeout"]
  ) {
    assertMatch(help.stdout, new RegExp(`^ {2}${flag} `, "m"));
  }
});

Deno.test("cli serve: --body-timeout reaches the HTTP transport (a body that trickles gets 408)", async () => {
  const s = await startHttpServer(DEMO, ["--body-timeout", "300ms"]);
  try {
    const t0 = performance.now();
    const conn = await trickle(portOf(s.url), 100, 10);
    const answer = await readResponse(conn);
    const ms = performance.now() - t0;
    assertMatch(answer, /^HTTP\/1\.1 408 /);
    assertMatch(answer, /the body did not arrive within 300 ms/);
    // well before the default 30 s
    assert.ok(ms < 5000, `408 after ${ms} ms`);
  } finally {
    assertEquals(await s.stop(), 143);
  }
});

Deno.test("cli serve: --max-pending-body reaches the HTTP transport (503 past it)", async () => {
  const s = await startHttpServer(DEMO, [
    "--max-body",
    "1KiB",
    "--max-pending-body",
    "1KiB",
    "--body-timeout",
    "3s",
  ]);
  try {
    // 900 bytes of a 1000-byte body are being received...
    const slow = await trickle(portOf(s.url), 1000, 900);
    await new Promise((r) => setTimeout(r, 500));
    // ...so 900 more would take the bodies being received past 1 KiB
    const r = await fetch(s.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: " ".repeat(900),
    });
    const text = await r.text();
    assertEquals(r.status, 503, text);
    assertMatch(text, /too many request bodies are being received/);
    // the slow one ends with --body-timeout
    assertMatch(
      await readResponse(slow),
      /^HTTP\/1\.1 408 .*\s[\s\S]*within 3000 ms/,
    );
    // alone, a body of that size is read (and parsed: not JSON, 400)
    const alone = await fetch(s.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: " ".repeat(900),
    });
    await alone.body?.cancel();
    assert.ok(![408, 413, 503].includes(alone.status), `${alone.status}`);
  } finally {
    assertEquals(await s.stop(), 143);
  }
});

Deno.test("cli serve: --ask-timeout reaches the server (a sampling request never answered ends the call)", async () => {
  const s = await startHttpServer(ABI2, ["--ask-timeout", "400ms"]);
  const post = (body: unknown, sid?: string) =>
    fetch(s.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        ...(sid ? { "mcp-session-id": sid } : {}),
      },
      body: JSON.stringify(body),
    });
  try {
    const init = await post({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: { sampling: {} },
        clientInfo: { name: "t", version: "1" },
      },
    });
    assertEquals(init.status, 200);
    const sid = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    await (await post(
      { jsonrpc: "2.0", method: "notifications/initialized" },
      sid,
    )).body?.cancel();
    const t0 = performance.now();
    const r = await post({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "sample", arguments: { prompt: "hi" } },
    }, sid);
    // the SSE stream: the sampling request, its withdrawal, the result
    const messages = (await r.text()).split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)));
    const ms = performance.now() - t0;
    const ask = messages.find((m) => m.method === "sampling/createMessage");
    assert.ok(ask, JSON.stringify(messages));
    assert.ok(messages.some((m) =>
      m.method === "notifications/cancelled" &&
      m.params.requestId === ask.id
    ));
    const result = messages.find((m) => m.id === 2);
    assertEquals(result.result.isError, true, JSON.stringify(result));
    assertMatch(
      JSON.stringify(result.result.content),
      /did not answer sampling\/createMessage within 400 ?ms/,
    );
    assert.ok(ms < 10_000, `answered after ${ms} ms`);
    assertMatch(
      s.stderr(),
      /\[porta\] the client did not answer sampling\/createMessage within 400 ?ms/,
    );
  } finally {
    assertEquals(await s.stop(), 143);
  }
});
