/**
 * schema.ts: `$ref` (local JSON Pointers, recursion, loops), the combinators
 * (`allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`), the 2020-12
 * keywords, checking any value (`checkValue`, `name`) and the step limit.
 */
import { assert, assertEquals, assertThrows } from "./asserts.ts";
import {
  checkArguments,
  checkArgumentsAsync,
  checkValue,
  type CompiledSchema,
  compilePattern,
  compileSchema,
  MIN_CHECK_STEPS,
  SchemaError,
} from "../../src/agent/schema.ts";

type Schema = Record<string, unknown>;

/** The issues of a schema that does not compile. */
function issues(schema: Schema, path?: string): string[] {
  try {
    compileSchema(schema, path);
  } catch (e) {
    assert.ok(e instanceof SchemaError, String(e));
    return e.issues;
  }
  throw new Error("expected a SchemaError");
}

/** Checks each [value, problem] pair against the schema. */
function table(schema: Schema, cases: [unknown, string | null][]): void {
  const compiled = compileSchema(schema);
  for (const [value, problem] of cases) {
    assertEquals(
      checkArguments(compiled, value),
      problem,
      JSON.stringify(value),
    );
  }
}

const TREE: Schema = {
  $defs: {
    node: {
      type: "object",
      properties: {
        value: { type: "integer" },
        children: { type: "array", items: { $ref: "#/$defs/node" } },
      },
      required: ["value"],
      additionalProperties: false,
    },
  },
  $ref: "#/$defs/node",
};

Deno.test("$ref: #/$defs, #/definitions, # and any pointer into the root", () => {
  table({
    type: "object",
    $defs: { name: { type: "string", minLength: 1 } },
    definitions: { count: { type: "integer", minimum: 0 } },
    properties: {
      a: { $ref: "#/$defs/name" },
      b: { $ref: "#/definitions/count" },
      c: { $ref: "#/properties/a" },
      d: { $ref: "#/properties/e/items/0" },
      e: { items: [{ const: 1 }] },
      self: { $ref: "#" },
    },
    additionalProperties: false,
  }, [
    [{ a: "x", b: 0, c: "y", d: 1, self: { a: "z", self: {} } }, null],
    [{ a: "" }, 'property "a" must be at least 1 characters long'],
    [{ b: -1 }, 'property "b" must be >= 0'],
    [{ b: 1.5 }, 'property "b" must be of type integer'],
    [{ c: 3 }, 'property "c" must be of type string'],
    [{ d: 2 }, 'property "d" must be 1'],
    [{ self: { z: 1 } }, 'property "self.z" is not allowed'],
    [
      { self: { self: { self: { b: "x" } } } },
      'property "self.self.self.b" must be of type integer',
    ],
  ]);
  // keywords beside $ref apply too (2020-12)
  table({
    $defs: { s: { type: "string" } },
    properties: { a: { $ref: "#/$defs/s", maxLength: 2 } },
  }, [
    [{ a: "ab" }, null],
    [{ a: 1 }, 'property "a" must be of type string'],
    [{ a: "abc" }, 'property "a" must be at most 2 characters long'],
  ]);
  // references to boolean schemas
  table({
    $defs: { yes: true, no: false },
    properties: { a: { $ref: "#/$defs/yes" }, b: { $ref: "#/$defs/no" } },
  }, [
    [{ a: [1, { x: 2 }] }, null],
    [{ b: 1 }, 'property "b" is not allowed'],
  ]);
});

Deno.test("$ref: a recursive tree accepts a deep valid tree and names an invalid leaf's path", () => {
  const schema = compileSchema(TREE);
  // 400 levels of nodes (800 levels of JSON), and a wide level
  let deep: Record<string, unknown> = { value: 0 };
  for (let i = 1; i < 250; i++) deep = { value: i, children: [deep] };
  const wide = {
    value: 0,
    children: Array.from({ length: 2000 }, (_, i) => ({
      value: i,
      children: [{ value: i }, { value: -i, children: [] }],
    })),
  };
  assertEquals(checkArguments(schema, deep), null);
  assertEquals(checkArguments(schema, wide), null);
  // an invalid leaf deep down
  let bad: Record<string, unknown> = { value: "leaf" };
  for (let i = 0; i < 3; i++) bad = { value: i, children: [{ value: 9 }, bad] };
  assertEquals(
    checkArguments(schema, bad),
    'property "children[1].children[1].children[1].value" must be of type integer',
  );
  assertEquals(
    checkArguments(schema, { value: 1, children: [{ value: 2, extra: 1 }] }),
    'property "children[0].extra" is not allowed',
  );
  assertEquals(
    checkArguments(schema, { value: 1, children: [{ children: [] }] }),
    'missing required property "children[0].value"',
  );
  // a tree through "#" itself, and through properties (not items)
  table({
    type: "object",
    properties: { name: { type: "string" }, next: { $ref: "#" } },
  }, [
    [{ name: "a", next: { name: "b", next: { name: "c" } } }, null],
    [
      { next: { next: { name: 3 } } },
      'property "next.next.name" must be of type string',
    ],
    [{ next: 1 }, 'property "next" must be of type object'],
  ]);
});

