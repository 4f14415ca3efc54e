/**
 * Raw stdio tests of `cli.ts serve`: a stream of malformed lines after which
 * the server still answers; stdout carries only JSON-RPC lines; clean exit
 * on EOF; one-line errors for bad command lines.
 */
import assert from "node:assert/strict";
import { DEMO, ENV_AGENT, ROOT, serveArgs, TEST_AGENT } from "./e2e_helpers.ts";
import { runPorta } from "../helpers/cli.ts";

async function runRaw(
  agent: string,
  input: string[],
  flags: string[] = [],
): Promise<{ code: number; lines: unknown[]; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: serveArgs(agent, flags),
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const enc = new TextEncoder();
  for (const line of input) await writer.write(enc.encode(line));
  await writer.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  const lines = stdout.split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l)
  );
  return {
    code: out.code,
    lines,
    stdout,
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const init = JSON.stringify({
  jsonrpc: "2.0",
  id: "init",
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "raw", version: "0" },
  },
}) + "\n";

Deno.test("raw stdio: malformed input never stops the server; stdout is JSON-RPC only", async () => {
  const garbage = [
    "this is not json\n",
    '{"jsonrpc":"2.0",\n',
    "\u00ff\u00fe\n",
    "[]\n",
    '[{"jsonrpc":"2.0","id":1,"method":"ping"}]\n',
    "null\n",
    '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}\n',
    '{"jsonrpc":"2.0","id":5,"method":"tools/list"}\n', // before initialize
    "\n",
    "x".repeat(5 * 1024 * 1024) + "\n", // over the 4 MiB cap
  ];
  const r = await runRaw(TEST_AGENT, [
    ...garbage,
    init,
    '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
    '{"jsonrpc":"2.0","id":"p","method":"ping"}\n',
    '{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"echo","arguments":{"text":"still here"}}}\n',
    '{"jsonrpc":"2.0","id":"u","method":"no/such/method"}\n',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const byId = (id: unknown) => r.lines.filter((m: any) => m.id === id);
  const codes = r.lines.filter((m: any) => m.id === null).map((m: any) =>
    m.error.code
  );
  assert.deepEqual(codes, [
    -32700,
    -32700,
    -32700,
    -32600,
    -32600,
    -32600,
    -32600,
    -32600,
  ]);
  assert.equal((byId(5)[0] as any).error.code, -32600);
  assert.equal((byId("init")[0] as any).result.protocolVersion, "2025-11-25");
  assert.deepEqual((byId("p")[0] as any).result, {});
  assert.equal((byId("c")[0] as any).result.content[0].text, "still here");
  assert.equal((byId("u")[0] as any).error.code, -32601);
  assert.ok(r.stdout.endsWith("\n"));
  assert.match(r.stderr, /\[porta\] served calls=1 errors=0/);
});

Deno.test("raw stdio: progress comes before the result; EOF while a call runs still answers it before exiting", async () => {
  const r = await runRaw(DEMO, [
    init,
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"fib","arguments":{"n":3},"_meta":{"progressToken":"t"}}}\n',
    '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"fib","arguments":{"n":40}}}\n',
  ]);
  assert.equal(r.code, 0, r.stderr);
  // requests with a _meta.progressToken get progress 0, 1, 2 before the result
  const kinds = r.lines
    .filter((m: any) => m.id === 3 || m.params?.progressToken === "t")
    .map((m: any) => m.method ?? `result:${m.id}`);
  assert.deepEqual(kinds, [
    "notifications/progress",
    "notifications/progress",
    "notifications/progress",
    "result:3",
  ]);
  assert.equal(
    r.lines.filter((m: any) => m.method === "notifications/progress").length,
    3,
    "no progress without a token",
  );
  // stdin ended while fib(40) ran: it is answered before the exit
  const answer = r.lines.find((m: any) => m.id === 9) as any;
  assert.equal(answer.result.content[0].text, "fib(40) = 102334155");
});

