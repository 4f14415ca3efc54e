import { assertEquals } from "../agent/asserts.ts";
import { dirWarnings, LineRedactor } from "../../src/cli/run.ts";

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

Deno.test("run: --dir warnings when the grants make it useless or read-only", () => {
  const ro = { hostPath: "/tmp", guestPath: "/t", writable: false };
  const rw = { ...ro, writable: true };
  assertEquals(dirWarnings([], new Set()), []);
  assertEquals(dirWarnings([ro], new Set(["io"])), [
    "[porta] warning: --dir is ignored: the fs capability is not granted (see --profile)",
  ]);
  assertEquals(dirWarnings([rw], new Set(["fs"])), [
    "[porta] warning: --dir ...:rw is read-only: the fs.write capability is not granted",
  ]);
  assertEquals(dirWarnings([ro], new Set(["fs"])), []);
  assertEquals(dirWarnings([rw], new Set(["fs", "fs.write"])), []);
});
