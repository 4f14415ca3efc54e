import { assertEquals } from "./asserts.ts";
import { isPrintable, printable } from "../../src/agent/printable.ts";

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
