import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  checkImports,
  ENOTCAPABLE,
  formatDenied,
  guardImports,
  type ImportDescriptor,
} from "../../src/sandbox/policy.ts";
import {
  type Capability,
  PROFILES,
  WASI_CAPABILITY,
} from "../../src/sandbox/capabilities.ts";

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

Deno.test("policy: denial messages name each import and capability", () => {
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
  const denied = checkImports(imports, new Set(PROFILES["ai-agent"]));
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

Deno.test("policy: full profile admits every WASI function", () => {
  const all = Object.keys(WASI_CAPABILITY).map((n) => fn(n));
  assertEquals(checkImports(all, new Set(PROFILES.full)), []);
  assertEquals(checkImports(all, new Set()).length, all.length);
});

function fakeWasi(calls: string[]) {
  const imports: Record<string, (...a: any[]) => any> = {};
  for (const name of Object.keys(WASI_CAPABILITY)) {
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
