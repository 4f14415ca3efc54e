import { assert, assertEquals, assertThrows } from "./asserts.ts";
import {
  expandUriTemplate,
  matchUriTemplate,
  MAX_URI_TEMPLATE_EXPRESSIONS,
  MAX_URI_TEMPLATE_LENGTH,
  parseUriTemplate,
  UriTemplate,
  UriTemplateError,
} from "../../src/agent/uri_template.ts";

// RFC 6570 section 1.2 and section 3.2 variables.
const RFC_VARS: Record<string, string> = {
  var: "value",
  hello: "Hello World!",
  path: "/foo/bar",
  empty: "",
  x: "1024",
  y: "768",
  who: "fred",
  half: "50%",
  dub: "me/too",
  v: "6",
  base: "http://example.com/home/",
};

// [template, expansion] — RFC 6570 section 1.2 (levels 1-3) and the level
// 1-3 rows of section 3.2 (undef is never defined).
const RFC_CASES: [string, string][] = [
  // 1.2 level 1
  ["{var}", "value"],
  ["{hello}", "Hello%20World%21"],
  // 1.2 level 2
  ["{+var}", "value"],
  ["{+hello}", "Hello%20World!"],
  ["{+path}/here", "/foo/bar/here"],
  ["here?ref={+path}", "here?ref=/foo/bar"],
  ["X{#var}", "X#value"],
  ["X{#hello}", "X#Hello%20World!"],
  // 1.2 level 3
  ["map?{x,y}", "map?1024,768"],
  ["{x,hello,y}", "1024,Hello%20World%21,768"],
  ["{+x,hello,y}", "1024,Hello%20World!,768"],
  ["{+path,x}/here", "/foo/bar,1024/here"],
  ["{#x,hello,y}", "#1024,Hello%20World!,768"],
  ["{#path,x}/here", "#/foo/bar,1024/here"],
  ["X{.var}", "X.value"],
  ["X{.x,y}", "X.1024.768"],
  ["{/var}", "/value"],
  ["{/var,x}/here", "/value/1024/here"],
  ["{;x,y}", ";x=1024;y=768"],
  ["{;x,y,empty}", ";x=1024;y=768;empty"],
  ["{?x,y}", "?x=1024&y=768"],
  ["{?x,y,empty}", "?x=1024&y=768&empty="],
  ["?fixed=yes{&x}", "?fixed=yes&x=1024"],
  ["{&x,y,empty}", "&x=1024&y=768&empty="],
  // 3.2.2 simple
  ["{half}", "50%25"],
  ["O{empty}X", "OX"],
  ["O{undef}X", "OX"],
  ["?{x,empty}", "?1024,"],
  ["?{x,undef}", "?1024"],
  ["?{undef,y}", "?768"],
  // 3.2.3 reserved
  ["{+half}", "50%25"],
  ["{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"],
  ["{+base}index", "http://example.com/home/index"],
  ["O{+empty}X", "OX"],
  ["O{+undef}X", "OX"],
  ["up{+path}{var}/here", "up/foo/barvalue/here"],
  // 3.2.4 fragment
  ["{#var}", "#value"],
  ["{#hello}", "#Hello%20World!"],
  ["{#half}", "#50%25"],
  ["foo{#empty}", "foo#"],
  ["foo{#undef}", "foo"],
  // 3.2.5 label
  ["{.who}", ".fred"],
  ["{.who,who}", ".fred.fred"],
  ["{.half,who}", ".50%25.fred"],
  ["X{.empty}", "X."],
  ["X{.undef}", "X"],
  // 3.2.6 path segments
  ["{/who}", "/fred"],
  ["{/who,who}", "/fred/fred"],
  ["{/half,who}", "/50%25/fred"],
  ["{/who,dub}", "/fred/me%2Ftoo"],
  ["{/var,empty}", "/value/"],
  ["{/var,undef}", "/value"],
  // 3.2.7 path-style parameters
  ["{;who}", ";who=fred"],
  ["{;half}", ";half=50%25"],
  ["{;empty}", ";empty"],
  ["{;v,empty,who}", ";v=6;empty;who=fred"],
  ["{;v,bar,who}", ";v=6;who=fred"],
  ["{;x,y,undef}", ";x=1024;y=768"],
  // 3.2.8 query
  ["{?who}", "?who=fred"],
  ["{?half}", "?half=50%25"],
  ["{?x,y,undef}", "?x=1024&y=768"],
  // 3.2.9 query continuation
  ["{&who}", "&who=fred"],
  ["{&half}", "&half=50%25"],
];

