/**
 * Conformance runner: `deno task conformance [options]`.
 *
 * Runs the official MCP conformance suite
 * (`npm:@modelcontextprotocol/conformance`, pinned below; Deno installs it
 * from npm into its cache on the first run, without touching `deno.lock`)
 * against `porta serve --http` serving
 * `testdata/agents/conformance.wasm`, for the revisions 2025-11-25
 * (stateful) and 2026-07-28 (stateless), each with the suite's
 * `--requirements REV` (the scenarios the revision requires, on its wire).
 *
 * Output: one line per scenario, `PASS|FAIL <revision> <scenario>`, a failure
 * followed by its first failed check (`[check-id] message`), a pass by the
 * ids of its warnings when it has some; then the scenarios the suite runs
 * but does not score (`not scored:`, each with the reason), then
 * `N passed, N failed` over the scored scenarios. Exit code: 0 when every
 * scored scenario passed, 1 when one failed, 2 when the run itself failed
 * (the server did not start, the total timeout, a bad option).
 *
 * Options:
 * - `--revision 2025-11-25|2026-07-28`: run one revision (default both);
 * - `--scenario NAME`: run one scenario (on each revision asked for; it is
 *   skipped on a revision whose wire it does not apply to);
 * - `--keep`: keep the output directory (the suite's `checks.json` files and
 *   its log per revision) and print its path;
 * - `--url URL`: test the MCP server at URL instead of starting Porta (to
 *   check the runner itself, e.g. against the suite's reference server);
 * - `--timeout SECONDS`: bound on the whole run (default 480).
 *
 * The server listens on 127.0.0.1 on a free port (the DNS-rebinding
 * scenario needs a loopback host); the runner waits for it (at most 60 s),
 * and stops it at the end, also after errors. The whole run is bounded by 8
 * minutes (`--timeout`). When the server dies, the tail of its stderr is
 * printed.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

/** The suite, pinned (Deno installs it from npm on first use). */
export const SUITE = "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12";
/** The revisions the runner knows, in the order it runs them. */
export const REVISIONS = ["2025-11-25", "2026-07-28"] as const;
/** A revision. */
export type Revision = typeof REVISIONS[number];

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const AGENT = "testdata/agents/conformance.wasm";
/** Default bound on the whole run (`--timeout`). */
const TOTAL_TIMEOUT_S = 480;
const START_TIMEOUT_MS = 60_000;
const LIST_TIMEOUT_MS = 30_000;
const STDERR_TAIL_LINES = 40;
const MESSAGE_MAX = 300;

const USAGE =
  "usage: deno task conformance [--revision 2025-11-25|2026-07-28] [--scenario NAME] [--keep] [--url URL] [--timeout SECONDS]";

// ---- the suite's scenario lists and results (pure, exported for tests) ----

/** The server scenarios a revision requires, as `list --requirements` prints them. */
export interface Requirements {
  /** Scored scenarios, in the suite's order. */
  scored: string[];
  /** Scenarios run but not scored, with the reason (`extension`, `pending`, ...). */
  notScored: Map<string, string>;
}

/**
 * Reads the output of `conformance list --requirements REV`: the
 * "Server scenarios" list is scored; in "Run and reported, but never
 * scored", the entries tagged `[server]` under each reason are not.
 */
