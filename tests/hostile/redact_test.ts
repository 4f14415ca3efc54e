/**
 * Hostile agents, item 7 (redaction): a secret split over chunk boundaries
 * (at every offset, inside multi-byte UTF-8 characters, over many chunks)
 * never leaks, in the streaming redactor and through `porta run` / `porta
 * serve`. Before, a secret straddling the 64 KiB stderr flush point came out
 * verbatim in `run` and in two halves in `serve`.
 */
import {
  deepStrictEqual as assertEquals,
  ok,
  strictEqual,
} from "node:assert/strict";
import {
  REDACTED,
  redactText,
  secretNeedles,
  secretRedactor,
  StreamRedactor,
} from "../../src/agent/redact.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Runs `parts` through a fresh StreamRedactor, returns the output text. */
function stream(needles: string[], parts: Uint8Array[], mask = false): string {
  const out: Uint8Array[] = [];
  const r = new StreamRedactor(needles, (b) => void out.push(b));
  for (const p of parts) r.write(p);
  r.end({ maskPartial: mask });
  let n = 0;
  for (const o of out) n += o.length;
  const all = new Uint8Array(n);
  n = 0;
  for (const o of out) {
    all.set(o, n);
    n += o.length;
  }
  return dec.decode(all);
}

Deno.test("redact: a secret split at every offset of a chunk boundary", () => {
  for (const secret of ["hunter2-token", "pässwörd-🔑-ключ", "\u00e9"]) {
    const needles = secretNeedles({ S: secret });
    const text = `before ${secret} middle "${secret}" after\n`;
    const bytes = enc.encode(text);
    const want = `before ${REDACTED} middle "${REDACTED}" after\n`;
    strictEqual(redactText(text, needles), want);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got = stream(needles, [
        bytes.subarray(0, cut),
        bytes.subarray(cut),
      ]);
      strictEqual(got, want, `cut at byte ${cut} of ${JSON.stringify(secret)}`);
    }
    // and one byte per chunk
    const singles = [...bytes].map((b) => new Uint8Array([b]));
    strictEqual(stream(needles, singles), want);
  }
});

Deno.test("redact: random chunkings agree with whole-text redaction (overlapping secrets)", () => {
  const secrets = ["abcab", "cabx", "é€ab", 'q"uote\\d'];
  const needles = secretNeedles(secrets);
  ok(needles.includes('q\\"uote\\\\d')); // the JSON-escaped form
  const alphabet = [
    "a",
    "b",
    "c",
    "x",
    "é",
    "€",
    "q",
    '"',
    "\\",
    "u",
    "o",
    "t",
    "e",
    "d",
    " ",
  ];
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  for (let round = 0; round < 300; round++) {
    let text = "";
    const len = rnd(80);
    for (let i = 0; i < len; i++) {
      text += rnd(6) === 0
        ? secrets[rnd(secrets.length)]
        : alphabet[rnd(alphabet.length)];
    }
    const bytes = enc.encode(text);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length;) {
      const n = 1 + rnd(9);
      parts.push(bytes.subarray(i, i + n));
      i += n;
    }
    const want = redactText(text, needles);
    strictEqual(stream(needles, parts), want, JSON.stringify(text));
    for (const s of secrets) ok(!want.includes(s), `${s} in ${want}`);
  }
});

Deno.test("redact: overlapping and adjacent occurrences form one run; partial tail on truncation", () => {
  const needles = secretNeedles(["abc", "bcd"]);
  strictEqual(redactText("xabcdy", needles), `x${REDACTED}y`);
  strictEqual(redactText("abcabc", needles), REDACTED);
  strictEqual(redactText("no secret here", needles), "no secret here");
  strictEqual(redactText("cut ab", needles), "cut ab");
  strictEqual(
    redactText("cut ab", needles, { maskPartial: true }),
    `cut ${REDACTED}`,
  );
  strictEqual(
    stream(needles, [enc.encode("cut a"), enc.encode("b")], true),
    `cut ${REDACTED}`,
  );
  strictEqual(
    stream(needles, [enc.encode("cut a"), enc.encode("b")]),
    "cut ab",
  );
  strictEqual(secretRedactor({})("abc"), "abc");
  strictEqual(secretRedactor({ A: "" })("abc"), "abc");
});

Deno.test("redact: pass-through without secrets; bounded hold-back", () => {
  const seen: Uint8Array[] = [];
  const p = new StreamRedactor([], (b) => void seen.push(b));
  const bin = new Uint8Array([0xff, 0x00, 0x80]);
  p.write(bin);
  strictEqual(seen[0], bin); // the same chunk, at once
  strictEqual(p.active, false);
  const held: number[] = [];
  const r = new StreamRedactor(["0123456789"], (b) => void held.push(b.length));
  strictEqual(r.holdBack, 9);
  r.write(enc.encode("x".repeat(100)));
  assertEquals(held, [91]);
  // binary bytes around a secret pass unchanged
  const out: Uint8Array[] = [];
  const b = new StreamRedactor(["SEC"], (x) => void out.push(x));
  b.write(new Uint8Array([0xff, 0xfe, 0x53, 0x45]));
  b.write(new Uint8Array([0x43, 0x80]));
  b.end();
  const flat = out.flatMap((o) => [...o]);
  assertEquals(flat, [0xff, 0xfe, ...enc.encode(REDACTED), 0x80]);
});