Deno.test("uri template: RFC 6570 level 1-3 examples expand as the RFC says", () => {
  for (const [template, expected] of RFC_CASES) {
    const t = parseUriTemplate(template);
    assertEquals(expandUriTemplate(t, RFC_VARS), expected, template);
    assertEquals(t.expand(RFC_VARS), expected, template);
  }
});

Deno.test("uri template: the RFC examples match back to their defined variables", () => {
  // Where the RFC expansion is unambiguous, matching gives back the values.
  const cases: [string, string, Record<string, string>][] = [
    ["{var}", "value", { var: "value" }],
    ["{hello}", "Hello%20World%21", { hello: "Hello World!" }],
    ["{+hello}", "Hello%20World!", { hello: "Hello World!" }],
    ["{+path}/here", "/foo/bar/here", { path: "/foo/bar" }],
    ["here?ref={+path}", "here?ref=/foo/bar", { path: "/foo/bar" }],
    ["X{#hello}", "X#Hello%20World!", { hello: "Hello World!" }],
    ["map?{x,y}", "map?1024,768", { x: "1024", y: "768" }],
    ["{x,hello,y}", "1024,Hello%20World%21,768", {
      x: "1024",
      hello: "Hello World!",
      y: "768",
    }],
    ["{+x,hello,y}", "1024,Hello%20World!,768", {
      x: "1024",
      hello: "Hello World!",
      y: "768",
    }],
    ["{#x,hello,y}", "#1024,Hello%20World!,768", {
      x: "1024",
      hello: "Hello World!",
      y: "768",
    }],
    ["X{.x,y}", "X.1024.768", { x: "1024", y: "768" }],
    ["{/var,x}/here", "/value/1024/here", { var: "value", x: "1024" }],
    ["{;x,y,empty}", ";x=1024;y=768;empty", { x: "1024", y: "768", empty: "" }],
    ["{?x,y,empty}", "?x=1024&y=768&empty=", {
      x: "1024",
      y: "768",
      empty: "",
    }],
    ["?fixed=yes{&x}", "?fixed=yes&x=1024", { x: "1024" }],
    ["{half}", "50%25", { half: "50%" }],
    ["{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex", {
      base: "http://example.com/home/",
    }],
    ["{/who,dub}", "/fred/me%2Ftoo", { who: "fred", dub: "me/too" }],
    ["{/var,empty}", "/value/", { var: "value", empty: "" }],
    ["foo{#empty}", "foo#", { empty: "" }],
    ["foo{#undef}", "foo", {}],
    ["X{.empty}", "X.", { empty: "" }],
    ["X{.undef}", "X", {}],
    ["{;v,bar,who}", ";v=6;who=fred", { v: "6", who: "fred" }],
    ["O{empty}X", "OX", { empty: "" }],
  ];
  for (const [template, uri, expected] of cases) {
    assertEquals(
      matchUriTemplate(parseUriTemplate(template), uri),
      expected,
      `${template} ~ ${uri}`,
    );
  }
});

