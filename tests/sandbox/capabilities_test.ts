import {
  deepStrictEqual as assertEquals,
  throws as assertThrows,
} from "node:assert/strict";
import {
  CAPABILITIES,
  CapabilityError,
  isWasiFunction,
  parseCapabilities,
  profileCapabilities,
  PROFILES,
  requiredCapabilities,
  resolveGrants,
  WASI_CAPABILITY,
  WASI_NO_CAPABILITY,
  wasiCapability,
} from "../../src/sandbox/capabilities.ts";

/** Every wasi_snapshot_preview1 function (the full preview1 witx list). */
const PREVIEW1 = [
  "args_get",
  "args_sizes_get",
  "environ_get",
  "environ_sizes_get",
  "clock_res_get",
  "clock_time_get",
  "fd_advise",
  "fd_allocate",
  "fd_close",
  "fd_datasync",
  "fd_fdstat_get",
  "fd_fdstat_set_flags",
  "fd_fdstat_set_rights",
  "fd_filestat_get",
  "fd_filestat_set_size",
  "fd_filestat_set_times",
  "fd_pread",
  "fd_prestat_get",
  "fd_prestat_dir_name",
  "fd_pwrite",
  "fd_read",
  "fd_readdir",
  "fd_renumber",
  "fd_seek",
  "fd_sync",
  "fd_tell",
  "fd_write",
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "poll_oneoff",
  "proc_exit",
  "proc_raise",
  "sched_yield",
  "random_get",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
];

Deno.test("capabilities: the eight names in order", () => {
  assertEquals([...CAPABILITIES], [
    "io",
    "fs",
    "fs.write",
    "process",
    "env",
    "clock",
    "random",
    "net",
  ]);
});

Deno.test("capabilities: profiles", () => {
  assertEquals([...PROFILES["ai-agent"]], ["io", "process"]);
  assertEquals([...PROFILES.worker], ["io", "process", "clock", "random"]);
  assertEquals([...PROFILES.full], [...CAPABILITIES]);
  assertEquals([...profileCapabilities("worker")], [...PROFILES.worker]);
  assertThrows(
    () => profileCapabilities("root"),
    (e: Error) =>
      e instanceof CapabilityError &&
      e.message === 'unknown profile "root" (known: ai-agent, worker, full)',
  );
});

Deno.test("capabilities: WASI table covers exactly preview1", () => {
  assertEquals(
    [...Object.keys(WASI_CAPABILITY), ...WASI_NO_CAPABILITY].sort(),
    [...PREVIEW1].sort(),
  );
  for (const fn of PREVIEW1) assertEquals(isWasiFunction(fn), true, fn);
  for (const name of ["fd_bogus", "toString", "__proto__", "constructor", ""]) {
    assertEquals(isWasiFunction(name), false, name);
    assertEquals(wasiCapability(name), undefined, name);
  }
});

Deno.test("capabilities: proc_exit needs no capability, proc_raise still needs process", () => {
  // the seed's example (capabilities io, fs) lists proc_exit: ending one's
  // own run is never a privilege
  assertEquals([...WASI_NO_CAPABILITY], ["proc_exit"]);
  assertEquals(wasiCapability("proc_exit"), null);
  assertEquals(Object.hasOwn(WASI_CAPABILITY, "proc_exit"), false);
  assertEquals(wasiCapability("proc_raise"), "process");
  assertEquals(requiredCapabilities(["fd_write", "fd_read", "proc_exit"]), [
    "io",
  ]);
  assertEquals(requiredCapabilities(["proc_exit"]), []);
});

Deno.test("capabilities: WASI table decisions", () => {
  const expect: Record<string, string> = {
    fd_write: "io",
    fd_read: "io",
    fd_close: "io",
    fd_seek: "io",
    fd_tell: "io",
    fd_fdstat_get: "io",
    path_open: "fs",
    fd_readdir: "fs",
    fd_prestat_get: "fs",
    fd_filestat_get: "fs",
    path_unlink_file: "fs.write",
    path_rename: "fs.write",
    path_symlink: "fs.write",
    path_create_directory: "fs.write",
    fd_filestat_set_size: "fs.write",
    fd_filestat_set_times: "fs.write",
    fd_allocate: "fs.write",
    fd_pwrite: "fs.write",
    args_get: "process",
    proc_raise: "process",
    sched_yield: "process",
    environ_get: "env",
    environ_sizes_get: "env",
    clock_time_get: "clock",
    poll_oneoff: "clock",
    random_get: "random",
    sock_recv: "net",
  };
  for (const [fn, cap] of Object.entries(expect)) {
    assertEquals(WASI_CAPABILITY[fn], cap, fn);
    assertEquals(wasiCapability(fn), cap, fn);
  }
  // no path_* function is reachable with io alone
  for (const fn of PREVIEW1.filter((f) => f.startsWith("path_"))) {
    assertEquals(WASI_CAPABILITY[fn].startsWith("fs"), true, fn);
  }
});

Deno.test("capabilities: parseCapabilities", () => {
  assertEquals([...parseCapabilities(["io", "fs.write,clock", " env "])], [
    "io",
    "fs.write",
    "clock",
    "env",
  ]);
  assertEquals([...parseCapabilities("")], []);
  assertThrows(
    () => parseCapabilities(["io", "filesystem"]),
    (e: Error) =>
      e instanceof CapabilityError &&
      e.message ===
        'unknown capability "filesystem" (known: io, fs, fs.write, process, env, clock, random, net)',
  );
});

Deno.test("capabilities: resolveGrants is deny by default", () => {
  assertEquals([...resolveGrants()], []);
  assertEquals([...resolveGrants({})], []);
  assertEquals([...resolveGrants({ profile: "worker" })], [
    "io",
    "process",
    "clock",
    "random",
  ]);
  // manifest narrowed by profile (intersection)
  assertEquals(
    [
      ...resolveGrants({
        profile: "worker",
        manifestCapabilities: ["io", "net", "clock"],
      }),
    ],
    ["io", "clock"],
  );
  // manifest alone is bounded by the default profile ai-agent
  assertEquals(
    [...resolveGrants({ manifestCapabilities: ["io", "fs", "net"] })],
    ["io"],
  );
  assertEquals(
    [...resolveGrants({ profile: "full", manifestCapabilities: [] })],
    [],
  );
  assertThrows(
    () => resolveGrants({ profile: "full", manifestCapabilities: ["disk"] }),
    /unknown capability "disk"/,
  );
  assertThrows(() => resolveGrants({ profile: "nope" }), /unknown profile/);
});

Deno.test("capabilities: requiredCapabilities", () => {
  assertEquals(
    requiredCapabilities([
      "fd_write",
      "path_open",
      "random_get",
      "fd_write",
      "bogus",
    ]),
    ["io", "fs", "random"],
  );
  assertEquals(requiredCapabilities([]), []);
});