Deno.test("$ref: a loop that never moves into the value is a SchemaError; one that does is fine", () => {
  assertEquals(issues({ $ref: "#" }), [
    "inputSchema: endless $ref loop: each step checks the same value (inputSchema -> inputSchema)",
  ]);
  assertEquals(
    issues({
      properties: { x: { $ref: "#/$defs/a" } },
      $defs: {
        a: { $ref: "#/$defs/b" },
        b: { anyOf: [{ type: "string" }, { $ref: "#/$defs/a" }] },
      },
    }, "tools[0].inputSchema"),
    [
      "tools[0].inputSchema.$defs.a: endless $ref loop: each step checks the same value (tools[0].inputSchema.$defs.a -> tools[0].inputSchema.$defs.b -> tools[0].inputSchema.$defs.b.anyOf[1] -> tools[0].inputSchema.$defs.a)",
    ],
  );
  // through allOf, not, if/then
  for (
    const loop of [
      { allOf: [{ $ref: "#" }] },
      { not: { $ref: "#" } },
      { if: { type: "string" }, then: { $ref: "#" } },
      { $defs: { a: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" },
    ]
  ) {
    const e = assertThrows(() => compileSchema(loop), SchemaError);
    assert.match(e.message, /endless \$ref loop/, JSON.stringify(loop));
  }
  // only what the root reaches is compiled: an unreferenced loop is never
  // checked (and never runs)
  assertEquals(
    checkArguments({ $defs: { a: { $ref: "#/$defs/a" } } }, { x: 1 }),
    null,
  );
  // a loop through properties/items moves into the value: fine
  assertEquals(
    checkArguments({ items: { $ref: "#" }, properties: { a: { $ref: "#" } } }, {
      a: [[[], [{ a: [] }]]],
    }),
    null,
  );
});

Deno.test("$ref: JSON Pointer escapes (~0, ~1, percent-encoding) and references that point nowhere", () => {
  table({
    $defs: {
      "a/b": { const: "slash" },
      "m~n": { const: "tilde" },
      "~1": { const: "tilde-one" },
      "sp ace": { const: "space" },
      "100%": { const: "percent" },
      "é": { const: "accent" },
      list: [{ const: "first" }, { const: "second" }],
    },
    properties: {
      a: { $ref: "#/$defs/a~1b" },
      b: { $ref: "#/$defs/m~0n" },
      c: { $ref: "#/$defs/~01" },
      d: { $ref: "#/$defs/sp%20ace" },
      e: { $ref: "#/$defs/100%25" },
      f: { $ref: "#/$defs/%C3%A9" },
      g: { $ref: "#/$defs/list/1" },
      h: { $ref: "#/$defs/100%" }, // not valid percent-encoding: read as written
    },
  }, [
    [{
      a: "slash",
      b: "tilde",
      c: "tilde-one",
      d: "space",
      e: "percent",
      f: "accent",
      g: "second",
      h: "percent",
    }, null],
    [{ a: "x" }, 'property "a" must be "slash"'],
    [{ c: "tilde" }, 'property "c" must be "tilde-one"'],
    [{ g: "first" }, 'property "g" must be "second"'],
  ]);
  assertEquals(
    issues({
      type: "object",
      $defs: { a: { type: "string" }, l: [true] },
      properties: {
        a: { $ref: "#/$defs/b" },
        b: { $ref: "#/$defs/a~2" },
        c: { $ref: "#/$defs/l/1" },
        d: { $ref: "#/$defs/l/01" },
        e: { $ref: "#/type" },
        f: { $ref: 7 },
      },
    }),
    [
      'inputSchema.properties.a.$ref: "#/$defs/b" points nowhere (inputSchema.$defs has no "b")',
      'inputSchema.properties.b.$ref: invalid JSON pointer "#/$defs/a~2" ("~" must be followed by 0 or 1)',
      'inputSchema.properties.c.$ref: "#/$defs/l/1" points nowhere (inputSchema.$defs.l has no item "1")',
      'inputSchema.properties.d.$ref: "#/$defs/l/01" points nowhere (inputSchema.$defs.l has no item "01")',
      'inputSchema.properties.e.$ref: "#/type" points to a string at inputSchema.type, not to a schema',
      "inputSchema.properties.f.$ref: expected a string, got a number",
    ],
  );
  // a reference's target is compiled (and its problems reported) once
  assertEquals(
    issues({
      $defs: { bad: { pattern: "(" } },
      properties: { a: { $ref: "#/$defs/bad" }, b: { $ref: "#/$defs/bad" } },
    }),
    [
      "inputSchema.$defs.bad.pattern: invalid regular expression (Unterminated group)",
    ],
  );
});

Deno.test("$ref: other documents, anchors and dynamic references are not followed (accept anything)", () => {
  table({
    type: "object",
    $defs: { a: { $anchor: "addr", type: "string" } },
    properties: {
      remote: { $ref: "https://example.com/schemas/thing.json#/$defs/x" },
      relative: { $ref: "other.json#/definitions/x" },
      anchor: { $ref: "#addr" },
      dynamic: { $dynamicRef: "#meta" },
      recursive: { $recursiveRef: "#" },
      // the keywords beside an unfollowed reference still apply
      typed: { $ref: "https://example.com/t.json", type: "integer" },
    },
  }, [
    [{
      remote: { any: ["thing"] },
      relative: 1,
      anchor: 2,
      dynamic: null,
      recursive: [],
      typed: 3,
    }, null],
    [{ typed: "x" }, 'property "typed" must be of type integer'],
  ]);
  // an absolute reference to the schema's own $id is local
  table({
    $id: "https://example.com/root.json",
    $defs: { n: { type: "integer" } },
    properties: {
      a: { $ref: "https://example.com/root.json#/$defs/n" },
      b: { $ref: "https://example.com/other.json#/$defs/n" },
    },
  }, [
    [{ a: 1, b: "unchecked" }, null],
    [{ a: "x" }, 'property "a" must be of type integer'],
  ]);
  // "#..." inside an embedded resource ($id) is read from that resource
  table({
    $id: "https://example.com/root.json",
    $defs: { s: { type: "integer" } },
    properties: {
      outer: { $ref: "#/$defs/s" },
      inner: {
        $id: "https://example.com/inner.json",
        $defs: { s: { type: "string" } },
        $ref: "#/$defs/s",
      },
    },
  }, [
    [{ outer: 1, inner: "x" }, null],
    [{ inner: 1 }, 'property "inner" must be of type string'],
    [{ outer: "x" }, 'property "outer" must be of type integer'],
  ]);
});

Deno.test("combinators: allOf, anyOf, oneOf, not, if/then/else accept and reject with one-line messages", () => {
  table({
    type: "object",
    properties: {
      all: { allOf: [{ type: "integer" }, { minimum: 2 }, { maximum: 4 }] },
      any: {
        anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }],
      },
      one: { oneOf: [{ type: "number" }, { type: "integer" }] },
      kind: {
        oneOf: [
          { properties: { k: { const: "a" } }, required: ["k"] },
          { properties: { k: { const: "b" } }, required: ["k", "b"] },
        ],
      },
      not: { not: { type: "string" } },
      single: { anyOf: [{ type: "boolean" }] },
      cond: {
        if: { properties: { mode: { const: "phone" } }, required: ["mode"] },
        then: { required: ["phone"] },
        else: { required: ["email"] },
      },
      onlyThen: { if: { type: "string" }, then: { minLength: 2 } },
    },
  }, [
    [{
      all: 3,
      any: null,
      one: 1.5,
      kind: { k: "b", b: 1 },
      not: 4,
      single: true,
      cond: { mode: "phone", phone: "1" },
      onlyThen: 7,
    }, null],
    [{ all: 5 }, 'property "all" must be <= 4'],
    [{ all: 2.5 }, 'property "all" must be of type integer'],
    [
      { any: 1.5 },
      `property "any" must match at least one of anyOf's 3 schemas (matches none)`,
    ],
    [
      { one: 1 },
      `property "one" must match exactly one of oneOf's 2 schemas (matches oneOf[0] and oneOf[1])`,
    ],
    [
      { one: "x" },
      `property "one" must match exactly one of oneOf's 2 schemas (matches none)`,
    ],
    [
      { kind: { k: "b" } },
      `property "kind" must match exactly one of oneOf's 2 schemas (matches none)`,
    ],
    [{ not: "s" }, 'property "not" must not match the schema of "not"'],
    // one schema: its own problem says more
    [{ single: 1 }, 'property "single" must be of type boolean'],
    [{ cond: { mode: "phone" } }, 'missing required property "cond.phone"'],
    [{ cond: { mode: "mail" } }, 'missing required property "cond.email"'],
    [{ cond: {} }, 'missing required property "cond.email"'],
    [
      { onlyThen: "a" },
      'property "onlyThen" must be at least 2 characters long',
    ],
  ]);
  // then/else without if, and if without then/else, do nothing
  table({ properties: { a: { then: false, else: false }, b: { if: false } } }, [
    [{ a: 1, b: 2 }, null],
  ]);
  // malformed combinators are SchemaErrors
  assertEquals(
    issues({
      properties: {
        a: { allOf: [] },
        b: { anyOf: {} },
        c: { oneOf: [1] },
        d: { not: "x" },
        e: { if: [] },
      },
    }),
    [
      "inputSchema.properties.a.allOf: expected a non-empty array of schemas, got an empty array",
      "inputSchema.properties.b.anyOf: expected a non-empty array of schemas, got an object",
      "inputSchema.properties.c.oneOf[0]: expected a schema (an object or a boolean), got a number",
      "inputSchema.properties.d.not: expected a schema (an object or a boolean), got a string",
      "inputSchema.properties.e.if: expected a schema (an object or a boolean), got an array",
    ],
  );
});