Deno.test("uri template: MCP-style templates expand and match", () => {
  const file = parseUriTemplate("file:///{path}");
  assertEquals(file.variables, ["path"]);
  assertEquals(file.expand({ path: "notes.txt" }), "file:///notes.txt");
  assertEquals(file.match("file:///notes.txt"), { path: "notes.txt" });
  assertEquals(file.match("file:///a%2Fb"), { path: "a/b" });
  assertEquals(file.match("file:///a/b"), null); // a simple value has no '/'
  assertEquals(file.match("file:///"), { path: "" });
  assertEquals(file.match("file://x"), null);
  assertEquals(file.match("http:///notes.txt"), null);

  const test = parseUriTemplate("test://template/{id}/data");
  assertEquals(test.expand({ id: "42" }), "test://template/42/data");
  assertEquals(test.match("test://template/42/data"), { id: "42" });
  assertEquals(test.match("test://template/4%202/data"), { id: "4 2" });
  assertEquals(test.match("test://template/a:b@c/data"), { id: "a:b@c" });
  assertEquals(test.match("test://template/4/2/data"), null);
  assertEquals(test.match("test://template/42/data/"), null);
  assertEquals(test.match("test://template/42/dat"), null);
  assertEquals(test.match("test://template//data"), { id: "" });

  const users = parseUriTemplate("users://{userId}/profile{?fields}");
  assertEquals(users.variables, ["userId", "fields"]);
  assertEquals(
    users.expand({ userId: "42", fields: "name,email" }),
    "users://42/profile?fields=name%2Cemail",
  );
  assertEquals(users.expand({ userId: "42" }), "users://42/profile");
  assertEquals(users.match("users://42/profile"), { userId: "42" });
  assertEquals(users.match("users://42/profile?fields=name%2Cemail"), {
    userId: "42",
    fields: "name,email",
  });
  // raw commas in a query value are accepted too
  assertEquals(users.match("users://42/profile?fields=name,email"), {
    userId: "42",
    fields: "name,email",
  });
  assertEquals(users.match("users://42/profile?fields="), {
    userId: "42",
    fields: "",
  });
  assertEquals(users.match("users://42/profile?other=1"), null);
  assertEquals(users.match("users://42/profile?fields=a&other=1"), null);
  assertEquals(users.match("users://42/profile?fields=a&fields=b"), null);
  assertEquals(users.match("users://42/profile?"), null);
  assertEquals(users.match("users://42/profile#top"), null);

  const repo = parseUriTemplate("repo://{owner}/{repo}/blob/{+path}");
  assertEquals(
    repo.expand({ owner: "denoland", repo: "deno", path: "cli/main rs/x.ts" }),
    "repo://denoland/deno/blob/cli/main%20rs/x.ts",
  );
  assertEquals(repo.match("repo://denoland/deno/blob/cli/tools/fmt.rs"), {
    owner: "denoland",
    repo: "deno",
    path: "cli/tools/fmt.rs",
  });
  assertEquals(repo.match("repo://denoland/deno/blob/"), {
    owner: "denoland",
    repo: "deno",
    path: "",
  });
  assertEquals(repo.match("repo://denoland/deno/tree/main"), null);
  assertEquals(repo.match("repo://denoland/blob/x"), null);
});