export function parseRequirements(text: string): Requirements {
  const scored: string[] = [];
  const notScored = new Map<string, string>();
  let section: "scored" | "not-scored" | "" = "";
  let reason = "";
  for (const line of text.split("\n")) {
    if (/^Server scenarios\b/.test(line)) section = "scored";
    else if (/^Client scenarios\b/.test(line)) section = "";
    else if (/^Run and reported, but never scored/.test(line)) {
      section = "not-scored";
    } else if (section === "scored") {
      const m = /^\s+- (\S+)\s*$/.exec(line);
      if (m) scored.push(m[1]);
    } else if (section === "not-scored") {
      const head = /^\s{2}(\S[^(]*?)\s*\(\d+\):\s*$/.exec(line);
      const item = /^\s+- (\S+) \[server\]\s*$/.exec(line);
      if (head) reason = head[1];
      else if (item) notScored.set(item[1], reason);
    }
  }
  return { scored, notScored };
}

/** One check of a scenario's `checks.json`. */
export interface Check {
  /** Check id. */
  id: string;
  /** `SUCCESS`, `FAILURE`, `WARNING`, `INFO` or `SKIPPED`. */
  status: string;
  /** Why it failed, when it did. */
  errorMessage?: string;
  /** What it checks. */
  description?: string;
}

/** A scenario's outcome. */
export interface Outcome {
  /** PASS: no check failed. */
  pass: boolean;
  /** The first failed check (`[id] message`), for a failure. */
  failure?: string;
  /** Ids of the checks with status WARNING. */
  warnings: string[];
}

/** One line of at most `max` characters. */
export function oneLine(text: string, max = MESSAGE_MAX): string {
  const s = text.replace(/\s+/g, " ").trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The outcome of a scenario from its checks. */
export function judge(checks: Check[]): Outcome {
  const failed = checks.find((c) => c.status === "FAILURE");
  const warnings = checks.filter((c) => c.status === "WARNING").map((c) =>
    c.id
  );
  if (!failed) return { pass: true, warnings };
  const why = failed.errorMessage ?? failed.description ?? "";
  return {
    pass: false,
    failure: oneLine(`[${failed.id}] ${why}`),
    warnings,
  };
}

/**
 * The scenario a result directory is for: the suite names it
 * `server-<scenario>-<ISO time with ':' and '.' as '-'>`.
 */
export function scenarioOfDir(dir: string, names: string[]): string | null {
  const m = /^server-(.+)-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)$/
    .exec(dir);
  return m && names.includes(m[1]) ? m[1] : null;
}

/** The line printed for a scenario. */
export function formatLine(
  rev: string,
  scenario: string,
  o: Outcome | { skipped: string },
  note = "",
): string {
  const tag = note ? ` (${note})` : "";
  if ("skipped" in o) return `SKIP ${rev} ${scenario}${tag}: ${o.skipped}`;
  if (!o.pass) return `FAIL ${rev} ${scenario}${tag}: ${o.failure}`;
  const w = o.warnings;
  const warn = w.length === 0
    ? ""
    : ` [${w.length} warning${w.length > 1 ? "s" : ""}: ${
      w.slice(0, 3).join(", ")
    }${w.length > 3 ? ", ..." : ""}]`;
  return `PASS ${rev} ${scenario}${tag}${warn}`;
}

// ---- processes -------------------------------------------------------------

/** Children started by this runner, stopped by {@link stopAll}. */
const children = new Set<Deno.ChildProcess>();

function spawn(
  args: string[],
  cwd: string,
): Deno.ChildProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  children.add(child);
  child.status.finally(() => children.delete(child));
  return child;
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

/** Stops every child this runner started: SIGTERM, then SIGKILL after 2 s. */
async function stopAll(): Promise<void> {
  const list = [...children];
  for (const c of list) kill(c, "SIGTERM");
  const killer = setTimeout(
    () => list.forEach((c) => kill(c, "SIGKILL")),
    2000,
  );
  await Promise.allSettled(list.map((c) => c.status));
  clearTimeout(killer);
}

/** Calls `onLine` for each line of a stream (the last one even without a newline). */
async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let rest = "";
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      let i;
      while ((i = rest.indexOf("\n")) >= 0) {
        onLine(rest.slice(0, i).replace(/\r$/, ""));
        rest = rest.slice(i + 1);
      }
    }
  } catch {
    // the process was killed
  }
  if (rest) onLine(rest);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ports browsers' fetch refuses (Deno too), among those Deno.listen may hand out. */
const BAD_PORTS = new Set([
  1719,
  1720,
  1723,
  2049,
  3659,
  4045,
  4190,
  5060,
  5061,
  6000,
  6566,
  6665,
  6666,
  6667,
  6668,
  6669,
  6679,
  6697,
  10080,
]);

/** A free TCP port on 127.0.0.1 (one the suite's fetch accepts). */
function freePort(): number {
  for (;;) {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    if (!BAD_PORTS.has(port)) return port;
  }
}

/** `porta serve --http` in the background. */
interface Server {
  url: string;
  /** The exit code once it exited, else null. */
  exited(): number | null;
  /** The last lines of its output (stderr and stdout). */
  tail(): string[];
}

function startServer(port: number): Server {
  const addr = `127.0.0.1:${port}`;
  const child = spawn([
    "run",
    "-A",
    "--unstable-worker-options",
    "--no-prompt",
    "cli.ts",
    "serve",
    "--http",
    addr,
    AGENT,
  ], ROOT);
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  readLines(child.stderr, keep);
  readLines(child.stdout, keep);
  let code: number | null = null;
  child.status.then((s) => code = s.code);
  return {
    url: `http://${addr}/mcp`,
    exited: () => code,
    tail: () => lines.slice(-STDERR_TAIL_LINES),
  };
}

/** A server this runner did not start (`--url`). */
function externalServer(url: string): Server {
  return { url, exited: () => null, tail: () => [] };
}

/** Waits until the server accepts connections; throws when it exits or takes too long. */
async function waitListening(server: Server, port: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const code = server.exited();
    if (code !== null) {
      throw new Error(`porta serve exited with code ${code} before listening`);
    }
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return Date.now() - start;
    } catch {
      // not yet
    }
    if (Date.now() - start > START_TIMEOUT_MS) {
      throw new Error(
        `porta serve did not listen on 127.0.0.1:${port} within ${
          START_TIMEOUT_MS / 1000
        } s`,
      );
    }
    await sleep(200);
  }
}

