/**
 * End-to-end tests of the `porta` command line: each test spawns
 * `deno run -A --unstable-worker-options cli.ts ...` as a child process on
 * the committed fixtures (testdata/cli/*.c / *.wat, built by
 * testdata/build.sh) and checks stdout, stderr and the exit code.
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import denoConfig from "../../deno.json" with { type: "json" };
import { runPorta } from "../helpers/cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
const PROBE = "testdata/cli/probe.wasm";
const TOOL = "testdata/cli/tool.wasm";
const LOOP = "testdata/cli/loop.wasm";
const BIGMEM = "testdata/cli/bigmem.wasm";
const GROWEXIT = "testdata/cli/growexit.wasm";
const ANSI = "testdata/cli/ansi.wasm";
const SECRET = "s3cr3t-XYZ-987";

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

// Independent runs are started together (Promise.all) to save wall time;
// at most MAX_PARALLEL child processes run at once so a 2-core CI machine
// is not swamped.
const MAX_PARALLEL = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function porta(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Out> {
  while (running >= MAX_PARALLEL) {
    await new Promise<void>((r) => waiting.push(r));
  }
  running++;
  try {
    return await runPorta(args, { ...opts, noPrompt: false });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A user error: exactly one `porta: error:` line, no stack trace. */
function assertOneLineError(o: Out, code: number, re: RegExp): void {
  assertEquals(o.code, code, `exit code (stderr: ${o.stderr})`);
  const lines = o.stderr.split("\n").filter((l) => l !== "");
  assertEquals(lines.length, 1, `one stderr line, got: ${o.stderr}`);
  assertMatch(lines[0], /^porta: error: /);
  assertMatch(lines[0], re);
  assertNoStack(o);
}

function assertNoStack(o: Out): void {
  assert.ok(!/^\s+at /m.test(o.stderr), `stack trace in stderr: ${o.stderr}`);
  assert.ok(
    !/Uncaught|Error:/.test(o.stderr),
    `raw error in stderr: ${o.stderr}`,
  );
}

const SUMMARY =
  /^\[porta\] steps=(\d+) memory=(\d+) pages restarts=(\d+) time=[\d.]+ms tier=auto$/m;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "porta-cli-test-" });
}

Deno.test("cli: version, help, unknown command", async () => {
  const [v, vv, h, hr, rh, hn, none, runn, frob, bare] = await Promise.all([
    porta(["version"]),
    porta(["--version"]),
    porta(["--help"]),
    porta(["help", "run"]),
    porta(["run", "-h"]),
    porta(["help", "nope"]),
    porta([]),
    porta(["runn", "x.wasm"]),
    porta(["--frobnicate"]),
    porta([PROBE]),
  ]);
  assertEquals([v.code, v.stdout, v.stderr], [
    0,
    `porta ${denoConfig.version}\n`,
    "",
  ]);
  assertEquals(vv.stdout, `porta ${denoConfig.version}\n`);
  assertEquals(h.code, 0);
  assertMatch(h.stdout, /^porta - a secure MCP bridge/);
  assertMatch(h.stdout, /^ {2}inspect <agent\.wasm>/m);
  assertEquals(hr.code, 0);
  assertMatch(
    hr.stdout,
    /^Usage: porta run <agent\.wasm> \[options\] \[-- guest args\.\.\.\]/,
  );
  assertEquals(rh.stdout, hr.stdout);
  assertOneLineError(hn, 2, /unknown command "nope"/);
  assertEquals(none.code, 2);
  assertMatch(none.stderr, /^porta - a secure MCP bridge/);
  assertOneLineError(
    runn,
    2,
    /^porta: error: unknown command "runn" \(did you mean 'run'\? see 'porta help'\)$/,
  );
  assertOneLineError(frob, 2, /unknown option --frobnicate/);
  assertOneLineError(
    bare,
    2,
    /did you mean 'porta run testdata\/cli\/probe\.wasm'\?/,
  );
});