Deno.test("raw stdio: at EOF a call still running after --drain is cancelled and answered with an error; exit 0", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: serveArgs(TEST_AGENT, ["--drain", "300ms", "--timeout", "0"]),
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(
      init +
        '{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"spin","arguments":{}}}\n' +
        '{"jsonrpc":"2.0","id":"p","method":"tools/call","params":{"name":"ping","arguments":{}}}\n',
    ),
  );
  // close stdin only once "p" was answered: "s" (endless) is then the one
  // call still running at EOF
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes('"id":"p"')) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  await writer.close();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const status = await child.status;
  const err = await stderr;
  assert.equal(status.code, 0, err);
  const lines = out.trim().split("\n").map((l) => JSON.parse(l));
  const byId = (id: string) => lines.find((m: any) => m.id === id) as any;
  assert.equal(byId("p").result.content[0].text, "pong");
  assert.deepEqual(byId("s").error, {
    code: -32603,
    message: "cancelled: stdin closed",
  });
  assert.match(
    err,
    /\[porta\] stdin closed: cancelling 1 call\(s\) still running after 300 ms/,
  );
  assert.match(err, /\[porta\] served calls=2 errors=1 cancelled=1/);
});

Deno.test("porta serve: a closed stdout ends the session like EOF (exit 141) (QA 14:12)", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: serveArgs(TEST_AGENT, []),
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  const enc = new TextEncoder();
  await writer.write(enc.encode(init));
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert.equal(first.done, false);
  await reader.cancel(); // the client stops reading
  // the next answers cannot be written: the server stops by itself
  for (let i = 0; i < 3; i++) {
    await writer.write(
      enc.encode(`{"jsonrpc":"2.0","id":${i},"method":"ping"}\n`),
    ).catch(() => {});
  }
  // (stdin then ends: without the fix this is a clean exit 0, never a hang)
  await writer.close().catch(() => {});
  const status = await child.status;
  const err = await stderr;
  assert.equal(status.code, 141, err);
  assert.equal(err.match(/stdout write failed/g)?.length, 1, err);
  assert.match(
    err,
    /\[porta\] stdout closed: cancelling \d+ running call\(s\)/,
  );
  assert.match(err, /\[porta\] served calls=0/);
});

Deno.test("porta serve: calls are capped at 256 MiB of memory by default", async () => {
  const call =
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hugemem","arguments":{}}}\n';
  const r = await runRaw(`${ROOT}testdata/cli/hugemem.wasm`, [init, call]);
  assert.equal(r.code, 0, r.stderr);
  const answer = r.lines.find((m: any) => m.id === 1) as any;
  assert.equal(answer.result.isError, true);
  assert.equal(
    answer.result.content[0].text,
    "memory limit of 4096 pages exceeded: the module's memory starts at 4097 pages",
  );
});

const cli = (args: string[]) =>
  runPorta(args, { noPrompt: false, noColor: false });

Deno.test("porta serve: bad command lines are one-line errors", async () => {
  const [missing, noAgent, badFlag, unknown, help] = await Promise.all([
    cli(["serve", "testdata/agents/nope.wasm"]),
    cli(["serve"]),
    cli(["serve", DEMO, "--concurrency", "zero"]),
    cli(["serve", DEMO, "--frobnicate"]),
    cli(["serve", "--help"]),
  ]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.equal(missing.stderr.trim().split("\n").length, 1);
  assert.match(missing.stderr, /^porta: error: .*nope\.wasm/);

  assert.equal(noAgent.code, 2);
  assert.match(noAgent.stderr, /^porta: error: missing <agent\.wasm>/);

  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--concurrency/);

  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option --frobnicate/);

  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: porta serve/);
});

