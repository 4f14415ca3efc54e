import { assertEquals } from "./asserts.ts";
import {
  isPrintable,
  printable,
  printableJson,
} from "../../src/agent/printable.ts";

Deno.test("printable escapes control characters, bidi overrides and separators, nothing else", () => {
  assertEquals(
    printable("tool\n[porta] fake\x1b]0;pwned\x07\r\t\x7f\x9b"),
    "tool\\n[porta] fake\\x1b]0;pwned\\x07\\r\\t\\x7f\\x9b",
  );
  assertEquals(
    printable("a\u202eb\u2028c\u2066d"),
    "a\\u202eb\\u2028c\\u2066d",
  );
  const plain = 'héllo wörld ✓ 日本 \\ "quoted" 😀';
  assertEquals(printable(plain), plain);
  assertEquals([isPrintable(plain), isPrintable("x\x00")], [true, false]);
});

Deno.test("printable escapes the bidi marks LRM, RLM and ALM too", () => {
  assertEquals(
    printable("a\u200eb\u200fc\u061cd\u2069e\u202af"),
    "a\\u200eb\\u200fc\\u061cd\\u2069e\\u202af",
  );
  for (const c of ["\u200e", "\u200f", "\u061c", "\u009b", "\u202e"]) {
    assertEquals(isPrintable(`x${c}`), false, printable(c));
  }
  // zero-width joiners and other letters are not controls
  assertEquals(isPrintable("a\u200db é"), true);
});

Deno.test("printableJson escapes what JSON.stringify leaves raw and round-trips", () => {
  const value = {
    "k\u202e": ["csi\u009b[31m", "del\x7f", "lrm\u200e\u200f\u061c", "\u2028"],
    esc: "\x1b]0;t\x07\n",
    plain: 'é ✓ "q" \\',
  };
  for (const space of [undefined, 2]) {
    const text = printableJson(JSON.stringify(value, null, space));
    assertEquals(JSON.parse(text), value);
    assertEquals(isPrintable(text.replaceAll("\n", "")), true, text);
    assertEquals(text.includes("\\u009b[31m"), true);
    assertEquals(text.includes('"k\\u202e"'), true);
  }
});