Deno.test("the MCP conformance json-schema-2020-12 fixture is checked ($defs, $anchor, allOf/anyOf, if/then/else)", () => {
  const fixture = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    $defs: {
      address: {
        $anchor: "addressDef",
        type: "object",
        properties: {
          street: { type: "string" },
          city: { type: "string" },
        },
      },
    },
    properties: {
      name: { type: "string" },
      address: { $ref: "#/$defs/address" },
      contactMethod: { type: "string", enum: ["phone", "email"] },
      phone: { type: "string" },
      email: { type: "string" },
    },
    allOf: [
      { anyOf: [{ required: ["phone"] }, { required: ["email"] }] },
    ],
    if: {
      properties: { contactMethod: { const: "phone" } },
      required: ["contactMethod"],
    },
    then: { required: ["phone"] },
    else: { required: ["email"] },
    additionalProperties: false,
  };
  table(fixture, [
    [{ name: "a", email: "a@b", address: { street: "s", city: "c" } }, null],
    [{ contactMethod: "phone", phone: "1" }, null],
    [{ contactMethod: "email", phone: "1", email: "e" }, null],
    [
      { name: "a" },
      "the arguments must match at least one of anyOf's 2 schemas (matches none)",
    ],
    [
      { contactMethod: "phone", email: "e" },
      'missing required property "phone"',
    ],
    [{ phone: "1" }, 'missing required property "email"'],
    [
      { email: "e", address: { city: 1 } },
      'property "address.city" must be of type string',
    ],
    [{ email: "e", fax: "2" }, 'property "fax" is not allowed'],
  ]);
});

