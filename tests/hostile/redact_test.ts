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