Deno.test("uri template: matching each operator", () => {
  const m = (template: string, uri: string) =>
    matchUriTemplate(parseUriTemplate(template), uri);
  // simple: ends at / ? # & , and at the following literal
  assertEquals(m("x:{a}.{b}", "x:name.tar.gz"), { a: "name", b: "tar.gz" });
  assertEquals(m("x:{a}-x-{b}", "x:foo-bar-x-baz"), { a: "foo-bar", b: "baz" });
  for (const c of ["/", "?", "#", "&", ","]) {
    assertEquals(m("x:{a}", `x:a${c}b`), null, c);
  }
  assertEquals(m("x:{a},{b}", "x:1,2"), { a: "1", b: "2" });
  assertEquals(m("x:{a,b}", "x:1,2"), { a: "1", b: "2" });
  assertEquals(m("x:{a,b}", "x:1"), { a: "1" });
  assertEquals(m("x:{a,b}", "x:1,2,3"), null);
  assertEquals(m("x:{a,b}", "x:,"), { a: "", b: "" });
  // reserved: anything, including / ? # (the last expression runs to the end)
  assertEquals(m("x:{+a}", "x:/p?q=1#f"), { a: "/p?q=1#f" });
  assertEquals(m("x:{+a}/raw", "x:a/raw/b/raw"), { a: "a/raw/b" });
  assertEquals(m("x:{+a,b}", "x:/p,q,r"), { a: "/p", b: "q,r" });
  assertEquals(m("x:{+a}{?q}", "x:/p/q?q=1"), { a: "/p/q", q: "1" });
  assertEquals(m("x:{+a}{#f}", "x:/p#frag"), { a: "/p", f: "frag" });
  assertEquals(m("x:{+a}", "x:%41%2F"), { a: "A/" });
  // fragment
  assertEquals(m("x:/{#f}", "x:/#a/b?c#d"), { f: "a/b?c#d" });
  assertEquals(m("x:/{#f,g}", "x:/#a,b"), { f: "a", g: "b" });
  assertEquals(m("x:/{#f}", "x:/"), {});
  assertEquals(m("x:/{#f}", "x:/#"), { f: "" });
  // label
  assertEquals(m("file{.ext}", "file.tar.gz"), { ext: "tar.gz" });
  assertEquals(m("file{.a,b}", "file.tar.gz"), { a: "tar", b: "gz" });
  assertEquals(m("file{.ext}", "file"), {});
  assertEquals(m("file{.ext}", "file."), { ext: "" });
  assertEquals(m("file{.ext}", "file.a/b"), null);
  assertEquals(m("x:{name}{.ext}", "x:notes.txt"), {
    name: "notes",
    ext: "txt",
  });
  // path segments
  assertEquals(m("x:{/a,b}", "x:/p/q"), { a: "p", b: "q" });
  assertEquals(m("x:{/a,b}", "x:/p"), { a: "p" });
  assertEquals(m("x:{/a,b}", "x:"), {});
  assertEquals(m("x:{/a,b}", "x:/p/q/r"), null);
  assertEquals(m("x:{/a,b}/r", "x:/p/q/r"), { a: "p", b: "q" });
  assertEquals(m("x:{/a}{/b}", "x:/p/q"), { a: "p", b: "q" });
  assertEquals(m("x:{/a}", "x:/p%2Fq"), { a: "p/q" });
  // path parameters: any order, each at most once, `name` or `name=` is ""
  assertEquals(m("x:{;a,b}", "x:;b=2;a=1"), { a: "1", b: "2" });
  assertEquals(m("x:{;a,b}", "x:;a"), { a: "" });
  assertEquals(m("x:{;a,b}", "x:;a="), { a: "" });
  assertEquals(m("x:{;a,b}", "x:;c=1"), null);
  assertEquals(m("x:{;a,b}", "x:;a=1;a=1"), null);
  assertEquals(m("x:{;a}/rest", "x:;a=1/rest"), { a: "1" });
  // query and continuation
  assertEquals(m("x:{?a,b,c}", "x:?c=3&a=1"), { a: "1", c: "3" });
  assertEquals(m("x:{?a,b}", "x:"), {});
  assertEquals(m("x:{?a,b}", "x:?a"), { a: "" });
  assertEquals(m("x:{?a}", "x:?a=1=2"), { a: "1=2" });
  assertEquals(m("x:{?a}", "x:?a=/p?q"), { a: "/p?q" });
  assertEquals(m("x:{?a}{&b}", "x:?a=1&b=2"), { a: "1", b: "2" });
  assertEquals(m("x:{?a}{&b}", "x:?b=2"), null);
  assertEquals(m("x:?fixed=yes{&x,y}", "x:?fixed=yes&y=2&x=1"), {
    x: "1",
    y: "2",
  });
  assertEquals(m("x:?fixed=yes{&x,y}", "x:?fixed=yes"), {});
  assertEquals(m("x:{?a}{#f}", "x:?a=1#frag"), { a: "1", f: "frag" });
  assertEquals(m("x:{?a}", "x:?a=1#frag"), null);
  assertEquals(m("x:{?a.b,c%20d}", "x:?c%20d=2&a.b=1"), {
    "a.b": "1",
    "c%20d": "2",
  });
});