Deno.test("2020-12 arrays: prefixItems, tuple items, contains, uniqueItems", () => {
  table({
    properties: {
      pair: {
        prefixItems: [{ type: "string" }, { type: "integer" }],
        items: false,
      },
      open: { prefixItems: [{ type: "string" }] },
      rest: { prefixItems: [{ type: "string" }], items: { type: "boolean" } },
      tuple: { items: [{ type: "string" }], additionalItems: false },
      has: { contains: { type: "string" } },
      two: { contains: { type: "string" }, minContains: 2, maxContains: 3 },
      none: { contains: { type: "string" }, minContains: 0, maxContains: 0 },
      uniq: { uniqueItems: true },
    },
  }, [
    [{
      pair: ["a", 1],
      open: ["a", 1, null],
      rest: ["a", true, false],
      tuple: ["x"],
      has: [1, "a"],
      two: ["a", 1, "b"],
      none: [1, 2],
      uniq: [1, "1", [1], { a: 1 }, { a: "1" }, true],
    }, null],
    [{ pair: ["a", "b"] }, 'property "pair[1]" must be of type integer'],
    [{ pair: ["a", 1, 2] }, 'property "pair[2]" is not allowed'],
    [{ open: [1] }, 'property "open[0]" must be of type string'],
    [{ rest: ["a", 1] }, 'property "rest[1]" must be of type boolean'],
    [{ tuple: ["x", "y"] }, 'property "tuple[1]" is not allowed'],
    [
      { has: [1, 2] },
      'property "has" must have at least 1 item matching "contains" (has 0)',
    ],
    [
      { has: [] },
      'property "has" must have at least 1 item matching "contains" (has 0)',
    ],
    [
      { two: ["a"] },
      'property "two" must have at least 2 items matching "contains" (has 1)',
    ],
    [
      { two: ["a", "b", "c", "d"] },
      'property "two" must have at most 3 items matching "contains"',
    ],
    [
      { none: ["a"] },
      'property "none" must have at most 0 items matching "contains"',
    ],
    // canonical JSON: key order and 1 / 1.0 do not matter
    [
      { uniq: [{ a: 1, b: [2] }, 3, { b: [2.0], a: 1 }] },
      'property "uniq" must have unique items (items 0 and 2 are equal)',
    ],
    [
      { uniq: [0, -0] },
      'property "uniq" must have unique items (items 0 and 1 are equal)',
    ],
  ]);
});