Deno.test("redact: linear time on hostile output (no quadratic matching)", () => {
  const secret = "a".repeat(4095) + "b";
  const r = new StreamRedactor(secretNeedles([secret, "ab"]), () => {});
  const chunk = enc.encode("a".repeat(65536));
  const t0 = performance.now();
  for (let i = 0; i < 64; i++) r.write(chunk); // 4 MiB
  r.end();
  const ms = performance.now() - t0;
  ok(ms < 2000, `4 MiB took ${ms} ms`);
  // tiny writes with a long hold-back stay cheap too
  const t1 = performance.now();
  const one = enc.encode("a");
  for (let i = 0; i < 20000; i++) r.write(one);
  ok(performance.now() - t1 < 2000);
});

// ---- end to end: `porta run` and `porta serve` ----

const ROOT = new URL("../../", import.meta.url).pathname;
const ASCII = "hunter2-SECRET-value";
const MULTI = "пароль-🔑-key";

/** WAT string literal of arbitrary bytes. */
function watBytes(b: Uint8Array): string {
  return [...b].map((x) => "\\" + x.toString(16).padStart(2, "0")).join("");
}

/**
 * A reactor whose `leakN` writes, to stderr then stdout, one line of 'a's
 * with the secret placed so that byte 65536 of the line (where WASI cuts
 * its 64 KiB chunks, and where serve and the old run flushed a long line)
 * falls `k` bytes into the secret.
 */
async function leakModule(): Promise<string> {
  const { wat } = await import("../helpers/wat.ts");
  const funcs: string[] = [];
  const datas: string[] = [];
  const cases: [string, number][] = [[ASCII, 6], [MULTI, 14]]; // 14: inside 🔑
  cases.forEach(([secret, k], i) => {
    const s = enc.encode(secret);
    const base = 65536 * (1 + 2 * i);
    const pad = 65536 - k;
    const len = pad + s.length + 1;
    datas.push(
      `(data (i32.const ${base + pad}) "${watBytes(s)}\\0a")`,
    );
    // each stream gets the line in two writes, the first one ending inside
    // the secret just past 64 KiB (where the old serve flushed a long line)
    funcs.push(`(func (export "leak${i + 1}")
      (memory.fill (i32.const ${base}) (i32.const 97) (i32.const ${pad}))
      (call $two (i32.const 2) (i32.const ${base}) (i32.const ${len}))
      (call $two (i32.const 1) (i32.const ${base}) (i32.const ${len})))`);
  });
  const bytes = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write"
      (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 5)
    (func $two (param $fd i32) (param $at i32) (param $len i32)
      (i32.store (i32.const 0) (local.get $at))
      (i32.store (i32.const 4) (i32.const 65538))
      (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
      (i32.store (i32.const 0) (i32.add (local.get $at) (i32.const 65538)))
      (i32.store (i32.const 4) (i32.sub (local.get $len) (i32.const 65538)))
      (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
    ${datas.join("\n")}
    ${funcs.join("\n")})`);
  const path = await Deno.makeTempFile({ suffix: ".wasm" });
  await Deno.writeFile(path, bytes);
  return path;
}

function assertNoLeak(text: string, where: string): void {
  for (
    const part of ["hunter", "SECRET", "-value", "пароль", "🔑", "\\ud83d"]
  ) {
    ok(!text.includes(part), `${where} shows "${part}"`);
  }
}

const SECRET_FLAGS = ["--secret", `A=${ASCII}`, "--secret", `B=${MULTI}`];

Deno.test("redact: porta run never shows a secret split over a 64 KiB chunk boundary (stdout and stderr)", async () => {
  const wasm = await leakModule();
  try {
    for (const entry of ["leak1", "leak2"]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--unstable-worker-options",
          "--no-prompt",
          `${ROOT}cli.ts`,
          "run",
          wasm,
          "--profile",
          "worker",
          "--entry",
          entry,
          ...SECRET_FLAGS,
        ],
        stdin: "null",
      }).output();
      const stdout = dec.decode(out.stdout);
      const stderr = dec.decode(out.stderr);
      strictEqual(out.code, 0, stderr.slice(-300));
      assertNoLeak(stdout, `${entry} stdout`);
      assertNoLeak(stderr, `${entry} stderr`);
      strictEqual(
        stdout,
        "a".repeat(65536 - (entry === "leak1" ? 6 : 14)) + `${REDACTED}\n`,
      );
      ok(stderr.includes(REDACTED));
    }
  } finally {
    await Deno.remove(wasm);
  }
});

Deno.test("redact: porta serve never shows a secret split over a 64 KiB boundary (stderr lines, log notifications, results)", async () => {
  const wasm = await leakModule();
  try {
    const lines = [
      {
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "r", version: "0" },
        },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      {
        jsonrpc: "2.0",
        id: 1,
        method: "logging/setLevel",
        params: { level: "debug" },
      },
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "leak1", arguments: {} },
      },
      {
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "leak2", arguments: {} },
      },
    ].map((m) => JSON.stringify(m) + "\n").join("");
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-worker-options",
        "--no-prompt",
        `${ROOT}cli.ts`,
        "serve",
        wasm,
        "--profile",
        "worker",
        ...SECRET_FLAGS,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(enc.encode(lines));
    await w.close();
    const out = await child.output();
    const stdout = dec.decode(out.stdout);
    const stderr = dec.decode(out.stderr);
    strictEqual(out.code, 0, stderr.slice(-300));
    const msgs = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const results = msgs.filter((m) => m.id === 2 || m.id === 3);
    strictEqual(results.length, 2);
    for (const r of results) ok(r.result.content[0].text.includes(REDACTED));
    const logs = msgs.filter((m) => m.method === "notifications/message");
    ok(logs.some((m) => String(m.params.data).includes(REDACTED)));
    assertNoLeak(stdout, "serve stdout");
    assertNoLeak(stderr, "serve stderr");
  } finally {
    await Deno.remove(wasm);
  }
});
