/**
 * The outer wall, driven through GuestWall/GuestPool with the TEST-ONLY
 * reference worker (host WebAssembly engine + Porta's WASI + a probe hook).
 */
import {
  deepStrictEqual as assertEquals,
  ok,
  rejects,
} from "node:assert/strict";
import { GuestPool, GuestWall, WallError } from "../../src/sandbox/wall.ts";
import { type Capability, PROFILES } from "../../src/sandbox/capabilities.ts";
import {
  DENIED_SPIN,
  ECHO,
  ENV_COUNT,
  ENV_PROBE,
  ESCAPE,
  GREEDY,
  HELLO,
  TRAP,
} from "./guests.ts";

const REF = new URL("./reference_worker.ts", import.meta.url);
const dec = new TextDecoder();
const grants = (...c: Capability[]) => new Set<Capability>(c);

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      onStdout: (b: Uint8Array) => out.push(dec.decode(b)),
      onStderr: (b: Uint8Array) => err.push(dec.decode(b)),
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

Deno.test("wall: runs a guest, streams stdout/stderr, fresh instance per job", async () => {
  const wall = await GuestWall.create(await HELLO, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
    workerUrl: REF,
  });
  try {
    for (let i = 0; i < 2; i++) {
      const c = collect();
      const r = await wall.run({ args: ["hello"], env: {} }, c.io);
      assertEquals(r.exitCode, 0);
      assertEquals(r.trap, undefined);
      assertEquals(r.memoryPages, 1);
      assertEquals(c.out(), "hello\n");
      assertEquals(c.err(), "oops\n");
    }
  } finally {
    wall.terminate();
  }
});

Deno.test("wall: stdin bytes, args and proc_exit code", async () => {
  const wall = await GuestWall.create(await ECHO, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const c = collect();
    const r = await wall.run({
      args: ["echo", "a", "b"],
      env: {},
      stdin: new TextEncoder().encode("ping pong"),
    }, c.io);
    assertEquals(c.out(), "ping pong");
    assertEquals(r.exitCode, 3);
  } finally {
    wall.terminate();
  }
});

