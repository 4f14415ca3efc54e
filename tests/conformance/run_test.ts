/**
 * Tests of the conformance runner's parsing (no suite, no server).
 */
import assert from "node:assert/strict";
import { formatLine, judge, parseRequirements, scenarioOfDir } from "./run.ts";

const LIST =
  `Required for 2026-07-28 (69 scenarios, frozen; run at the 2026-07-28 wire):

Server scenarios (test against a server):
  - server-stateless
  - tools-list

Client scenarios (test against a client):
  - tools_call

Run and reported, but never scored:
  extension (2):
    - auth/dpop [client]
    - tasks-lifecycle [server]
  added-after-release (1):
    - json-schema-2020-12-preservation [client]
  pending (1):
    - json-schema-2020-12 [server]
`;

Deno.test("conformance runner: list --requirements output", () => {
  const r = parseRequirements(LIST);
  assert.deepEqual(r.scored, ["server-stateless", "tools-list"]);
  assert.deepEqual([...r.notScored], [
    ["tasks-lifecycle", "extension"],
    ["json-schema-2020-12", "pending"],
  ]);
});

Deno.test("conformance runner: result directories and outcomes", () => {
  const names = ["tools-list", "tools-list-x"];
  assert.equal(
    scenarioOfDir("server-tools-list-2026-12-03T22-10-00-123Z", names),
    "tools-list",
  );
  assert.equal(
    scenarioOfDir("server-tools-list-x-2026-12-03T22-10-00-123Z", names),
    "tools-list-x",
  );
  assert.equal(
    scenarioOfDir("server-other-2026-12-03T22-10-00-123Z", names),
    null,
  );
  const ok = judge([
    { id: "a", status: "SUCCESS" },
    { id: "w", status: "WARNING" },
  ]);
  assert.equal(
    formatLine("2025-11-25", "ping", ok),
    "PASS 2025-11-25 ping [1 warning: w]",
  );
  const bad = judge([
    { id: "a", status: "SUCCESS" },
    { id: "b", status: "FAILURE", errorMessage: "first\nline" },
    { id: "c", status: "FAILURE", errorMessage: "second" },
  ]);
  assert.equal(
    formatLine("2026-07-28", "caching", bad, "pending"),
    "FAIL 2026-07-28 caching (pending): [b] first line",
  );
});
