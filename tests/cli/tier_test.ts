/**
 * `--tier interp|js|auto` on `porta run`, `serve` and `call`: parsing, the
 * one-line usage error, the `tier=` of run's summary line, and the same
 * output from every tier on the bundled demo agent.
 */
import { assert, assertEquals, assertThrows } from "../agent/asserts.ts";
import {
  AGENT_OPTIONS,
  ENGINE_OPTIONS,
  HELP_OPTION,
  LIMIT_OPTIONS,
  parseCommandArgs,
  parseTier,
  resolveCommonFlags,
  RUN_OPTIONS,
  UsageError,
} from "../../src/cli/flags.ts";
import { loadAgent } from "../../src/cli/serve.ts";
import { HELP } from "../../src/cli/help.ts";
import { encodeRequest } from "../../src/agent/abi.ts";
import { type PortaOutput, runPorta } from "../helpers/cli.ts";

const DEMO = "testdata/agents/demo.wasm";
const ALL = {
  ...AGENT_OPTIONS,
  ...LIMIT_OPTIONS,
  ...ENGINE_OPTIONS,
  ...RUN_OPTIONS,
  ...HELP_OPTION,
};
const SUMMARY =
  /^\[porta\] steps=(\d+) memory=(\d+) pages restarts=(\d+) time=[\d.]+ms tier=(\w+)$/m;

/** At most two child processes at once (the machine has two cores). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) {
    out.push(...await Promise.all(jobs.slice(i, i + 2).map((j) => j())));
  }
  return out;
}

function tierOf(args: string[]): string {
  const { values } = parseCommandArgs("run", ["a.wasm", ...args], ALL);
  return resolveCommonFlags(values).tier;
}

Deno.test("tier flag: interp, js and auto; auto by default; the last one wins", () => {
  assertEquals(tierOf([]), "auto");
  assertEquals(tierOf(["--tier", "interp"]), "interp");
  assertEquals(tierOf(["--tier=js"]), "js");
  assertEquals(tierOf(["--tier", "auto"]), "auto");
  assertEquals(tierOf(["--tier", "js", "--tier", "interp"]), "interp");
  for (const bad of ["JS", "jit", "", " js", "interp,js"]) {
    assertThrows(
      () => parseTier(bad),
      UsageError,
      new RegExp(
        `^invalid value for --tier: "${
          bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        }" \\(expected interp, js, auto\\)$`,
      ),
    );
  }
  assertThrows(
    () => tierOf(["--tier", "fast"]),
    UsageError,
    /^invalid value for --tier: "fast" \(expected interp, js, auto\)$/,
  );
  assertThrows(
    () => parseCommandArgs("run", ["a.wasm", "--tier"], ALL),
    UsageError,
    /^option --tier needs a value \(see 'porta help run'\)$/,
  );
});

Deno.test("tier flag: a bad value is one usage line and exit 2 for run, serve and call", async () => {
  const cases: string[][] = [
    ["run", DEMO, "--tier", "fast"],
    ["serve", DEMO, "--tier", "JS"],
    ["call", DEMO, "fib", '{"n":3}', "--tier", "jit"],
    ["run", DEMO, "--tier"],
    ["inspect", DEMO, "--tier", "js"],
  ];
  const outs = await inPairs(cases.map((args) => () => runPorta(args)));
  const lines = outs.map((o, i) => {
    assertEquals(o.code, 2, `${cases[i].join(" ")}: ${o.stderr}`);
    assertEquals(o.stdout, "");
    return o.stderr;
  });
  assertEquals(lines, [
    'porta: error: invalid value for --tier: "fast" (expected interp, js, auto)\n',
    'porta: error: invalid value for --tier: "JS" (expected interp, js, auto)\n',
    'porta: error: invalid value for --tier: "jit" (expected interp, js, auto)\n',
    "porta: error: option --tier needs a value (see 'porta help run')\n",
    // inspect runs nothing: it has no --tier
    "porta: error: unknown option --tier for 'inspect' (see 'porta help inspect')\n",
  ]);
});

Deno.test("tier flag: help run, serve and call document it; run's summary shows tier=", () => {
  for (const cmd of ["run", "serve", "call"]) {
    assert.match(HELP[cmd], /^ {2}--tier interp\|js\|auto {3}execution tier/m);
    assert.match(HELP[cmd], /auto \(default/);
  }
  assert.match(HELP.run, /time=Xms tier=T$/m);
  assert.ok(!/--tier/.test(HELP.inspect));
});

/** `porta run` of the demo agent with one framed tool request on stdin. */
function runDemo(
  tier: string | undefined,
  tool: string,
  args: unknown,
): Promise<PortaOutput> {
  return runPorta(
    ["run", DEMO, ...(tier === undefined ? [] : ["--tier", tier])],
    { stdin: encodeRequest(tool, args) },
  );
}