Deno.test("porta serve: --secret values never reach stdout or stderr; diagnostics escape control characters", async () => {
  // a client name trying to colour the terminal and forge a log line
  const evilInit = init.replace(
    '"name":"raw"',
    '"name":"q\\u001b[31mred\\nfake"',
  );
  assert.notEqual(evilInit, init);
  const r = await runRaw(TEST_AGENT, [
    evilInit,
    '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
    '{"jsonrpc":"2.0","id":"l","method":"logging/setLevel","params":{"level":"debug"}}\n',
    '{"jsonrpc":"2.0","id":"e","method":"tools/call","params":{"name":"echo","arguments":{"text":"the token is hunter2-xyz"}}}\n',
  ], ["--secret", "TOKEN=hunter2-xyz"]);
  assert.equal(r.code, 0, r.stderr);
  const answer = r.lines.find((m: any) => m.id === "e") as any;
  assert.equal(answer.result.content[0].text, "the token is [REDACTED]");
  assert.ok(!r.stdout.includes("hunter2"));
  assert.ok(!r.stderr.includes("hunter2"));
  assert.match(r.stderr, /, client q\\x1b\[31mred\\nfake, agent /);
  assert.ok(!r.stderr.includes("\u001b") && !/^fake/m.test(r.stderr));
});

Deno.test("porta serve: --env, --env-file and --secret reach the guest; the host environment does not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const envFile = `${dir}/agent.env`;
    await Deno.writeTextFile(
      envFile,
      'FROM_FILE="file value"\nFOO=from-file\n',
    );
    const get = (id: number, name: string) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name: "getenv", arguments: { name } },
      }) + "\n";
    const r = await runRaw(ENV_AGENT, [
      init,
      get(1, "FOO"),
      get(2, "FROM_FILE"),
      get(3, "API_KEY"),
      get(4, "HOME"),
      get(5, "PATH"),
    ], [
      "--profile",
      "full",
      "--env-file",
      envFile,
      "--env",
      "FOO=bar",
      "--secret",
      "API_KEY=s3cr3t-value",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const text = (id: number) => {
      const m = r.lines.find((x: any) => x.id === id) as any;
      return [m.result.isError, m.result.content[0].text];
    };
    assert.deepEqual(text(1), [false, "bar"]);
    assert.deepEqual(text(2), [false, "file value"]);
    // The secret reached the guest, and was redacted on the way out.
    assert.deepEqual(text(3), [false, "[REDACTED]"]);
    assert.deepEqual(text(4), [true, "unset"]);
    assert.deepEqual(text(5), [true, "unset"]);
    assert.ok(!r.stdout.includes("s3cr3t") && !r.stderr.includes("s3cr3t"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("porta serve --strict-imports: an agent whose imports are not granted is refused with one line per import", async () => {
  const r = await cli(["serve", ENV_AGENT, "--strict-imports"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  assert.ok(lines.every((l) => l.startsWith("porta: error: ")), r.stderr);
  assert.deepEqual(lines.slice(0, 2), [
    'porta: error: import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
    'porta: error: import wasi_snapshot_preview1.environ_sizes_get needs capability "env" (not granted)',
  ]);
  assert.match(lines[2], /^porta: error: hint: --strict-imports /);
  assert.equal(lines.length, 3, r.stderr);
});

Deno.test("porta serve: an agent whose env import is not granted loads and sees an empty environment (secrets stay hidden)", async () => {
  const get = (id: number, name: string) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "getenv", arguments: { name } },
    }) + "\n";
  // the manifest asks for env; the default profile (ai-agent) does not grant it
  const r = await runRaw(ENV_AGENT, [init, get(1, "FOO"), get(2, "API_KEY")], [
    "--env",
    "FOO=bar",
    "--secret",
    "API_KEY=s3cr3t-value",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const text = (id: number) => {
    const m = r.lines.find((x: any) => x.id === id) as any;
    return [m.result.isError, m.result.content[0].text];
  };
  assert.deepEqual(text(1), [true, "unset"]);
  assert.deepEqual(text(2), [true, "unset"]);
  assert.ok(!r.stdout.includes("s3cr3t") && !r.stderr.includes("s3cr3t"));
  assert.ok(!r.stdout.includes("bar") && !r.stderr.includes("FOO=bar"));
});

Deno.test("porta serve: SIGTERM cancels a running call and exits 143 with the summary", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: serveArgs(TEST_AGENT, ["--timeout", "0"]),
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(
      init +
        '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"spin","_meta":{"progressToken":"s"}}}\n',
    ),
  );
  // Wait until the server reports the call as running (progress 1).
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes('"progress":1,')) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  assert.match(out, /"progress":1,/);
  child.kill("SIGTERM");
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const status = await child.status;
  const stderr = new TextDecoder().decode(
    (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
  );
  await writer.close().catch(() => {});
  assert.equal(status.code, 143, stderr);
  assert.ok(
    !out.includes('"id":7,"result"'),
    "a cancelled call gets no response",
  );
  assert.match(stderr, /SIGTERM: cancelling 1 running call/);
  assert.match(stderr, /\[porta\] served calls=1 errors=1 cancelled=1/);
});