Deno.test("2020-12 objects: $schema, additionalProperties with patternProperties, min/maxProperties, dependentRequired, propertyNames", () => {
  table({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { id: { type: "integer" } },
    patternProperties: {
      "^x-": { type: "string" },
      "^n_[0-9]+$": { type: "number" },
    },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 4,
    dependentRequired: { card: ["cvv"] },
    propertyNames: { maxLength: 8 },
  }, [
    [{ id: 1, "x-a": "s", n_1: 1.5 }, null],
    [{}, "the arguments must have at least 1 property"],
    [
      { id: 1, n_1: 1, n_2: 2, n_3: 3, n_4: 4 },
      "the arguments must have at most 4 properties",
    ],
    [{ "x-a": 1 }, 'property "x-a" must be of type string'],
    [{ n_x: 1 }, 'property "n_x" is not allowed'],
    [
      { averylongname: 1 },
      'the name of property "averylongname" must be at most 8 characters long',
    ],
    [
      { card: 1 },
      'missing required property "cvv" (required when "card" is present)',
    ],
  ]);
  table({
    dependentRequired: { card: ["cvv", "expiry"] },
    dependentSchemas: { bill: { required: ["address"] } },
    dependencies: { a: ["b"], c: { properties: { d: { const: 1 } } } },
    properties: { o: { propertyNames: { pattern: "^[a-z]+$" } } },
  }, [
    [{
      card: 1,
      cvv: 2,
      expiry: 3,
      bill: 1,
      address: 2,
      a: 1,
      b: 2,
      c: 1,
      d: 1,
    }, null],
    [
      { card: 1, cvv: 2 },
      'missing required property "expiry" (required when "card" is present)',
    ],
    [{ bill: 1 }, 'missing required property "address"'],
    [{ a: 1 }, 'missing required property "b" (required when "a" is present)'],
    [{ c: 1, d: 2 }, 'property "d" must be 1'],
    [
      { o: { ok: 1, Bad: 2 } },
      'the name of property "o.Bad" must match the pattern ^[a-z]+$',
    ],
  ]);
  // format is an annotation only
  assertEquals(
    checkArguments({
      properties: { a: { format: "email" }, b: { format: "date-time" } },
    }, {
      a: "not an email",
      b: "yesterday",
    }),
    null,
  );
  assertEquals(
    issues({
      minProperties: -1,
      uniqueItems: "yes",
      patternProperties: { "(?=a)": true },
      dependentRequired: { a: [1] },
      propertyNames: 3,
      prefixItems: {},
    }),
    [
      "inputSchema.prefixItems: expected an array of schemas, got an object",
      "inputSchema.uniqueItems: expected a boolean, got a string",
      "inputSchema.minProperties: expected a non-negative integer, got -1",
      "inputSchema.patternProperties.(?=a): lookahead (?= (?! is not supported by the linear-time matcher",
      "inputSchema.propertyNames: expected a schema (an object or a boolean), got a number",
      "inputSchema.dependentRequired.a: expected an array of strings",
    ],
  );
});