const REQUESTS: [string, unknown][] = [
  ["fib", { n: 90 }],
  ["sha256", { text: "Porta ".repeat(500) }],
  ["word_count", { text: "one two\nthree  four five\n" }],
  ["reverse", { text: "héllo, wörld ✓" }],
  ["fib", { n: "x" }], // the tool's own error
];

Deno.test("tier flag: porta run of the demo agent gives the same output, exit code and steps under js and interp", async () => {
  const jobs = REQUESTS.flatMap(([tool, args]) =>
    ["js", "interp"].map((tier) => () => runDemo(tier, tool, args))
  );
  const outs = await inPairs(jobs);
  for (let i = 0; i < REQUESTS.length; i++) {
    const [js, interp] = [outs[2 * i], outs[2 * i + 1]];
    const what = `${REQUESTS[i][0]} ${JSON.stringify(REQUESTS[i][1])}`;
    assertEquals(js.code, 0, `${what}: ${js.stderr}`);
    assert.match(js.stdout, /^\{"(ok|err)":/, what);
    assertEquals([js.code, js.stdout], [interp.code, interp.stdout], what);
    const [sj, si] = [SUMMARY.exec(js.stderr), SUMMARY.exec(interp.stderr)];
    assert.ok(sj && si, `${what}: summary lines\n${js.stderr}${interp.stderr}`);
    assertEquals(sj[4], "js");
    assertEquals(si[4], "interp");
    // same instruction count and memory: the tiers differ only in speed
    assertEquals([sj[1], sj[2], sj[3]], [si[1], si[2], si[3]], what);
    // everything else on stderr (the guest's own lines) is the same too
    assertEquals(
      js.stderr.replace(SUMMARY, ""),
      interp.stderr.replace(SUMMARY, ""),
    );
  }
  assertEquals(outs[0].stdout, '{"ok":"fib(90) = 2880067194370816120"}');
});

Deno.test("tier flag: the summary line shows the requested tier, auto by default", async () => {
  const [auto, interp] = await inPairs([
    () => runDemo(undefined, "fib", { n: 10 }),
    () => runDemo("interp", "fib", { n: 10 }),
  ]);
  for (const [o, tier] of [[auto, "auto"], [interp, "interp"]] as const) {
    assertEquals(o.code, 0, o.stderr);
    const lines = o.stderr.trimEnd().split("\n");
    // the summary is the last line, tier= its last field
    assert.match(lines.at(-1)!, SUMMARY);
    assert.ok(lines.at(-1)!.endsWith(` tier=${tier}`), lines.at(-1));
  }
});

Deno.test("tier flag: porta call (serve's loadAgent) answers the same under js and interp", async () => {
  const [js, interp] = await inPairs(
    ["js", "interp"].map((tier) => () =>
      runPorta(["call", DEMO, "sha256", '{"text":"abc"}', "--tier", tier])
    ),
  );
  assertEquals(js.code, 0, js.stderr);
  assertEquals(
    js.stdout,
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n",
  );
  assertEquals([js.code, js.stdout], [interp.code, interp.stdout]);
});

Deno.test("tier flag: loadAgent (serve and call) loads the agent with the flag's tier", async () => {
  for (const tier of ["interp", "js", "auto"]) {
    const { values } = parseCommandArgs(
      "serve",
      [DEMO, "--tier", tier],
      ALL,
    );
    const flags = resolveCommonFlags(values);
    const agent = await loadAgent(DEMO, flags, {}, { poolSize: 1 });
    try {
      assertEquals(agent.tier, tier);
    } finally {
      await agent.close();
    }
  }
});