Deno.test("uri template: matching decodes UTF-8 and refuses invalid encodings without throwing", () => {
  const t = parseUriTemplate("x://{a}/{+b}{?c}");
  assertEquals(t.match("x://%C3%A9t%C3%A9/%F0%9F%98%80?c=%E6%97%A5"), {
    a: "été",
    b: "😀",
    c: "日",
  });
  assertEquals(t.match("x://%c3%a9/b"), { a: "é", b: "b" }); // lower-case hex
  assertEquals(t.match("x://été/b"), { a: "été", b: "b" }); // raw IRI text
  assertEquals(t.match("x://a+b/c"), { a: "a+b", b: "c" }); // '+' is not a space
  for (
    const bad of [
      "x://%/b",
      "x://%4/b",
      "x://%zz/b",
      "x://%C3/b", // truncated sequence
      "x://%FF/b",
      "x://%C0%AF/b", // overlong
      "x://%ED%A0%80/b", // encoded surrogate
      "x://%F4%90%80%80/b", // past U+10FFFF
      "x://a/%E2%82",
      "x://a/b?c=%",
      "x://\ud800/b", // lone surrogate in the URI itself
    ]
  ) assertEquals(t.match(bad), null, bad);
  // Never throws on non-string input either.
  assertEquals(t.match(undefined as unknown as string), null);
});

Deno.test("uri template: expansion encodes UTF-8 and exactly the right characters", () => {
  const t = parseUriTemplate("ü/{a}/{+b}/{#c}");
  assertEquals(
    t.expand({ a: "é 😀/?#[]!'()*~-._", b: "é 😀/?#[]!'()*%41%4g", c: "%" }),
    "%C3%BC/%C3%A9%20%F0%9F%98%80%2F%3F%23%5B%5D%21%27%28%29%2A~-._/" +
      "%C3%A9%20%F0%9F%98%80/?#[]!'()*%41%254g/#%25",
  );
  // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
  assertEquals(parseUriTemplate("{a}").expand({ a: "x\ud800" }), "x%EF%BF%BD");
  // Only own properties are variables: no prototype lookups.
  const p = parseUriTemplate("{constructor}{?toString,__proto__}");
  assertEquals(p.expand({}), "");
  const own = JSON.parse('{"__proto__":"p","toString":"s"}');
  assertEquals(p.expand(own), "?toString=s&__proto__=p");
  assertEquals(
    p.match("x?__proto__=p"),
    JSON.parse(
      '{"constructor":"x","__proto__":"p"}',
    ),
  );
  // null is undefined; other non-strings are a TypeError.
  assertEquals(
    parseUriTemplate("{?a,b}").expand({ a: null as unknown as string, b: "1" }),
    "?b=1",
  );
  assertThrows(
    () => parseUriTemplate("{a}").expand({ a: 5 as unknown as string }),
    TypeError,
    /variable 'a' must be a string, not number/,
  );
});

