import { assertEquals, assertThrows } from "../agent/asserts.ts";
import {
  AGENT_OPTIONS,
  CliError,
  HELP_OPTION,
  LIMIT_OPTIONS,
  parseByteSize,
  parseCommandArgs,
  parseDirSpec,
  parseDuration,
  parseEnvFile,
  parseKeyValue,
  parseMemoryPages,
  resolveCommonFlags,
  RUN_OPTIONS,
  UsageError,
} from "../../src/cli/flags.ts";

const ALL = {
  ...AGENT_OPTIONS,
  ...LIMIT_OPTIONS,
  ...RUN_OPTIONS,
  ...HELP_OPTION,
};

Deno.test("flags: strict parsing, -- separates guest args", () => {
  const p = parseCommandArgs("run", [
    "a.wasm",
    "--env",
    "A=1",
    "--env=B=2",
    "--",
    "--env",
    "x",
  ], ALL);
  assertEquals(p.positionals, ["a.wasm"]);
  assertEquals(p.values.env, ["A=1", "B=2"]);
  assertEquals(p.rest, ["--env", "x"]);
  assertThrows(
    () => parseCommandArgs("run", ["a.wasm", "--bogus"], ALL),
    UsageError,
    /^unknown option --bogus for 'run' \(see 'porta help run'\)$/,
  );
  assertThrows(
    () => parseCommandArgs("run", ["a.wasm", "--entry"], ALL),
    UsageError,
    /^option --entry needs a value/,
  );
  assertThrows(
    () => parseCommandArgs("run", ["--help=yes"], ALL),
    UsageError,
    /^option --help takes no value/,
  );
});

Deno.test("flags: numbers, sizes, memory and durations", () => {
  assertEquals(parseMemoryPages("16"), 16);
  assertEquals(parseMemoryPages("64MiB"), 1024);
  assertEquals(parseMemoryPages("128KiB"), 2);
  assertEquals(parseMemoryPages("4GiB"), 65536);
  assertThrows(
    () => parseMemoryPages("100KiB"),
    UsageError,
    /not a whole number of 64KiB pages/,
  );
  assertThrows(() => parseMemoryPages("0"), UsageError);
  assertThrows(() => parseMemoryPages("65537"), UsageError);
  assertThrows(() => parseMemoryPages("lots"), UsageError, /--max-memory/);
  assertEquals(parseByteSize("max-output", "1MiB"), 1048576);
  assertEquals(parseByteSize("max-output", "2048"), 2048);
  assertThrows(() => parseByteSize("max-output", "1XB"), UsageError);
  assertEquals(parseDuration("timeout", "500ms"), 500);
  assertEquals(parseDuration("timeout", "30s"), 30000);
  assertEquals(parseDuration("timeout", "2m"), 120000);
  assertEquals(parseDuration("timeout", "1.5"), 1500);
  assertEquals(parseDuration("timeout", "0"), 0);
  assertThrows(
    () => parseDuration("timeout", "soon"),
    UsageError,
    /^invalid value for --timeout: "soon"/,
  );
  const f = resolveCommonFlags({
    "step-limit": "1_000",
    "max-memory": "2",
    timeout: "1s",
    "max-output": "10",
  });
  assertEquals(f.limits, {
    stepLimit: 1000,
    maxMemoryPages: 2,
    timeoutMs: 1000,
    maxOutputBytes: 10,
  });
  assertThrows(
    () => resolveCommonFlags({ "step-limit": "-5" }),
    UsageError,
    /--step-limit: "-5"/,
  );
  assertThrows(() => resolveCommonFlags({ "step-limit": "0" }), UsageError);
});

Deno.test("flags: restart policy", () => {
  assertEquals(resolveCommonFlags({}).restart, { mode: "no", maxRestarts: 0 });
  assertEquals(resolveCommonFlags({ restart: "on-failure" }).restart, {
    mode: "on-failure",
    maxRestarts: 3,
  });
  assertEquals(
    resolveCommonFlags({ restart: "always", "max-restarts": "7" }).restart,
    {
      mode: "always",
      maxRestarts: 7,
    },
  );
  assertThrows(
    () => resolveCommonFlags({ restart: "maybe" }),
    UsageError,
    /invalid restart mode "maybe"/,
  );
  assertThrows(
    () => resolveCommonFlags({ "max-restarts": "2" }),
    UsageError,
    /needs --restart/,
  );
});