Deno.test("cli: usage errors are one line with exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["run", PROBE, "--bogus"],
      /^porta: error: unknown option --bogus for 'run' \(see 'porta help run'\)$/,
    ],
    [["run", PROBE, "--step-limit", "abc"], /--step-limit: "abc"/],
    [["run", PROBE, "--max-memory", "100KiB"], /64KiB pages/],
    [["run", PROBE, "--timeout", "soon"], /--timeout: "soon"/],
    [["run", PROBE, "--restart", "maybe"], /invalid restart mode/],
    [["run", PROBE, "--profile", "root"], /--profile: "root"/],
    [["run", PROBE, "--entry"], /option --entry needs a value/],
    [["run"], /missing <agent\.wasm>/],
    [["inspect", PROBE, TOOL], /exactly one/],
    [["run", PROBE, "--secret", SECRET], /--secret: expected KEY=VALUE/],
  ];
  const outs = await Promise.all(cases.map(([args]) => porta(args)));
  outs.forEach((o, i) => assertOneLineError(o, 2, cases[i][1]));
  assert.ok(!outs.at(-1)!.stderr.includes(SECRET));
});

Deno.test("cli: runtime errors are one line with exit code 1", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(
      `${dir}/bad.wasm`,
      new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x55, 3, 1, 2]),
    );
    await Deno.writeTextFile(
      `${dir}/m.json`,
      `{"name": "x", "version": "1", "tools": [{"name": 5}]}`,
    );
    await Deno.writeTextFile(`${dir}/bad.env`, `A=1\nB="${SECRET}\n`);
    const cases: [string[], number, RegExp][] = [
      [["run", "nope.wasm"], 1, /^porta: error: nope\.wasm: no such file$/],
      [["inspect", "README.md"], 1, /README\.md: not a WebAssembly binary/],
      [["run", `${dir}/bad.wasm`], 1, /bad\.wasm: invalid module: /],
      [
        ["run", PROBE, "--manifest", `${dir}/m.json`],
        1,
        /m\.json: tools\[0\]\.name: expected a string, got a number$/,
      ],
      [
        ["run", PROBE, "--manifest", `${dir}/none.json`],
        1,
        /none\.json: no such file/,
      ],
      [
        ["run", PROBE, "--env-file", `${dir}/none.env`],
        1,
        /none\.env: no such file/,
      ],
      [
        ["run", PROBE, "--env-file", `${dir}/bad.env`],
        2,
        /--env-file .*bad\.env line 2: unterminated double-quoted value$/,
      ],
      [["run", PROBE, "--dir", `${dir}/nodir`], 1, /no such directory/],
      // secret values are redacted from every message, even paths (QA 13:50)
      [
        ["run", PROBE, "--secret", `T=${SECRET}`, "--dir", `${dir}/${SECRET}`],
        1,
        /--dir .*\/\[REDACTED\]: no such directory$/,
      ],
      [
        ["run", `${dir}/${SECRET}.wasm`, `--secret=T=${SECRET}`],
        1,
        /\/\[REDACTED\]\.wasm: no such file$/,
      ],
      [
        ["run", PROBE, "--profile", "full", "--entry", "nope"],
        1,
        /entry "nope" is not an exported function/,
      ],
      [
        ["run", "testdata/cli/reactor.wasm", "--profile", "full"],
        1,
        /entry "_start" is not an exported function of .*\(the module is a reactor; its function exports are: _initialize, shout, count — pick one with --entry\)$/,
      ],
    ];
    const [v, ...outs] = await Promise.all([
      porta(["validate", `${dir}/bad.wasm`]),
      ...cases.map(([args]) => porta(args)),
    ]);
    outs.forEach((o, i) => {
      assertOneLineError(o, cases[i][1], cases[i][2]);
      assert.ok(!o.stderr.includes(SECRET));
    });
    assertEquals(v.code, 1);
    assertMatch(v.stdout, /^FAIL {4}module: /m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: denied imports refuse the module, one line per import (nothing granted, or --strict-imports)", async () => {
  const [o, ai, strict] = await Promise.all([
    porta(["run", PROBE]),
    porta(["run", PROBE, "--profile", "ai-agent", "--", "hello"]),
    porta([
      "run",
      PROBE,
      "--profile",
      "ai-agent",
      "--strict-imports",
      "--",
      "hello",
    ]),
  ]);
  // neither profile nor manifest: nothing is granted, refused with a hint
  assertEquals(o.code, 1);
  assertEquals(o.stdout, "");
  const lines = o.stderr.trimEnd().split("\n");
  assertEquals(lines.slice(0, 3), [
    'porta: error: import wasi_snapshot_preview1.args_get needs capability "process" (not granted)',
    'porta: error: import wasi_snapshot_preview1.args_sizes_get needs capability "process" (not granted)',
    'porta: error: import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
  ]);
  assertEquals(lines.length, 14); // 13 imports (proc_exit needs none) + hint
  assertMatch(lines[13], /^porta: error: hint: nothing is granted by default/);
  // ai-agent: the wasi-libc program loads (environ_*, fd_prestat_*,
  // path_open not granted: denied at run time) and says hello
  assertEquals([ai.code, ai.stdout], [0, "hello, world\n"], ai.stderr);
  // --strict-imports: environ_get, environ_sizes_get, fd_prestat_get,
  // fd_prestat_dir_name, path_open + hint
  assertEquals(strict.code, 1);
  assertEquals(strict.stdout, "");
  const strictLines = strict.stderr.trimEnd().split("\n");
  assertEquals(strictLines.length, 6, strict.stderr);
  assertEquals(
    strictLines[4],
    'porta: error: import wasi_snapshot_preview1.path_open needs capability "fs" (not granted)',
  );
  assertMatch(strictLines[5], /^porta: error: hint: --strict-imports /);
  assertNoStack(strict);
});

