import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  checkImports,
  EMPTY_WHEN_NOT_GRANTED,
  EMPTY_WITHOUT_ENV,
  emptyWhenNotGranted,
  ENOTCAPABLE,
  formatDenied,
  guardImports,
  type ImportDescriptor,
} from "../../src/sandbox/policy.ts";
import {
  type Capability,
  PROFILES,
  WASI_CAPABILITY,
  WASI_NO_CAPABILITY,
} from "../../src/sandbox/capabilities.ts";

/** Every WASI function Porta provides. */
const ALL_WASI = [...Object.keys(WASI_CAPABILITY), ...WASI_NO_CAPABILITY];

const W = "wasi_snapshot_preview1";
const fn = (name: string, module = W): ImportDescriptor => ({
  module,
  name,
  kind: "function",
});

Deno.test("policy: hello world loads under ai-agent", () => {
  const imports = ["fd_close", "fd_fdstat_get", "fd_seek", "fd_write"].map((
    n,
  ) => fn(n));
  assertEquals(checkImports(imports, new Set(PROFILES["ai-agent"])), []);
});

const MIXED: ImportDescriptor[] = [
  fn("fd_write"),
  fn("path_open"),
  fn("path_unlink_file"),
  fn("environ_get"),
  fn("clock_time_get"),
  fn("random_get"),
  fn("sock_send"),
  fn("fd_bogus"),
  fn("read", "env"),
  { module: W, name: "fd_read", kind: "memory" },
  fn("proc_exit"),
];

Deno.test("policy: by default only imports that can never link are refused at load", () => {
  // ungranted capabilities link (every call is refused at run time)
  const denied = checkImports(MIXED, new Set(PROFILES["ai-agent"]));
  assertEquals(formatDenied(denied).split("\n"), [
    "import wasi_snapshot_preview1.fd_bogus is not a wasi_snapshot_preview1 function",
    'import env.read unknown import module "env" (only wasi_snapshot_preview1 is provided)',
    "import wasi_snapshot_preview1.fd_read must be imported as a function, not a memory",
  ]);
  assertEquals(checkImports(MIXED, new Set(), { strict: false }), denied);
  // nothing granted at all: the same
  assertEquals(checkImports(MIXED, new Set()).length, 3);
});

Deno.test("policy: strict mode (--strict-imports) refuses each ungranted import by name", () => {
  const imports = [
    fn("fd_write"),
    fn("path_open"),
    fn("path_unlink_file"),
    fn("environ_get"),
    fn("clock_time_get"),
    fn("random_get"),
    fn("sock_send"),
    fn("fd_bogus"),
    fn("read", "env"),
    { module: W, name: "fd_read", kind: "memory" },
  ];
  const denied = checkImports(imports, new Set(PROFILES["ai-agent"]), {
    strict: true,
  });
  assertEquals(denied.map((d) => d.capability), [
    "fs",
    "fs.write",
    "env",
    "clock",
    "random",
    "net",
    undefined,
    undefined,
    "io",
  ]);
  assertEquals(
    formatDenied(denied).split("\n"),
    [
      'import wasi_snapshot_preview1.path_open needs capability "fs" (not granted)',
      'import wasi_snapshot_preview1.path_unlink_file needs capability "fs.write" (not granted)',
      'import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
      'import wasi_snapshot_preview1.clock_time_get needs capability "clock" (not granted)',
      'import wasi_snapshot_preview1.random_get needs capability "random" (not granted)',
      'import wasi_snapshot_preview1.sock_send needs capability "net" (not granted)',
      "import wasi_snapshot_preview1.fd_bogus is not a wasi_snapshot_preview1 function",
      'import env.read unknown import module "env" (only wasi_snapshot_preview1 is provided)',
      "import wasi_snapshot_preview1.fd_read must be imported as a function, not a memory",
    ],
  );
});

Deno.test("policy: full profile admits every WASI function; proc_exit needs none", () => {
  const all = ALL_WASI.map((n) => fn(n));
  assertEquals(all.length, 46); // the whole preview1 list
  assertEquals(checkImports(all, new Set(PROFILES.full), { strict: true }), []);
  assertEquals(checkImports(all, new Set()), []);
  // strict with nothing granted: everything but proc_exit
  const denied = checkImports(all, new Set(), { strict: true });
  assertEquals(denied.length, all.length - 1);
  assertEquals(denied.some((d) => d.name === "proc_exit"), false);
  assertEquals(
    checkImports([fn("proc_exit")], new Set(), { strict: true }),
    [],
  );
});

Deno.test("policy: a manifest's wasi_imports is an allowlist (one line per unlisted import)", () => {
  const imports = [
    "fd_write",
    "fd_read",
    "proc_exit",
    "random_get",
    "path_open",
  ]
    .map((n) => fn(n));
  const allowlist = ["fd_write", "fd_read", "proc_exit", "clock_time_get"];
  const grants = new Set(PROFILES.full);
  assertEquals(
    formatDenied(checkImports(imports, grants, { allowlist })).split("\n"),
    [
      "import wasi_snapshot_preview1.random_get is not listed in the manifest's wasi_imports",
      "import wasi_snapshot_preview1.path_open is not listed in the manifest's wasi_imports",
    ],
  );
  // listed but not granted: links unless strict
  const io = new Set<Capability>(["io"]);
  const two = [fn("fd_write"), fn("clock_time_get")];
  assertEquals(checkImports(two, io, { allowlist }), []);
  assertEquals(
    checkImports(two, io, { allowlist, strict: true }).map((d) => d.reason),
    ['needs capability "clock" (not granted)'],
  );
  // an empty list allows no WASI import at all
  assertEquals(
    checkImports([fn("proc_exit")], grants, { allowlist: [] }).length,
    1,
  );
  assertEquals(checkImports([], grants, { allowlist: [] }), []);
});