Deno.test("flags: .env files", () => {
  const env = parseEnvFile(`# comment
A=1
export B = two words # trailing comment
C='single $X \\n literal'
D="double\\nline \\"q\\" \\\\ \\$"
E="multi
line"
EMPTY=
A=override
  # indented comment
`);
  assertEquals(env, {
    A: "override",
    B: "two words",
    C: "single $X \\n literal",
    D: 'double\nline "q" \\ $',
    E: "multi\nline",
    EMPTY: "",
  });
  const e1 = assertThrows(
    () => parseEnvFile("A=1\nnot a line\n", "x.env"),
    CliError,
  );
  assertEquals(e1.message, "--env-file x.env line 2: expected KEY=VALUE");
  assertThrows(
    () => parseEnvFile('K="secret-unterminated', "y.env"),
    CliError,
    /^--env-file y\.env line 1: unterminated double-quoted value$/,
  );
});

Deno.test("flags: .env errors give the line number, never the line's text", () => {
  // a secret alone on a line (a PEM body, a token) must not reach stderr
  const token = "ghp_R3alT0kenValue123";
  const pem = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
  const cases: [string, string][] = [
    [`A=1\n${token}\n`, "line 2: expected KEY=VALUE"],
    [`KEY="-----BEGIN\n${pem}\n`, "line 1: unterminated double-quoted value"],
    [`A=1\n\n${pem}+/x==\n`, "line 3: expected KEY=VALUE"],
    [`${token}2 x\n`, "line 1: expected KEY=VALUE"],
    [
      `T='${token}' ${token}\n`,
      "line 1: unexpected text after the closing quote",
    ],
    [`-${token}\n`, "line 1: expected KEY=VALUE"],
  ];
  for (const [text, why] of cases) {
    const e = assertThrows(() => parseEnvFile(text, ".env"), CliError);
    assertEquals(e.message, `--env-file .env ${why}`);
    assertEquals((e as CliError).exitCode, 2);
  }
});