Deno.test("cli: run streams output, passes args, reports metrics", async () => {
  const full = ["run", PROBE, "--profile", "full"];
  const [o, a, e, c] = await Promise.all([
    porta([...full, "--", "hello"]),
    porta([...full, "args", "--", "a", "b c", "--env", "-h"]),
    porta([...full, "--", "exit", "7"]),
    porta([...full, "--", "cat"], { stdin: "piped input\nline 2\n" }),
  ]);
  assertEquals([o.code, o.stdout], [0, "hello, world\n"]);
  const [first, summary] = o.stderr.trimEnd().split("\n");
  assertEquals(first, "to stderr");
  const m = SUMMARY.exec(summary);
  assert.ok(m, `summary line: ${summary}`);
  assert.ok(Number(m![1]) > 0);
  // 2 pages of memory + a 6-element table (48 bytes): the budget in use,
  // rounded up to whole pages
  assertEquals([m![2], m![3]], ["3", "0"]);
  assertEquals(a.stdout, "probe.wasm\nargs\na\nb c\n--env\n-h\n");
  assertEquals([e.code, e.stdout], [7, "exiting with 7\n"]);
  assertMatch(e.stderr, SUMMARY);
  assertEquals([c.code, c.stdout], [0, "piped input\nline 2\n"]);
});

Deno.test("cli: traps and limits end with one clear line and exit 1", async () => {
  const full = ["run", PROBE, "--profile", "full"];
  const [t, s, mem, grow, capped, ok, to] = await Promise.all([
    porta([...full, "--", "trap"]),
    porta([...full, "--step-limit", "50000", "--", "loop"]),
    porta(["run", BIGMEM, "--max-memory", "4"]),
    porta([...full, "--max-memory", "40", "--", "grow"]),
    porta(["run", GROWEXIT, "--profile", "ai-agent", "--max-memory", "5"]),
    porta(["run", BIGMEM, "--max-memory", "2MiB"]),
    porta(["run", LOOP, "--timeout", "300ms"]),
  ]);
  assertEquals(t.code, 1);
  const tl = t.stderr.trimEnd().split("\n");
  assertMatch(tl[0], /^porta: error: trap: unreachable/);
  assertMatch(tl[1], SUMMARY);
  assertEquals(tl.length, 2);
  assertNoStack(t);

  assertEquals(s.code, 1);
  assertMatch(
    s.stderr,
    /^porta: error: step limit of 50000 instructions reached$/m,
  );
  assertEquals(SUMMARY.exec(s.stderr)![1], "50000");

  assertEquals(mem.code, 1);
  assertMatch(
    mem.stderr,
    /^porta: error: memory limit of 4 pages exceeded: the module's memory starts at 32 pages$/m,
  );
  assertEquals([grow.code, grow.stdout], [4, "allocated 2 MiB\n"]);
  assert.ok(Number(SUMMARY.exec(grow.stderr)![2]) <= 40);
  // memory.grow returning -1 at the cap is not an error: the guest handled
  // it and exited with its own code (here: its page count, 5)
  assertEquals(capped.code, 5, capped.stderr);
  assert.ok(!capped.stderr.includes("porta: error"), capped.stderr);
  assertEquals(SUMMARY.exec(capped.stderr)![2], "5");
  assertEquals(ok.code, 0);

  assertEquals(to.code, 1);
  assertMatch(to.stderr, /^porta: error: timeout after 300 ms$/m);
});