Deno.test("uri template: randomized expansion of {x} agrees with encodeURIComponent", () => {
  const rand = mulberry32(6570);
  const pool = [
    "a",
    "Z",
    "9",
    "-",
    ".",
    "_",
    "~",
    " ",
    "!",
    "'",
    "(",
    ")",
    "*",
    "%",
    "/",
    "é",
    "日",
    "😀",
    "\u0000",
    "\u007f",
  ];
  const t = parseUriTemplate("{x}");
  for (let i = 0; i < 500; i++) {
    let v = "";
    const len = Math.floor(rand() * 12);
    for (let k = 0; k < len; k++) v += pool[Math.floor(rand() * pool.length)];
    const expected = encodeURIComponent(v).replace(
      /[!'()*]/g,
      (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
    );
    assertEquals(t.expand({ x: v }), expected, JSON.stringify(v));
    assertEquals(t.match(expected), { x: v });
  }
});

Deno.test("uri template: a variable in several expressions must match the same value", () => {
  const t = parseUriTemplate("x:/{a}/{b}/{a}");
  assertEquals(t.variables, ["a", "b"]);
  assertEquals(t.expand({ a: "1", b: "2" }), "x:/1/2/1");
  assertEquals(t.match("x:/1/2/1"), { a: "1", b: "2" });
  assertEquals(t.match("x:/%31/2/1"), { a: "1", b: "2" }); // same once decoded
  assertEquals(t.match("x:/1/2/3"), null);
  const q = parseUriTemplate("x:{?a,a}");
  assertEquals(q.expand({ a: "1" }), "x:?a=1&a=1");
  assertEquals(q.match("x:?a=1&a=1"), { a: "1" });
  assertEquals(q.match("x:?a=1&a=2"), null);
});

Deno.test("uri template: templates without expressions match exactly", () => {
  const t = parseUriTemplate("config://app/%C3%A9-ü");
  assertEquals(t.variables, []);
  assertEquals(t.expand({}), "config://app/%C3%A9-%C3%BC");
  assertEquals(t.match("config://app/%C3%A9-%C3%BC"), {});
  assertEquals(t.match("config://app/%C3%A9-%C3%BCx"), null);
  assertEquals(parseUriTemplate("").match(""), {});
});

Deno.test("uri template: invalid templates are refused with a clear one-line message", () => {
  const cases: [string, RegExp][] = [
    [
      "users://{id",
      /^unclosed expression: '\{' at offset 8 has no matching '\}'$/,
    ],
    ["x{", /^unclosed expression: '\{' at offset 1/],
    ["x{+", /^unclosed expression/],
    ["x{a,", /^unclosed expression/],
    ["x{}", /^empty expression '\{\}' at offset 1$/],
    ["x{+}", /expression at offset 1 has an operator but no variable name/],
    ["{a,}", /empty variable name at offset 3/],
    ["{,a}", /operator ',' at offset 1 is reserved by RFC 6570/],
    ["{a,,b}", /empty variable name at offset 3/],
    [
      "{=a}",
      /operator '=' at offset 1 is reserved by RFC 6570 for future extensions/,
    ],
    ["{!a}", /operator '!' at offset 1 is reserved/],
    ["{@a}", /operator '@' at offset 1 is reserved/],
    ["{|a}", /operator '\|' at offset 1 is reserved/],
    [
      "{var:3}",
      /^level 4 modifier ':' \(prefix\) at offset 4 is not supported: only RFC 6570 levels 1-3 are$/,
    ],
    [
      "{/list*}",
      /^level 4 modifier '\*' \(explode\) at offset 6 is not supported/,
    ],
    [
      "{a-b}",
      /character '-' \(U\+002D\) at offset 2 is not allowed in a variable name/,
    ],
    [
      "{a b}",
      /character U\+0020 at offset 2 is not allowed in a variable name/,
    ],
    ["{a{b}}", /character '\{' \(U\+007B\) at offset 2/],
    ["{.a}{..a}", /variable name at offset 6 starts with '.'/],
    ["{a..b}", /variable name at offset 1 has '\.\.' at offset 3/],
    ["{a.}", /variable name at offset 1 ends with '.'/],
    ["{a%2}", /invalid percent-encoding in a variable name at offset 2/],
    ["x}", /^unexpected '\}' at offset 1: no expression is open$/],
    [
      "a b",
      /character U\+0020 at offset 1 is not allowed in a URI template literal/,
    ],
    ['a"b', /character '"' \(U\+0022\) at offset 1 is not allowed/],
    ["a'b", /character ''' \(U\+0027\)/],
    ["a<b", /'<'/],
    ["a>b", /'>'/],
    ["a\\b", /'\\'/],
    ["a^b", /'\^'/],
    ["a`b", /'`'/],
    ["a|b", /'\|'/],
    ["a\nb", /character U\+000A at offset 1/],
    ["a\u0085b", /character U\+0085 at offset 1/], // C1 control
    ["a\ud800b", /lone surrogate U\+D800 at offset 1/],
    [
      "a%zz",
      /invalid percent-encoding at offset 1: '%' must start a %XX triplet/,
    ],
    ["a%", /invalid percent-encoding at offset 1/],
    [
      "x".repeat(MAX_URI_TEMPLATE_LENGTH + 1),
      /URI template is 1025 characters long; the limit is 1024/,
    ],
    [
      "{a}".repeat(MAX_URI_TEMPLATE_EXPRESSIONS + 1),
      /too many expressions: the one at offset 96 is past the limit of 32/,
    ],
  ];
  for (const [template, re] of cases) {
    const e = assertThrows(
      () => parseUriTemplate(template),
      UriTemplateError,
      re,
    );
    assert.ok(!e.message.includes("\n"), template);
    assertEquals(e.name, "UriTemplateError");
  }
  assertEquals(
    (assertThrows(
      () => parseUriTemplate("ab{c"),
      UriTemplateError,
    ) as UriTemplateError).offset,
    2,
  );
  assertThrows(
    () => parseUriTemplate(5 as unknown as string),
    UriTemplateError,
    /must be a string, not number/,
  );
  // At the limits: accepted.
  parseUriTemplate("x".repeat(MAX_URI_TEMPLATE_LENGTH));
  parseUriTemplate("{a}".repeat(MAX_URI_TEMPLATE_EXPRESSIONS));
  // Valid oddities: pct-encoded and dotted names, non-ASCII literals (any
  // RFC 3987 ucschar, so U+202E too: expansion percent-encodes them).
  assertEquals(parseUriTemplate("a\u202eb").expand({}), "a%E2%80%AEb");
  assertEquals(parseUriTemplate("ü{a.b,c%20d,_9}").variables, [
    "a.b",
    "c%20d",
    "_9",
  ]);
  assertEquals(new UriTemplate("{x}").text, "{x}");
  assertEquals(String(parseUriTemplate("{x}")), "{x}");
});

Deno.test("uri template: hostile 100 KB URIs match (or fail) in linear time", () => {
  const cases: [string, string, Record<string, string> | null][] = [
    ["x://{a}-{b}-{c}-{d}/end", "x://" + "-".repeat(100_000), null],
    ["x://{a}-{b}-{c}-{d}/end", "x://" + "a-".repeat(50_000) + "/end", {
      a: "a",
      b: "a",
      c: "a",
      d: "a-".repeat(49_997), // everything after the third '-'
    }],
    ["x://{+a}/x/{+b}/x/{+c}/y", "x://" + "/x".repeat(50_000), null],
    ["x://{+a}-{+b}-{+c}-{+d}-{+e}!", "x://" + "-".repeat(100_000) + "?", null],
    [
      "x://{a}{.b,c,d}{/e,f}{;g,h}{?i,j}{&k}",
      "x://" + ".".repeat(100_000) + "?i=1&i=2",
      null,
    ],
    ["x://{a}{.b,c,d}{/e,f}{;g,h}{?i,j}{&k}", "x://" + ".".repeat(100_000), {
      a: "",
      b: "",
      c: "",
      d: ".".repeat(99_997), // the last label takes the rest
    }],
    ["x://{a}{?i,j,k}", "x://a?" + "i=1&".repeat(25_000), null],
    ["x://{a}{;i,j,k}", "x://a" + ";i=1".repeat(25_000), null],
    ["x://{a},{b},{c},{d}", "x://" + ",".repeat(100_000), null],
    ["x://{a}/{b}/{c}/{d}/{e}", "x://" + "%".repeat(100_000), null],
    [
      "x://{a}/{b}",
      "x://" + "%41".repeat(33_000) + "/" + "%C3%A9".repeat(1000),
      {
        a: "A".repeat(33_000),
        b: "é".repeat(1000),
      },
    ],
    [
      "x://" + "{a}aaaaaaaaab".repeat(8),
      "x://" + "a".repeat(100_000),
      null,
    ],
  ];
  const started = performance.now();
  for (const [template, uri, expected] of cases) {
    const t0 = performance.now();
    assertEquals(
      matchUriTemplate(parseUriTemplate(template), uri),
      expected,
      template,
    );
    const ms = performance.now() - t0;
    assert.ok(ms < 500, `${template}: ${ms.toFixed(1)} ms`);
  }
  const total = performance.now() - started;
  assert.ok(total < 2000, `total ${total.toFixed(1)} ms`);
});

// --- randomized round trips ------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("uri template: randomized round trips (seeded): match(expand(vars)) gives vars back", () => {
  const rand = mulberry32(0x6570);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const OPS = ["", "+", "#", ".", "/", ";", "?", "&"] as const;
  const PREFIX: Record<string, string> = {
    "#": "#",
    ".": ".",
    "/": "/",
    ";": ";",
    "?": "?",
    "&": "&",
  };
  const SEP: Record<string, string> = {
    "": ",",
    "+": ",",
    "#": ",",
    ".": ".",
    "/": "/",
    ";": ";",
    "?": "&",
    "&": "&",
  };
  const NAMED = new Set([";", "?", "&"]);
  // Literals between expressions each hold a reserved character; one is
  // chosen that the preceding expression never writes (its leading
  // character, separator, '=' and ',').
  const LITERALS = [
    "/",
    ":",
    "/x/",
    "-:-",
    "@",
    "!",
    "$",
    "(",
    ")",
    "*",
    "[x]",
    "/a;b",
    "?q=1",
    "&",
    "#h",
    "+",
    "=",
    ",",
    ";",
    ".:",
    "ü/",
  ];
  // Values: no '.' (a `{.x,y}` separator that values may hold raw), and for
  // `{+x}` / `{#x}` no reserved characters and no '%'; everything else gets
  // percent-encoded and must come back.
  const VALUE_CHARS = [
    "a",
    "B",
    "7",
    "-",
    "_",
    "~",
    " ",
    "é",
    "日",
    "😀",
    "/",
    "?",
    "#",
    "&",
    ",",
    ";",
    "=",
    "%",
    "+",
    ":",
    "@",
    "'",
    '"',
    "<",
    "\\",
    "\u0001",
  ];
  const RESERVED_CHARS = new Set(":/?#[]@!$&'()*+,;=%");
  const NAMES = [
    "a",
    "b1",
    "c_d",
    "e.f",
    "G",
    "h%20i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
  ];
  const value = (op: string): string => {
    const chars = op === "+" || op === "#"
      ? VALUE_CHARS.filter((c) => !RESERVED_CHARS.has(c))
      : VALUE_CHARS;
    let v = "";
    const len = Math.floor(rand() * 6);
    for (let k = 0; k < len; k++) v += pick(chars);
    return v;
  };
  let checked = 0;
  for (let iter = 0; iter < 2000; iter++) {
    const names = [...NAMES].sort(() => rand() - 0.5);
    let text = rand() < 0.8 ? pick(["x://", "test://t/", "ü:", ""]) : "";
    const vars: Record<string, string> = {};
    const nExpr = 1 + Math.floor(rand() * 4);
    for (let e = 0; e < nExpr; e++) {
      const op = pick(OPS);
      const nVars = 1 + Math.floor(rand() * 3);
      const exprNames = names.splice(0, nVars);
      text += `{${op}${exprNames.join(",")}}`;
      // Which values are defined: any for named operators; a leading run for
      // the others (values are assigned in order), at least one for the
      // operators without a leading character.
      let defined = NAMED.has(op) ? -1 : Math.floor(rand() * (nVars + 1));
      if (op === "" || op === "+") defined = Math.max(defined, 1);
      exprNames.forEach((n, k) => {
        const isDefined = defined < 0 ? rand() < 0.7 : k < defined;
        if (isDefined) vars[n] = value(op);
      });
      const isLast = e === nExpr - 1;
      if (!isLast || rand() < 0.5) {
        const writes = new Set([PREFIX[op] ?? "", SEP[op], "=", ",", "%"]);
        let lit: string;
        do lit = pick(LITERALS); while (
          [...lit].every((c) => writes.has(c) || !RESERVED_CHARS.has(c))
        );
        text += lit;
      }
    }
    const t = parseUriTemplate(text);
    const uri = t.expand(vars);
    assertEquals(
      t.match(uri),
      vars,
      `${text} with ${JSON.stringify(vars)} -> ${uri}`,
    );
    checked++;
  }
  assertEquals(checked, 2000);
});