Deno.test("flags: env, env-file precedence, secrets never echoed in errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/.env`, "A=file\nB=file\n");
    await Deno.writeTextFile(`${dir}/2.env`, "B=file2\n");
    const f = resolveCommonFlags({
      "env-file": [`${dir}/.env`, `${dir}/2.env`],
      env: ["A=flag", "C=x=y"],
      secret: ["TOKEN=abc"],
    });
    assertEquals(f.env, { A: "flag", B: "file2", C: "x=y" });
    assertEquals(f.secrets, { TOKEN: "abc" });
    assertThrows(
      () => resolveCommonFlags({ "env-file": [`${dir}/none.env`] }),
      CliError,
      /none\.env: no such file/,
    );
    const e = assertThrows(
      () => parseKeyValue("secret", "hunter2"),
      UsageError,
    );
    assertEquals(e.message.includes("hunter2"), false);
    const e2 = assertThrows(
      () => parseKeyValue("secret", "bad key=hunter2"),
      UsageError,
    );
    assertEquals(e2.message.includes("hunter2"), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("flags: --dir specs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertEquals(parseDirSpec(dir), {
      hostPath: dir,
      guestPath: dir,
      writable: false,
    });
    assertEquals(parseDirSpec(`${dir}:/data`), {
      hostPath: dir,
      guestPath: "/data",
      writable: false,
    });
    assertEquals(parseDirSpec(`${dir}:/data:rw`), {
      hostPath: dir,
      guestPath: "/data",
      writable: true,
    });
    assertEquals(parseDirSpec(`${dir}:ro`), {
      hostPath: dir,
      guestPath: dir,
      writable: false,
    });
    assertThrows(
      () => parseDirSpec(`${dir}/missing`),
      CliError,
      /no such directory/,
    );
    assertThrows(() => parseDirSpec("a:b:c:d"), UsageError);
    await Deno.writeTextFile(`${dir}/f`, "");
    assertThrows(() => parseDirSpec(`${dir}/f`), CliError, /not a directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("flags: --dir guest paths are absolute or '.'; a ':' of a path is written '\\:'", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const colon = `${dir}/data:2024`;
    await Deno.mkdir(colon);
    await Deno.mkdir(`${dir}/data`);
    await Deno.mkdir(`${dir}/rw`);
    const esc = `${dir}/data\\:2024`;
    const spec = (hostPath: string, guestPath: string, writable = false) => ({
      hostPath,
      guestPath,
      writable,
    });
    // the ambiguous form is an error, never a preopen named "2024"
    assertThrows(
      () => parseDirSpec(`${dir}/data:2024`),
      UsageError,
      lit(
        `--dir ${dir}/data:2024: guest path must be absolute ("/2024") or "."`,
      ),
    );
    for (const bad of ["data", "./x", "../up", "C"]) {
      assertThrows(
        () => parseDirSpec(`${dir}:${bad}`),
        UsageError,
        /guest path must be absolute/,
      );
    }
    assertThrows(() => parseDirSpec(`${dir}:/g:rw:x`), UsageError);
    assertThrows(() => parseDirSpec(`${dir}:`), UsageError);
    assertThrows(() => parseDirSpec(`:/g`), UsageError);
    // every form, with a host path containing ":"
    assertEquals(parseDirSpec(esc), spec(colon, colon));
    assertEquals(parseDirSpec(`${esc}:ro`), spec(colon, colon));
    assertEquals(parseDirSpec(`${esc}:rw`), spec(colon, colon, true));
    assertEquals(parseDirSpec(`${esc}:/data`), spec(colon, "/data"));
    assertEquals(parseDirSpec(`${esc}:/data:rw`), spec(colon, "/data", true));
    assertEquals(parseDirSpec(`${esc}:.`), spec(colon, "."));
    assertEquals(parseDirSpec(`${esc}:.:rw`), spec(colon, ".", true));
    assertEquals(parseDirSpec(`${dir}/data:.`), spec(`${dir}/data`, "."));
    assertEquals(parseDirSpec(`${dir}/data:/`), spec(`${dir}/data`, "/"));
    // a guest path with ":" too; a directory named "rw" needs no escape
    assertEquals(parseDirSpec(`${esc}:/g\\:1`), spec(colon, "/g:1"));
    assertEquals(parseDirSpec(`${dir}/rw`), spec(`${dir}/rw`, `${dir}/rw`));
    // "\\:rw" at the end belongs to the path: no such directory
    assertThrows(
      () => parseDirSpec(`${dir}/data\\:rw`),
      CliError,
      lit(`--dir ${dir}/data:rw: no such directory`),
    );
    // other backslashes are kept as they are
    assertThrows(
      () => parseDirSpec(`${dir}/a\\b`),
      CliError,
      lit(`--dir ${dir}/a\\b: no such directory`),
    );
    // through the shared flags
    const flags = resolveCommonFlags({ dir: [esc, `${dir}/data:/d:rw`] });
    assertEquals(flags.dirs, [
      spec(colon, colon),
      spec(`${dir}/data`, "/d", true),
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A RegExp matching `text` literally. */
function lit(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

Deno.test("flags: negative values reach the flag's parser; one hint for --max-memory; directories named (QA 13:50)", async () => {
  const p = parseCommandArgs("run", ["a.wasm", "--step-limit", "-5"], ALL);
  assertEquals([p.values["step-limit"], p.positionals], ["-5", ["a.wasm"]]);
  assertThrows(
    () => resolveCommonFlags(p.values),
    UsageError,
    lit('invalid value for --step-limit: "-5" (expected a positive integer)'),
  );
  const t = parseCommandArgs("run", ["--timeout", "-1", "a.wasm"], ALL);
  assertThrows(
    () => resolveCommonFlags(t.values),
    UsageError,
    lit('invalid value for --timeout: "-1"'),
  );
  // a boolean flag followed by a negative-looking positional is untouched
  const b = parseCommandArgs("run", ["a.wasm", "-h", "--", "-5"], ALL);
  assertEquals([b.values.help, b.rest], [true, ["-5"]]);
  for (const v of ["12XB", "1048576", "0", "abc"]) {
    assertThrows(
      () => parseMemoryPages(v),
      UsageError,
      lit(
        `invalid value for --max-memory: "${v}" (expected 1..65536 pages or a size such as 64MiB)`,
      ),
    );
  }
  const dir = await Deno.makeTempDir();
  try {
    assertThrows(
      () => resolveCommonFlags({ "env-file": [dir] }),
      CliError,
      lit(`--env-file ${dir}: is a directory`),
    );
    assertThrows(
      () => resolveCommonFlags({ "env-file": [`${dir}/none`] }),
      CliError,
      lit(`--env-file ${dir}/none: no such file`),
    );
    // one guest path, two host directories: refused (QA 13:54)
    assertThrows(
      () => resolveCommonFlags({ dir: [`${dir}:/data`, `${dir}:/data/:rw`] }),
      UsageError,
      lit("--dir: guest path /data/ is given twice"),
    );
    assertEquals(
      resolveCommonFlags({ dir: [`${dir}:/a`, `${dir}:/b`] }).dirs.length,
      2,
    );
  } finally {
    await Deno.remove(dir);
  }
});