Deno.test("cli: the guest sees exactly --env-file, --env and --secret; the host env never leaks", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/.env`,
      `# settings\nexport A=from-file\nB="two\\nlines"\nC='single'\n`,
    );
    const o = await porta([
      "run",
      PROBE,
      "--profile",
      "full",
      "--env-file",
      `${dir}/.env`,
      "--env",
      "A=from-flag",
      "--secret",
      `TOKEN=${SECRET}`,
      "--",
      "env",
    ], { env: { HOST_ONLY_VAR: "leaked" } });
    assertEquals(o.code, 0);
    // the guest got the exact value: its stdout shows it, and `run`
    // redacts it there like everywhere else
    assertEquals(
      o.stdout,
      `A=from-flag\nB=two\nlines\nC=single\nTOKEN=[REDACTED]\n`,
    );
    assert.ok(!o.stdout.includes("HOST_ONLY_VAR"));
    // Porta's own output (stderr: metrics) never shows the secret.
    assert.ok(!o.stderr.includes(SECRET));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: restart policies are bounded and counted", async () => {
  const full = ["run", PROBE, "--profile", "full"];
  const [f, a, ok, d] = await Promise.all([
    porta([
      ...full,
      "--restart",
      "on-failure",
      "--max-restarts",
      "2",
      "--",
      "exit",
      "3",
    ]),
    porta([
      ...full,
      "--restart",
      "always",
      "--max-restarts",
      "1",
      "--",
      "hello",
    ]),
    porta([...full, "--restart", "on-failure", "--", "hello"]),
    porta([...full, "--restart", "on-failure", "--", "trap"]),
  ]);
  assertEquals(f.code, 3);
  assertEquals(f.stdout, "exiting with 3\n".repeat(3));
  assertMatch(f.stderr, /^\[porta\] restarting \(1\/2\) after exit code 3$/m);
  assertMatch(f.stderr, /^\[porta\] restarting \(2\/2\) after exit code 3$/m);
  assertEquals(SUMMARY.exec(f.stderr)![3], "2");
  assertEquals([a.code, a.stdout], [0, "hello, world\n".repeat(2)]);
  assertEquals(SUMMARY.exec(a.stderr)![3], "1");
  assertEquals(SUMMARY.exec(ok.stderr)![3], "0");
  assertEquals(d.code, 1);
  assertEquals(SUMMARY.exec(d.stderr)![3], "3"); // default bound: 3
});