function fakeWasi(calls: string[]) {
  const imports: Record<string, (...a: any[]) => any> = {};
  for (const name of ALL_WASI) {
    imports[name] = (...args: unknown[]) => {
      calls.push(`${name}(${args.join(",")})`);
      return 0;
    };
  }
  return imports;
}

Deno.test("policy: guardImports returns ENOTCAPABLE for ungranted capabilities", () => {
  const calls: string[] = [];
  const denials: string[] = [];
  const g = guardImports(fakeWasi(calls), new Set<Capability>(["io"]), {
    onDenied: (n, c) => denials.push(`${n}:${c}`),
  });
  assertEquals(ENOTCAPABLE, 76);
  assertEquals(g.path_open(3, 0, 0, 1, 0, 0n, 0n, 0, 0), 76);
  assertEquals(g.random_get(0, 8), 76);
  assertEquals(g.environ_sizes_get(0, 4), 76);
  assertEquals(g.args_get(0, 4), 76);
  assertEquals(g.fd_write(1, 0, 1, 8), 0);
  assertEquals(g.fd_read(0, 0, 1, 8), 0);
  // an fd beyond stdio needs fs
  assertEquals(g.fd_read(3, 0, 1, 8), 76);
  assertEquals(g.fd_write(4, 0, 1, 8), 76);
  // proc_exit always passes through
  assertEquals(g.proc_exit(3), 0);
  assertEquals(calls, [
    "fd_write(1,0,1,8)",
    "fd_read(0,0,1,8)",
    "proc_exit(3)",
  ]);
  assertEquals(denials, [
    "path_open:fs",
    "random_get:random",
    "environ_sizes_get:env",
    "args_get:process",
    "fd_read:fs",
    "fd_write:fs",
  ]);
});

Deno.test("policy: guardImports on file fds needs fs, writes need fs.write", () => {
  const calls: string[] = [];
  const ro = guardImports(fakeWasi(calls), new Set<Capability>(["io", "fs"]));
  assertEquals(ro.fd_read(5, 0, 1, 8), 0);
  assertEquals(ro.fd_seek(5, 0n, 0, 8), 0);
  assertEquals(ro.fd_write(5, 0, 1, 8), 76);
  assertEquals(ro.fd_sync(5), 76);
  assertEquals(ro.fd_write(2, 0, 1, 8), 0);
  assertEquals(ro.path_unlink_file(3, 0, 1), 76);
  const rw = guardImports(
    fakeWasi(calls),
    new Set<Capability>(["io", "fs", "fs.write"]),
  );
  assertEquals(rw.fd_write(5, 0, 1, 8), 0);
  assertEquals(rw.path_unlink_file(3, 0, 1), 0);
  // a negative fd (reinterpreted as unsigned) is not stdio
  const io = guardImports(fakeWasi(calls), new Set<Capability>(["io"]));
  assertEquals(io.fd_read(-1, 0, 1, 8), 76);
});

Deno.test("policy: guardImports refuses unknown functions", () => {
  const g = guardImports({ weird: () => 0 }, new Set(PROFILES.full));
  assertEquals(g.weird(), 76);
});

Deno.test("policy: without env / fs, environ_* and fd_prestat_* answer as an empty world, never ENOTCAPABLE", () => {
  assertEquals([...EMPTY_WHEN_NOT_GRANTED], [
    ["environ_get", "env"],
    ["environ_sizes_get", "env"],
    ["fd_prestat_get", "fs"],
    ["fd_prestat_dir_name", "fs"],
  ]);
  assertEquals([...EMPTY_WITHOUT_ENV], ["environ_get", "environ_sizes_get"]);
  const calls: string[] = [];
  const io = new Set<Capability>(["io"]);
  const wasi = fakeWasi(calls);
  const g = emptyWhenNotGranted(guardImports(wasi, io), wasi, io);
  // the functions of the (empty) WASI layer answer
  assertEquals(g.environ_sizes_get(0, 4), 0);
  assertEquals(g.environ_get(0, 4), 0);
  assertEquals(g.fd_prestat_get(3, 8), 0);
  assertEquals(g.fd_prestat_dir_name(3, 8, 1), 0);
  assertEquals(calls, [
    "environ_sizes_get(0,4)",
    "environ_get(0,4)",
    "fd_prestat_get(3,8)",
    "fd_prestat_dir_name(3,8,1)",
  ]);
  // every other ungranted function is still refused
  assertEquals(g.random_get(0, 8), ENOTCAPABLE);
  assertEquals(g.path_open(3, 0, 0, 1, 0, 0n, 0n, 0, 0), ENOTCAPABLE);
  assertEquals(g.fd_readdir(3, 0, 8, 0n, 16), ENOTCAPABLE);
  assertEquals(g.args_get(0, 4), ENOTCAPABLE);
  assertEquals(calls.length, 4);
  // granted capabilities: guardImports' own functions stay
  const full = new Set(PROFILES.full);
  const guarded = guardImports(wasi, full);
  assertEquals(emptyWhenNotGranted(guarded, wasi, full), guarded);
  // env granted, fs not: only fd_prestat_* are replaced
  const env = new Set<Capability>(["io", "env"]);
  const guardedEnv = guardImports(wasi, env);
  const e = emptyWhenNotGranted(guardedEnv, wasi, env);
  assertEquals(e.environ_get === guardedEnv.environ_get, true);
  assertEquals(e.fd_prestat_get === wasi.fd_prestat_get, true);
});