Deno.test("2020-12 numbers: multipleOf is exact in decimal", () => {
  table({
    properties: {
      tenth: { multipleOf: 0.1 },
      cent: { multipleOf: 0.01 },
      three: { multipleOf: 3 },
      half: { multipleOf: 0.5 },
      tiny: { multipleOf: 1e-8 },
    },
  }, [
    [{ tenth: 0.3, cent: 19.99, three: -9, half: 2.5, tiny: 0.00000123 }, null],
    [{ tenth: 0.7 }, null],
    [{ tenth: 1e300 }, null],
    [{ three: 0 }, null],
    [
      { tenth: 0.30000000000000004 },
      'property "tenth" must be a multiple of 0.1',
    ],
    [{ tenth: 0.35 }, 'property "tenth" must be a multiple of 0.1'],
    [{ cent: 0.001 }, 'property "cent" must be a multiple of 0.01'],
    [{ three: 10 }, 'property "three" must be a multiple of 3'],
    [{ three: 1e-300 }, 'property "three" must be a multiple of 3'],
    [{ half: 2.25 }, 'property "half" must be a multiple of 0.5'],
    [{ tiny: 1.5e-9 }, 'property "tiny" must be a multiple of 1e-8'],
  ]);
  assertEquals(issues({ multipleOf: 0 }), [
    "inputSchema.multipleOf: expected a number > 0, got 0",
  ]);
});

Deno.test("checkValue and checkArgumentsAsync({name}) check any value, with its name in the problem", async () => {
  const output = compileSchema({
    type: "object",
    $defs: { item: { type: "object", properties: { n: { type: "integer" } } } },
    properties: {
      items: { type: "array", items: { $ref: "#/$defs/item" } },
      total: { type: "integer" },
    },
    required: ["total"],
    propertyNames: { maxLength: 5 },
  }, "tools[0].outputSchema");
  assertEquals(
    checkValue(output, { total: 1, items: [{ n: 1 }] }, "structuredContent"),
    null,
  );
  assertEquals(
    checkValue(
      output,
      { total: 1, items: [{ n: 1 }, { n: "x" }] },
      "structuredContent",
    ),
    "structuredContent.items[1].n must be of type integer",
  );
  assertEquals(
    checkValue(output, { items: [] }, "structuredContent"),
    'missing required property "structuredContent.total"',
  );
  assertEquals(
    checkValue(output, [1], "structuredContent"),
    "structuredContent must be of type object",
  );
  assertEquals(
    checkValue(output, { total: 1, toolong: 1 }, "structuredContent"),
    'the name of "structuredContent.toolong" must be at most 5 characters long',
  );
  assertEquals(
    checkValue({ items: { type: "string" } }, [1], "result"),
    "result[0] must be of type string",
  );
  const deep = JSON.parse("[".repeat(600) + "]".repeat(600));
  assertEquals(
    checkValue({}, deep, "structuredContent"),
    "structuredContent is nested more than 512 levels deep",
  );
  assertEquals(
    await checkArgumentsAsync(output, { total: "1" }, {
      name: "structuredContent",
    }),
    { ok: false, problem: "structuredContent.total must be of type integer" },
  );
  assertEquals(
    await checkArgumentsAsync(output, { total: 1 }, {
      name: "structuredContent",
    }),
    {
      ok: true,
    },
  );
});