/** Runs the suite with `args` in `cwd`, its output appended to `log`; returns its exit code and output. */
async function runSuite(
  args: string[],
  cwd: string,
  log: string,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  const child = spawn(
    ["run", "-A", "--no-lock", "--no-config", SUITE, ...args],
    cwd,
  );
  const out: string[] = [];
  const pumps = Promise.all([
    readLines(child.stdout, (l) => out.push(l)),
    readLines(child.stderr, (l) => out.push(l)),
  ]);
  const timer = setTimeout(() => kill(child, "SIGKILL"), timeoutMs);
  const status = await child.status;
  clearTimeout(timer);
  await pumps;
  const output = out.join("\n") + "\n";
  await Deno.writeTextFile(log, `$ deno run ${SUITE} ${args.join(" ")}\n`, {
    append: true,
  });
  await Deno.writeTextFile(log, output, { append: true });
  return { code: status.signal ? -1 : status.code, output };
}

// ---- the run -----------------------------------------------------------------

interface Options {
  revisions: Revision[];
  scenario?: string;
  keep: boolean;
  url?: string;
  timeoutS: number;
}

function parseOptions(args: string[]): Options | string {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        revision: { type: "string" },
        scenario: { type: "string" },
        keep: { type: "boolean", default: false },
        url: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return (e as Error).message;
  }
  const v = parsed.values;
  if (v.help) return "";
  if (v.revision !== undefined && !REVISIONS.includes(v.revision as Revision)) {
    return `unknown revision "${v.revision}" (known: ${REVISIONS.join(", ")})`;
  }
  if (v.scenario !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(v.scenario)) {
    return `not a scenario name: "${v.scenario}"`;
  }
  if (v.url !== undefined && !URL.canParse(v.url)) {
    return `not a URL: "${v.url}"`;
  }
  const timeoutS = v.timeout === undefined
    ? TOTAL_TIMEOUT_S
    : Number(v.timeout);
  if (!Number.isInteger(timeoutS) || timeoutS <= 0) {
    return `--timeout wants a positive number of seconds, not "${v.timeout}"`;
  }
  return {
    timeoutS,
    revisions: v.revision ? [v.revision as Revision] : [...REVISIONS],
    scenario: v.scenario,
    keep: v.keep,
    url: v.url,
  };
}

/** The result of one revision. */
interface RevisionResult {
  scoredPassed: number;
  scoredFailed: number;
  /** Lines of the not-scored scenarios. */
  notScoredLines: string[];
}

/** Results under `dir`, by scenario name (the newest when a scenario ran twice). */
async function readResults(
  dir: string,
  names: string[],
): Promise<Map<string, Check[]>> {
  const found = new Map<string, Check[]>();
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(dir)].sort((a, b) =>
      a.name.localeCompare(b.name)
    );
  } catch {
    return found;
  }
  for (const e of entries) {
    const name = e.isDirectory ? scenarioOfDir(e.name, names) : null;
    if (!name) continue;
    try {
      const checks = JSON.parse(
        await Deno.readTextFile(`${dir}/${e.name}/checks.json`),
      );
      if (Array.isArray(checks)) found.set(name, checks as Check[]);
    } catch {
      // skipped (no checks.json) or unreadable
    }
  }
  return found;
}

/** Why a scenario that should have run has no results, from the suite's output. */
function missingReason(output: string, scenario: string): string {
  const esc = scenario.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const failed = new RegExp(`Failed to run scenario ${esc}:?(.*)`).exec(output);
  if (failed) return oneLine(`failed to run: ${failed[1]}`);
  const skipped = new RegExp(
    `SKIPPED: scenario '${esc}' is (not applicable at spec version [^\\s]+ \\([^)]*\\))`,
  ).exec(output);
  if (skipped) return `SKIPPED: ${skipped[1]}`;
  return "no results (the suite wrote no checks.json; see its log with --keep)";
}