Deno.test("wall: traps are one line; a custom entry runs in a fresh instance", async () => {
  const wall = await GuestWall.create(await TRAP, {
    grants: grants(),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const r = await wall.run({ args: [], env: {} });
    assertEquals(r.exitCode, null);
    ok(r.trap && r.trap.length > 0 && !r.trap.includes("\n"), r.trap);
    assertEquals(r.limit, undefined);
    // "bump" traps unless its global starts at 0: proves a fresh instance per job
    for (let i = 0; i < 3; i++) {
      const b = await wall.run({ entry: "bump", args: [], env: {} });
      assertEquals([b.exitCode, b.trap], [0, undefined]);
    }
    const missing = await wall.run({ entry: "nope", args: [], env: {} });
    assertEquals(missing.trap, 'entry "nope" is not an exported function');
  } finally {
    wall.terminate();
  }
});

Deno.test("wall: ungranted imports link by default; every call is denied at run time", async () => {
  const wall = await GuestWall.create(await GREEDY, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const r = await wall.run({ args: [], env: {} });
    assertEquals([r.exitCode, r.trap], [0, undefined]);
  } finally {
    wall.terminate();
  }
});

Deno.test("wall: with strictImports denied imports refuse the module before it runs", async () => {
  await rejects(
    GuestWall.create(await GREEDY, {
      grants: new Set(PROFILES["ai-agent"]),
      preopens: [],
      workerUrl: REF,
      strictImports: true,
    }),
    (e: Error) => {
      assertEquals(e instanceof WallError, true);
      assertEquals(e.message.split("\n"), [
        'import wasi_snapshot_preview1.path_open needs capability "fs" (not granted)',
        'import wasi_snapshot_preview1.environ_get needs capability "env" (not granted)',
        'import wasi_snapshot_preview1.random_get needs capability "random" (not granted)',
        'import wasi_snapshot_preview1.sock_send needs capability "net" (not granted)',
      ]);
      return true;
    },
  );
  await rejects(
    GuestWall.create(new Uint8Array([0, 97, 115, 109, 9, 0, 0, 0]), {
      grants: grants(),
      preopens: [],
      workerUrl: REF,
    }),
    (e: Error) => e instanceof WallError && /^invalid module: /.test(e.message),
  );
});

Deno.test("wall: a missing --dir is one clear line", async () => {
  await rejects(
    GuestWall.create(await HELLO, {
      grants: grants("io", "fs"),
      preopens: [{ guestPath: "/d", hostPath: "/nonexistent/porta-dir" }],
      workerUrl: REF,
    }),
    (e: Error) =>
      e.message === "--dir /nonexistent/porta-dir: no such directory",
  );
});

// The reference engine (host WebAssembly) cannot see the engine interrupt
// flag, and Worker.terminate() does not stop a busy thread, so endless guests
// here spin on a WASI call (refused by the run-time guard): the cancellation
// flag stops them there. Pure (loop br 0) guests on Porta's engine are in
// cancel_test.ts.

Deno.test("wall: a timed-out endless guest unwinds; the same worker serves again", async () => {
  const wall = await GuestWall.create(await DENIED_SPIN, {
    grants: grants("io"),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const r = await wall.run({ args: [], env: {} }, { timeoutMs: 200 });
    assertEquals(r.exitCode, null);
    assertEquals(r.trap, "timeout after 200 ms");
    assertEquals(wall.restarts, 0);
    const again = await wall.run({ args: [], env: {} }, { timeoutMs: 100 });
    assertEquals(again.trap, "timeout after 100 ms");
    const ok2 = await wall.run({ args: [], env: {}, entry: "nothing" });
    assertEquals(ok2.trap, 'entry "nothing" is not an exported function');
    assertEquals(wall.restarts, 0);
  } finally {
    wall.terminate();
  }
});

Deno.test("wall: cancellation by AbortSignal", async () => {
  const wall = await GuestWall.create(await DENIED_SPIN, {
    grants: grants("io"),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const ac = new AbortController();
    const p = wall.run({ args: [], env: {} }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const r = await p;
    assertEquals([r.exitCode, r.trap], [null, "cancelled"]);
    // already-aborted signal: not started at all
    const r2 = await wall.run({ args: [], env: {} }, { signal: ac.signal });
    assertEquals(r2.trap, "cancelled");
  } finally {
    wall.terminate();
  }
  await rejects(
    wall.run({ args: [], env: {} }),
    /the guest wall is terminated/,
  );
});

Deno.test("pool: concurrent jobs run on separate workers", async () => {
  // DENIED_SPIN never ends: prove a second wall serves while the first is busy.
  const pool = await GuestPool.create(await DENIED_SPIN, {
    grants: grants("io"),
    preopens: [],
    size: 2,
    workerUrl: REF,
  });
  try {
    assertEquals(pool.size, 2);
    const ac = new AbortController();
    const busy = pool.run({ args: [], env: {} }, { signal: ac.signal });
    // the second job gets the other worker and times out on its own
    const second = await pool.run({ args: [], env: {} }, { timeoutMs: 100 });
    assertEquals(second.trap, "timeout after 100 ms");
    ac.abort();
    assertEquals((await busy).trap, "cancelled");
    // both walls still serve (their guests unwound, no worker replaced)
    const all = await Promise.all(
      [1, 2, 3].map(() => pool.run({ args: [], env: {} }, { timeoutMs: 50 })),
    );
    assertEquals(all.map((r) => r.trap), [
      "timeout after 50 ms",
      "timeout after 50 ms",
      "timeout after 50 ms",
    ]);
    assertEquals(pool.restarts, 0);
  } finally {
    await pool.close();
  }
});

Deno.test("pool: many concurrent short jobs all complete with their own output", async () => {
  const pool = await GuestPool.create(await ECHO, {
    grants: new Set(PROFILES["ai-agent"]),
    preopens: [],
    size: 3,
    workerUrl: REF,
  });
  try {
    const jobs = Array.from({ length: 10 }, (_, i) => {
      const c = collect();
      return pool.run({
        args: Array(i + 1).fill("x"),
        env: {},
        stdin: new TextEncoder().encode(`job ${i}`),
      }, c.io).then((r) => [r.exitCode, c.out()]);
    });
    assertEquals(
      await Promise.all(jobs),
      Array.from({ length: 10 }, (_, i) => [i + 1, `job ${i}`]),
    );
  } finally {
    await pool.close();
  }
  await rejects(pool.run({ args: [], env: {} }), /the guest pool is closed/);
});

Deno.test("wall: Deno itself denies the worker anything outside its grants", async () => {
  const root = await Deno.makeTempDir({ prefix: "porta-wall-" });
  try {
    const inside = `${root}/inside`;
    const outside = `${root}/outside`;
    await Deno.mkdir(inside);
    await Deno.mkdir(outside);
    await Deno.writeTextFile(`${inside}/a.txt`, "in");
    await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
    const ownSource = new URL("../../src/sandbox/wall.ts", import.meta.url)
      .pathname;
    const probes = [
      `read:${inside}/a.txt`,
      `readdir:${inside}`,
      `read:${outside}/secret.txt`,
      `readdir:${root}`,
      `read:/etc/passwd`,
      `read:${ownSource}`,
      `write:${inside}/new.txt`,
      `write:${outside}/new.txt`,
      "env",
      "net",
      "run",
      // Deno needs unrestricted read+write to create any symlink, so a guest
      // can never plant one, even inside a writable preopen
      `symlink:/etc=>${inside}/etc`,
      `symlink:a.txt=>${inside}/alias`,
    ];
    const run = async (g: Set<Capability>, writable: boolean) => {
      const wall = await GuestWall.create(await HELLO, {
        grants: g,
        preopens: [{ guestPath: "/data", hostPath: inside, writable }],
        workerUrl: REF,
      });
      try {
        const c = collect();
        await wall.run({ args: ["__probe__", ...probes], env: {} }, c.io);
        return c.out().split("\n").slice(0, probes.length);
      } finally {
        wall.terminate();
      }
    };
    const denied = "NotCapable";
    // fs without fs.write: read inside only
    assertEquals(await run(grants("io", "fs"), true), [
      `read ${inside}/a.txt -> allowed`,
      `readdir ${inside} -> allowed`,
      `read ${outside}/secret.txt -> ${denied}`,
      `readdir ${root} -> ${denied}`,
      `read /etc/passwd -> ${denied}`,
      `read ${ownSource} -> ${denied}`,
      `write ${inside}/new.txt -> ${denied}`,
      `write ${outside}/new.txt -> ${denied}`,
      `env -> ${denied}`,
      `net -> ${denied}`,
      `run -> ${denied}`,
      `symlink /etc=>${inside}/etc -> ${denied}`,
      `symlink a.txt=>${inside}/alias -> ${denied}`,
    ]);
    // the full profile still confines Deno to the preopen
    const full = await run(new Set(PROFILES.full), true);
    assertEquals(full[6], `write ${inside}/new.txt -> allowed`);
    assertEquals(full.filter((l) => l.endsWith("allowed")).length, 3);
    assertEquals(full.slice(-2), [
      `symlink /etc=>${inside}/etc -> ${denied}`,
      `symlink a.txt=>${inside}/alias -> ${denied}`,
    ]);
    // without fs, not even the preopen is readable
    const none = await run(new Set(PROFILES["ai-agent"]), true);
    assertEquals(none.filter((l) => l.endsWith("allowed")), []);
    assertEquals(await Deno.readTextFile(`${inside}/new.txt`), "escaped");
    await rejects(Deno.stat(`${outside}/new.txt`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wall: env only with the env capability; values never in errors", async () => {
  const secret = "s3cr3t-value";
  const wall = await GuestWall.create(await TRAP, {
    grants: grants(),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const r = await wall.run({ args: [], env: { API_KEY: secret } });
    ok(r.trap !== undefined);
    ok(!JSON.stringify(r).includes(secret));
  } finally {
    wall.terminate();
  }
});

Deno.test("wall: the guest sees the job's env only with the env capability", async () => {
  const wall = await GuestWall.create(await ENV_COUNT, {
    grants: grants("env", "process"),
    preopens: [],
    workerUrl: REF,
  });
  try {
    const r = await wall.run({ args: [], env: { A: "1", B: "2" } });
    assertEquals(r.exitCode, 2);
  } finally {
    wall.terminate();
  }
  await rejects(
    GuestWall.create(await ENV_COUNT, {
      grants: grants("process"),
      preopens: [],
      workerUrl: REF,
      strictImports: true,
    }),
    /environ_sizes_get needs capability "env"/,
  );
});

Deno.test("wall: without env, environ_* succeed and report an empty environment (a secret in the job's env stays hidden)", async () => {
  const env = { A: "1", SECRET: "hunter2" };
  for (const [caps, expect] of [[[], 0], [["env"], 2 * 10 + 19]] as const) {
    const wall = await GuestWall.create(await ENV_PROBE, {
      grants: grants(...caps),
      preopens: [],
      workerUrl: REF,
    });
    try {
      const r = await wall.run({ args: [], env });
      assertEquals([r.exitCode, r.trap], [expect, undefined], caps.join());
    } finally {
      wall.terminate();
    }
  }
});

Deno.test("pool: a queued job cancelled before it gets a worker", async () => {
  const pool = await GuestPool.create(await DENIED_SPIN, {
    grants: grants("io"),
    preopens: [],
    size: 1,
    workerUrl: REF,
  });
  try {
    const first = new AbortController();
    const busy = pool.run({ args: [], env: {} }, { signal: first.signal });
    const queued = new AbortController();
    const waiting = pool.run({ args: [], env: {} }, { signal: queued.signal });
    queued.abort();
    assertEquals(await waiting, {
      exitCode: null,
      trap: "cancelled",
      stopped: "cancelled",
      steps: 0,
      memoryPages: 0,
      durationMs: 0,
    });
    first.abort();
    assertEquals((await busy).trap, "cancelled");
  } finally {
    await pool.close();
  }
});

Deno.test("wall: a worker that cannot load is one clear error", async () => {
  await rejects(
    GuestWall.create(await HELLO, {
      grants: grants("io"),
      preopens: [],
      workerUrl: new URL("./no_such_worker.ts", import.meta.url),
    }),
    (e: Error) =>
      e instanceof WallError && /^guest worker failed: /.test(e.message) &&
      !e.message.includes("\n"),
  );
});

Deno.test("wall: host files a guest leaves open are closed after each job", async () => {
  // ESCAPE opens inside.txt and never closes it; the worker is a thread of
  // this process, so leaked host fds would show in /proc/self/fd.
  const dir = await Deno.makeTempDir({ prefix: "porta-fds-" });
  await Deno.writeTextFile(`${dir}/inside.txt`, "x");
  const wall = await GuestWall.create(await ESCAPE, {
    grants: new Set(PROFILES.full),
    preopens: [{ guestPath: "/data", hostPath: dir }],
    workerUrl: REF,
  });
  const openFds = () => [...Deno.readDirSync("/proc/self/fd")].length;
  try {
    let out = "";
    await wall.run({ args: [], env: {} }, {
      onStdout: (b) => out += dec.decode(b),
    });
    assertEquals(out.split("\n")[0], "0"); // the control open succeeded
    const before = openFds();
    for (let i = 0; i < 40; i++) await wall.run({ args: [], env: {} });
    const grown = openFds() - before;
    ok(grown < 20, `${grown} host fds leaked over 40 jobs`);
  } finally {
    wall.terminate();
    await Deno.remove(dir, { recursive: true });
  }
});