Deno.test("checkArgumentsAsync keeps its deadline, signal and yields through $ref and the combinators", async () => {
  const schema = compileSchema({
    type: "object",
    $defs: {
      word: { type: "string", pattern: "^[a-z]+$" },
      item: {
        anyOf: [{ type: "null" }, { allOf: [{ $ref: "#/$defs/word" }] }],
      },
    },
    properties: { list: { type: "array", items: { $ref: "#/$defs/item" } } },
  });
  const args = { list: Array(100_000).fill("abc") };
  assertEquals(
    await checkArgumentsAsync(schema, args, {
      deadline: performance.now() + 5,
    }),
    { ok: false, stopped: "timeout" },
  );
  const ac = new AbortController();
  const ticks = setInterval(() => ac.abort(), 5);
  const cancelled = await checkArgumentsAsync(schema, args, {
    signal: ac.signal,
  });
  clearInterval(ticks);
  assertEquals(cancelled, { ok: false, stopped: "cancelled" });
  // the event loop runs while it checks
  let lag = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last);
    last = now;
  }, 1);
  const done = await checkArgumentsAsync(schema, args);
  clearInterval(tick);
  assertEquals(done, { ok: true });
  assert.ok(lag < 200, `event loop stopped for ${lag.toFixed(0)} ms`);
  args.list[12_345] = "ABC";
  assertEquals(await checkArgumentsAsync(schema, args), {
    ok: false,
    problem:
      `property "list[12345]" must match at least one of anyOf's 2 schemas (matches none)`,
  });
});

Deno.test("hostile: references that double at each of 30 levels compile at once and stop at the step limit", async () => {
  const defs: Record<string, unknown> = {
    a0: { type: "string", minLength: 1 },
  };
  for (let i = 1; i < 30; i++) {
    defs[`a${i}`] = {
      allOf: [{ $ref: `#/$defs/a${i - 1}` }, { $ref: `#/$defs/a${i - 1}` }],
    };
  }
  let t0 = performance.now();
  const schema: CompiledSchema = compileSchema({
    type: "object",
    $defs: defs,
    properties: { x: { $ref: "#/$defs/a29" } },
  });
  assert.ok(performance.now() - t0 < 1000, "compiled at once");
  assert.ok(schema.size < 200, `size ${schema.size}`);
  const tooMuch =
    `the arguments cannot be checked: the schema takes more than ${MIN_CHECK_STEPS} steps on them (its references and combinators repeat work)`;
  t0 = performance.now();
  assertEquals(checkArguments(schema, { x: "s" }), tooMuch);
  assert.ok(performance.now() - t0 < 5000, `${performance.now() - t0} ms`);
  // the limit is not a mismatch an anyOf or a not could absorb
  const absorbed = compileSchema({
    $defs: defs,
    properties: { x: { anyOf: [{ not: { $ref: "#/$defs/a29" } }, true] } },
  });
  assertEquals(checkArguments(absorbed, { x: "s" }), tooMuch);
  // a value the doubling never reaches is checked as usual
  assertEquals(checkArguments(schema, { y: 1 }), null);
  // the same through the value's depth: each level applies the next twice
  const nested = compileSchema({
    $defs: {
      t: { allOf: [{ $ref: "#/$defs/u" }, { $ref: "#/$defs/u" }] },
      u: { type: "object", properties: { c: { $ref: "#/$defs/t" } } },
    },
    $ref: "#/$defs/t",
  });
  let v: unknown = {};
  for (let i = 0; i < 40; i++) v = { c: v };
  let shallow: unknown = {};
  for (let i = 0; i < 5; i++) shallow = { c: shallow };
  assertEquals(checkArguments(nested, shallow), null);
  assertEquals(
    await checkArgumentsAsync(nested, v),
    { ok: false, problem: tooMuch },
  );
  // branches that do not match cost no message: 200,000 strings 500 levels
  // deep, each failing anyOf's first schema
  const json = compileSchema({
    $defs: {
      x: {
        anyOf: [{ type: "number" }, { type: "string" }, {
          type: "array",
          items: { $ref: "#/$defs/x" },
        }],
      },
    },
    properties: { v: { $ref: "#/$defs/x" } },
  });
  let wide: unknown = Array(200_000).fill("a");
  for (let i = 0; i < 500; i++) wide = [wide];
  t0 = performance.now();
  assertEquals(checkArguments(json, { v: wide }), null);
  assert.ok(performance.now() - t0 < 5000, `${performance.now() - t0} ms`);
  // a pattern too long to check is not absorbed either
  assertEquals(
    checkArguments({ properties: { s: { not: { pattern: "^a+$" } } } }, {
      s: "a".repeat(1_000_000),
    }),
    `property "s" is too long to check against its pattern (1000000 characters; at most ${
      Math.floor(1_000_000 / compilePattern("^a+$").size)
    } for this pattern)`,
  );
});