async function runRevision(
  rev: Revision,
  opts: Options,
  server: Server,
  outDir: string,
  deadline: number,
): Promise<RevisionResult> {
  const result: RevisionResult = {
    scoredPassed: 0,
    scoredFailed: 0,
    notScoredLines: [],
  };
  const log = `${outDir}/${rev}.log`;
  const list = await runSuite(
    ["list", "--requirements", rev],
    outDir,
    log,
    Math.min(LIST_TIMEOUT_MS, deadline - Date.now()),
  );
  const req = parseRequirements(list.output);
  if (list.code !== 0 || req.scored.length === 0) {
    throw new Error(
      `conformance list --requirements ${rev} failed (exit ${list.code}): ${
        oneLine(list.output, 500)
      }`,
    );
  }
  const resDir = `${outDir}/${rev}`;
  const args = ["server", "--url", server.url, "-o", resDir];
  let scored = req.scored;
  let notScored = [...req.notScored.keys()];
  if (opts.scenario) {
    const s = opts.scenario;
    const isScored = scored.includes(s);
    const listed = isScored || req.notScored.has(s);
    // as under --requirements, a listed scenario runs at the revision's wire (--force)
    args.push("--scenario", s, "--spec-version", rev);
    if (listed) args.push("--force");
    else req.notScored.set(s, `not required by ${rev}`);
    scored = isScored ? [s] : [];
    notScored = isScored ? [] : [s];
  } else {
    args.push("--requirements", rev);
  }
  const total = scored.length + notScored.length;
  console.error(
    `conformance: ${rev}: running ${total} scenario${
      total === 1 ? "" : "s"
    } (${scored.length} scored)...`,
  );
  const run = await runSuite(args, outDir, log, deadline - Date.now());
  if (Date.now() >= deadline) throw new Error("timeout");
  if (
    opts.scenario && run.output.includes(`Unknown scenario '${opts.scenario}'`)
  ) {
    throw new Error(
      `unknown scenario "${opts.scenario}" (the suite lists them: deno run -A ${SUITE} list --server)`,
    );
  }
  const results = await readResults(resDir, [...scored, ...notScored]);

  const lineFor = (name: string, note = ""): [string, boolean] => {
    const checks = results.get(name);
    if (!checks) {
      const why = missingReason(run.output, name);
      if (why.startsWith("SKIPPED: ")) {
        return [formatLine(rev, name, { skipped: why.slice(9) }), true];
      }
      return [
        formatLine(
          rev,
          name,
          { pass: false, failure: why, warnings: [] },
          note,
        ),
        false,
      ];
    }
    const o = judge(checks);
    return [formatLine(rev, name, o, note), o.pass];
  };
  for (const name of scored) {
    const [line, ok] = lineFor(name);
    console.log(line);
    if (ok) result.scoredPassed++;
    else result.scoredFailed++;
  }
  for (const name of notScored) {
    result.notScoredLines.push(lineFor(name, req.notScored.get(name))[0]);
  }
  return result;
}

async function main(): Promise<number> {
  const opts = parseOptions(Deno.args);
  if (typeof opts === "string") {
    if (opts) console.error(`conformance: ${opts}`);
    console.error(USAGE);
    return opts ? 2 : 0;
  }
  const totalMs = opts.timeoutS * 1000;
  const deadline = Date.now() + totalMs;
  const outDir = await Deno.makeTempDir({ prefix: "porta-conformance-" });
  let server: Server | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopAll();
  }, totalMs);
  const showTail = () => {
    if (!server) return;
    const tail = server.tail();
    if (tail.length === 0) return;
    console.error(`--- porta serve output (last ${tail.length} lines) ---`);
    for (const l of tail) console.error(l);
    console.error("---");
  };
  let listening = false;
  try {
    if (opts.url) {
      server = externalServer(opts.url);
      console.error(
        `conformance: testing ${opts.url}; suite ${SUITE.slice(4)}`,
      );
    } else {
      const port = freePort();
      server = startServer(port);
      const ms = await waitListening(server, port);
      console.error(
        `conformance: porta serve --http 127.0.0.1:${port} ${AGENT} listening after ${
          (ms / 1000).toFixed(1)
        } s; suite ${SUITE.slice(4)}`,
      );
    }
    listening = true;
    let passed = 0, failed = 0, died = "";
    const notScored: string[] = [];
    for (const rev of opts.revisions) {
      const r = await runRevision(rev, opts, server, outDir, deadline);
      passed += r.scoredPassed;
      failed += r.scoredFailed;
      notScored.push(...r.notScoredLines);
      if (server.exited() !== null) {
        died = `porta serve exited with code ${server.exited()} during ${rev}`;
        break;
      }
    }
    if (notScored.length > 0) {
      console.log("not scored:");
      for (const l of notScored) console.log(`  ${l}`);
    }
    console.log(`${passed} passed, ${failed} failed`);
    if (died) {
      console.error(`conformance: error: ${died}`);
      showTail();
      return 2;
    }
    return failed > 0 ? 1 : 0;
  } catch (e) {
    const msg = timedOut
      ? `timeout: the run took longer than ${opts.timeoutS} s (--timeout)`
      : (e as Error).message;
    console.error(`conformance: error: ${msg}`);
    if (!listening || server?.exited() != null) showTail();
    return 2;
  } finally {
    clearTimeout(timer);
    await stopAll();
    if (opts.keep) console.error(`conformance: results kept in ${outDir}`);
    else await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main());
