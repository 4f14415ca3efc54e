import { assertEquals } from "../agent/asserts.ts";
import { LineRedactor } from "../../src/cli/run.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("run: LineRedactor redacts secrets split across chunks, passes through without secrets", () => {
  const out: string[] = [];
  const r = new LineRedactor(
    { TOKEN: "abcdef" },
    (b) => out.push(dec.decode(b)),
  );
  r.write(enc.encode("key=abc"));
  assertEquals(out, []); // held until the line ends
  r.write(enc.encode("def\nnext "));
  assertEquals(out, ["key=[REDACTED]\n"]);
  r.write(enc.encode("abcdef"));
  r.flush();
  assertEquals(out.join(""), "key=[REDACTED]\nnext [REDACTED]");
  const raw: Uint8Array[] = [];
  const p = new LineRedactor({}, (b) => raw.push(b));
  const bytes = new Uint8Array([0xff, 0x00, 0x41]);
  p.write(bytes);
  assertEquals(raw, [bytes]); // untouched, unbuffered
});