Deno.test("cli: Ctrl-C stops the guest cleanly with exit code 130", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      CLI,
      "run",
      PROBE,
      "--profile",
      "full",
      "--",
      "spin",
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  // Wait until the guest runs (it prints "running"), then interrupt porta.
  const reader = child.stdout.getReader();
  let seen = "";
  while (!seen.includes("running\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  assertEquals(seen, "running\n");
  child.kill("SIGINT");
  reader.releaseLock();
  const [status, errBytes] = await Promise.all([
    child.status,
    new Response(child.stderr).arrayBuffer(),
    child.stdout.cancel(),
  ]);
  const stderr = new TextDecoder().decode(errBytes);
  assertEquals(status.code, 130);
  assertMatch(stderr, /^porta: interrupted$/m);
  assertMatch(stderr, SUMMARY);
  assertNoStack({ code: status.code, stdout: "", stderr });
});

Deno.test("cli: inspect shows the module, capabilities, manifest; secrets redacted", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir}/m.json`,
    `{"name": "x", "version": "1", "tools": [{}]}`,
  );
  const [o, j, bad] = await Promise.all([
    porta(["inspect", PROBE, "--env", "A=1", "--secret", `TOKEN=${SECRET}`]),
    porta([
      "inspect",
      TOOL,
      "--json",
      "--profile",
      "full",
      "--secret",
      `TOKEN=${SECRET}`,
    ]),
    porta(["inspect", PROBE, "--manifest", `${dir}/m.json`]),
  ]).finally(() => Deno.remove(dir, { recursive: true }));
  assertEquals(o.code, 0);
  assertMatch(o.stdout, /^module: testdata\/cli\/probe\.wasm \(\d+ bytes\)$/m);
  assertMatch(o.stdout, /^imports \(14\):$/m);
  assertMatch(
    o.stdout,
    /^ {2}wasi_snapshot_preview1\.environ_get +function +\(i32, i32\) -> \(i32\) +needs env$/m,
  );
  assertMatch(o.stdout, /^exports \(2\):$/m);
  assertMatch(o.stdout, /^capabilities needed: io, fs, process, env$/m);
  assertMatch(o.stdout, /^manifest: \(none found\)$/m);
  assertMatch(o.stdout, /^ {2}TOKEN=\[REDACTED\]$/m);
  assert.ok(!o.stdout.includes(SECRET));
  assertEquals(j.code, 0);
  assert.ok(!j.stdout.includes(SECRET));
  const r = JSON.parse(j.stdout);
  assertEquals(r.manifestPath, "testdata/cli/tool.manifest.json");
  assertEquals(r.manifest.tools.length, 10);
  // proc_exit needs no capability
  assertEquals(r.capabilitiesNeeded, ["io", "env"]);
  assertEquals(r.grants, ["io", "process", "env"]);
  assertEquals(r.environment, { TOKEN: "[REDACTED]" });
  assertEquals(r.module.imports[0], {
    module: "wasi_snapshot_preview1",
    name: "environ_get",
    kind: "function",
    type: "(i32, i32) -> (i32)",
    capability: "env",
  });
  assert.ok(
    r.module.customSections.some((c: { name: string }) =>
      c.name === "producers"
    ),
  );
  assertEquals(bad.code, 1);
  assertMatch(bad.stdout, /^manifest: .*m\.json is INVALID$/m);
  assertMatch(
    bad.stdout,
    /^ {2}tools\[0\]\.name: required field is missing$/m,
  );
});

Deno.test("cli: validate reports ok/DENIED per import and PASS/FAIL", async () => {
  const [fail, lenient, pass, toolDefault, toolFull, noImports, noMem] =
    await Promise.all([
      porta(["validate", PROBE, "--profile", "ai-agent", "--strict-imports"]),
      porta(["validate", PROBE, "--profile", "ai-agent"]),
      porta(["validate", PROBE, "--profile", "full"]),
      porta(["validate", TOOL]),
      porta(["validate", TOOL, "--profile", "full"]),
      porta(["validate", LOOP]),
      porta(["validate", "testdata/cli/nomem.wasm", "--profile", "full"]),
    ]);
  // WASI imports without an exported "memory": warned (QA 14:14)
  assertMatch(
    noMem.stdout,
    /^warning the module imports WASI functions but exports no "memory"/m,
  );
  assert.ok(!pass.stdout.includes("exports no"));
  assertEquals(fail.code, 1);
  assertMatch(
    fail.stdout,
    /^DENIED {2}wasi_snapshot_preview1\.environ_get: needs capability "env" \(not granted\)$/m,
  );
  assertMatch(fail.stdout, /^ok {6}wasi_snapshot_preview1\.fd_write \(io\)$/m);
  assertEquals(fail.stdout.trimEnd().split("\n").at(-1), "FAIL");
  // without --strict-imports the same imports are denied at run time: PASS
  assertEquals(lenient.code, 0, lenient.stdout);
  assert.ok(!lenient.stdout.includes("DENIED"));
  assertMatch(
    lenient.stdout,
    /^note {4}wasi_snapshot_preview1\.path_open \(fs\): not granted, denied at run time \(ENOTCAPABLE\)$/m,
  );
  assertMatch(
    lenient.stdout,
    /^note {4}wasi_snapshot_preview1\.environ_get \(env\): not granted, an empty environment at run time$/m,
  );
  assertMatch(
    lenient.stdout,
    /^ok {6}wasi_snapshot_preview1\.proc_exit \(needs no capability\)$/m,
  );
  assertEquals(lenient.stdout.trimEnd().split("\n").at(-1), "PASS");
  assertEquals(pass.code, 0);
  assert.ok(!pass.stdout.includes("DENIED"));
  assertEquals(pass.stdout.trimEnd().split("\n").at(-1), "PASS");
  // tool.wasm's manifest asks for env, but the default profile bound
  // (ai-agent) removes it: environ_* report an empty environment
  assertEquals(toolDefault.code, 0);
  assertMatch(toolDefault.stdout, /environ_get \(env\): not granted/);
  assertEquals(toolFull.code, 0);
  assertEquals(
    [noImports.code, noImports.stdout.trimEnd().split("\n").at(-1)],
    [0, "PASS"],
  );
});

Deno.test("cli: names with control characters are printed escaped by inspect, validate and run (QA 13:53)", async () => {
  const [i, v, r] = await Promise.all([
    porta(["inspect", ANSI]),
    porta(["validate", ANSI, "--profile", "full"]),
    porta(["run", ANSI, "--profile", "full"]),
  ]);
  for (const o of [i, v, r]) {
    const raw = [...o.stdout + o.stderr].filter((c) =>
      c !== "\n" && (c < " " || c === "\u007f")
    );
    assertEquals(raw, [], `raw control characters in: ${JSON.stringify(o)}`);
    assert.ok(!/^\[porta\] fake line/m.test(o.stdout + o.stderr));
  }
  assertMatch(i.stdout, /^ {2}tool\\n\[porta\] fake line +function/m);
  assertMatch(i.stdout, /^ {2}_start\\x1b\]0;pwned\\x07 +function/m);
  assertMatch(
    v.stdout,
    /^DENIED {2}wasi_snapshot_preview1\.fd_write\\x1b\[31mEVIL: /m,
  );
  assertOneLineError(
    r,
    1,
    /^porta: error: import wasi_snapshot_preview1\.fd_write\\x1b\[31mEVIL is not a wasi_snapshot_preview1 function$/,
  );
});

Deno.test("cli: build writes a derived manifest that validates", async () => {
  const dir = await tempDir();
  try {
    await Deno.copyFile(`${ROOT}${PROBE}`, `${dir}/probe.wasm`);
    const b = await porta(["build", `${dir}/probe.wasm`]);
    assertEquals(b.code, 0, b.stderr);
    assertMatch(
      b.stdout,
      /^wrote .*probe\.manifest\.json: 1 tool\(s\), capabilities \[io, fs, process, env\], 14 WASI import\(s\)$/m,
    );
    const m = JSON.parse(await Deno.readTextFile(`${dir}/probe.manifest.json`));
    assertEquals(m.name, "probe");
    assertEquals(m.capabilities, ["io", "fs", "process", "env"]);
    assertEquals(m.tools.map((t: { name: string }) => t.name), ["probe"]);
    assertEquals(m.wasi_imports.length, 14);
    const [again, toDir] = await Promise.all([
      porta(["build", `${dir}/probe.wasm`]),
      porta(["build", `${dir}/probe.wasm`, "-o", dir, "--force"]),
    ]);
    assertOneLineError(again, 1, /already exists \(use --force/);
    assertOneLineError(
      toDir,
      1,
      /: is a directory \(give a file path with -o\)$/,
    );
    assertEquals(
      (await porta([
        "build",
        `${dir}/probe.wasm`,
        "--force",
        "--name",
        "renamed",
      ])).code,
      0,
    );
    assertEquals(
      JSON.parse(await Deno.readTextFile(`${dir}/probe.manifest.json`)).name,
      "renamed",
    );
    assertEquals(
      (await porta(["build", `${dir}/probe.wasm`, "-o", `${dir}/other.json`]))
        .code,
      0,
    );
    assertEquals(
      (await porta(["validate", `${dir}/probe.wasm`, "--profile", "full"]))
        .code,
      0,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: secrets are redacted from the guest's stderr in run", async () => {
  const o = await porta([
    "run",
    PROBE,
    "--profile",
    "full",
    "--secret",
    `TOKEN=${SECRET}`,
    "--",
    "elog",
    "TOKEN",
  ]);
  assertEquals(o.code, 0);
  assertMatch(o.stderr, /^log: TOKEN=\[REDACTED\]$/m);
  assert.ok(!o.stderr.includes(SECRET));
});

Deno.test("cli: --dir preopens a directory, read-only unless :rw; nothing else is visible", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/in.txt`, "file content\n");
    const args = ["run", PROBE, "--profile", "full"];
    const ro = ["--dir", `${dir}:/data`];
    const [r, roWrite, rw, none, up, w] = await Promise.all([
      porta([...args, ...ro, "--", "read", "/data/in.txt"]),
      porta([...args, ...ro, "--", "write", "/data/ro.txt", "x"]),
      porta([
        ...args,
        "--dir",
        `${dir}:/data:rw`,
        "--",
        "write",
        "/data/out.txt",
        "x",
      ]),
      porta([...args, "--", "read", "/etc/hostname"]),
      porta([...args, ...ro, "--", "read", "/data/../../etc/hostname"]),
      // Without the fs capability (profile worker) the module loads but sees no file.
      porta([
        "run",
        PROBE,
        "--profile",
        "worker",
        "--dir",
        dir,
        "--",
        "read",
        "x",
      ]),
    ]);
    assertEquals([r.code, r.stdout], [0, "file content\n"]);
    assertEquals(roWrite.code, 1);
    assertMatch(roWrite.stdout, /^cannot write \/data\/ro\.txt: /);
    assertEquals([rw.code, rw.stdout], [0, "wrote /data/out.txt\n"]);
    assertEquals(await Deno.readTextFile(`${dir}/out.txt`), "x");
    assert.ok(!(await exists(`${dir}/ro.txt`)), "read-only dir was written");
    assertEquals(none.code, 1);
    assertMatch(none.stdout, /^cannot read \/etc\/hostname: /);
    assertEquals(up.code, 1);
    assertMatch(up.stdout, /^cannot read /);
    // without fs the module loads, the --dir is ignored and nothing is
    // visible (wasi-libc finds no preopen)
    assertEquals(w.code, 1);
    assertMatch(w.stderr, /--dir is ignored: the fs capability is not granted/);
    assertMatch(w.stdout, /^cannot read /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: without --unstable-worker-options run/serve say so in one line (QA 13:56)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", CLI, "run", PROBE, "--", "hello"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const o = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  assertOneLineError(
    o,
    1,
    /^porta: error: Deno must run porta with --unstable-worker-options \(e\.g\. deno run -A --unstable-worker-options cli\.ts run \.\.\.\)$/,
  );
});

Deno.test("cli: a closed stdout stops the guest quietly (exit 141, no stack trace)", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      CLI,
      "run",
      PROBE,
      "--profile",
      "full",
      "--",
      "big",
      "50000000",
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assertEquals(first.done, false);
  await reader.cancel(); // like `| head -c 1`
  const [status, errBytes] = await Promise.all([
    child.status,
    new Response(child.stderr).arrayBuffer(),
  ]);
  const stderr = new TextDecoder().decode(errBytes);
  assertEquals(status.code, 141);
  assertMatch(stderr, SUMMARY);
  assertNoStack({ code: status.code, stdout: "", stderr });
});

Deno.test("cli: any other stdout failure (disk full) is one error line and exit 1 (QA 13:52)", async () => {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'exec "$0" run -A --unstable-worker-options "$1" run "$2" --profile full -- big 100000 > /dev/full',
      Deno.execPath(),
      CLI,
      PROBE,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 1, stderr);
  assertMatch(
    stderr,
    /^porta: error: cannot write stdout: No space left on device/m,
  );
  assertMatch(stderr, SUMMARY);
  assertNoStack({ code: out.code, stdout: "", stderr });
});
