/**
 * Denials explain themselves (issue #9 item 2): a WASI call refused for want
 * of a grant makes Porta print ONE line naming the function, the path and
 * the flag or capability that would allow it, on stderr for `porta run`, as
 * a `notifications/message` warning and in the per-call diagnostic line
 * (`denied=FN:CAUSE`) for `porta serve`. One test per cause on each command.
 *
 * Fixture: testdata/cli/deny.c (built by testdata/build.sh), which does one
 * refused thing (fopen for writing as flite does, a `..` path, a raw
 * absolute path_open, a symlink leading out, random_get) and reports what
 * the guest got.
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import { wat } from "../helpers/wat.ts";
import { runPorta } from "../helpers/cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DENY = `${ROOT}testdata/cli/deny.wasm`;

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

// at most 4 children at once (2-core CI machine)
let running = 0;
const waiting: (() => void)[] = [];

async function porta(args: string[], stdin?: string): Promise<Out> {
  while (running >= 4) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await runPorta(args, { stdin, noPrompt: false });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The `[porta] denied:` lines of a stderr text. */
function deniedLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("[porta] denied:"));
}

/** A temporary tree: out/ (read-only preopen), rw/, data/link -> /etc, two manifests. */
async function setup(): Promise<{
  dir: string;
  full: string;
  noWrite: string;
  random: string;
}> {
  const dir = await Deno.makeTempDir({ prefix: "porta-denial-" });
  for (const d of ["out", "rw", "data"]) await Deno.mkdir(`${dir}/${d}`);
  await Deno.symlink("/etc", `${dir}/data/link`);
  const tools = ["write", "read", "raw", "random", "flood"].map((name) => ({
    name,
    inputSchema: { type: "object" },
  }));
  const manifest = (capabilities: string[]) =>
    JSON.stringify({ name: "deny", version: "1.0.0", capabilities, tools });
  const full = `${dir}/full.manifest.json`;
  await Deno.writeTextFile(
    full,
    manifest(["io", "process", "fs", "fs.write", "random"]),
  );
  const noWrite = `${dir}/nowrite.manifest.json`;
  await Deno.writeTextFile(noWrite, manifest(["io", "process", "fs"]));
  // a module calling random_get once, no manifest (grants = the profile)
  const random = `${dir}/random.wasm`;
  await Deno.writeFile(
    random,
    await wat(`(module
      (import "wasi_snapshot_preview1" "random_get"
        (func $random_get (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (drop (call $random_get (i32.const 0) (i32.const 8)))
        (drop (call $random_get (i32.const 0) (i32.const 8)))))`),
  );
  return { dir, full, noWrite, random };
}

Deno.test("denial: porta run prints one line per cause naming the grant that would allow it", async () => {
  const { dir, full, noWrite, random } = await setup();
  try {
    const run = (flags: string[], guest: string[]) =>
      porta(["run", DENY, ...flags, "--", ...guest]);
    const [flite, rwNoWrite, roNoWrite, outside, absolute, symlink, cap, capM] =
      await Promise.all([
        // the flite example: --dir out:/out without :rw
        run([
          "--manifest",
          full,
          "--profile",
          "full",
          "--dir",
          `${dir}/out:/out`,
        ], [
          "write",
          "/out/a.wav",
        ]),
        // a :rw preopen without fs.write
        run([
          "--manifest",
          noWrite,
          "--profile",
          "full",
          "--dir",
          `${dir}/rw:/rw:rw`,
        ], ["write", "/rw/a.wav"]),
        // a read-only preopen and no fs.write
        run([
          "--manifest",
          noWrite,
          "--profile",
          "full",
          "--dir",
          `${dir}/out:/out`,
        ], ["write", "/out/a.wav"]),
        run([
          "--manifest",
          full,
          "--profile",
          "full",
          "--dir",
          `${dir}/data:/data`,
        ], [
          "read",
          "/data/../../etc/passwd",
        ]),
        run([
          "--manifest",
          full,
          "--profile",
          "full",
          "--dir",
          `${dir}/data:/data`,
        ], [
          "raw",
          "/etc/passwd",
        ]),
        run([
          "--manifest",
          full,
          "--profile",
          "full",
          "--dir",
          `${dir}/data:/data`,
        ], [
          "read",
          "/data/link/passwd",
        ]),
        porta(["run", random, "--profile", "ai-agent"]),
        run([
          "--manifest",
          noWrite,
          "--profile",
          "full",
          "--dir",
          `${dir}/out:/out`,
        ], [
          "random",
        ]),
      ]);
    const one = (o: Out, expected: string) => {
      assertEquals(deniedLines(o.stderr), [expected], o.stderr);
    };
    one(
      flite,
      `[porta] denied: path_open "/out/a.wav" (write): /out is read-only; grant it with --dir ${dir}/out:/out:rw`,
    );
    // Porta's line comes before the guest's own message
    const lines = flite.stderr.split("\n");
    const at = lines.findIndex((l) => l.startsWith("[porta] denied:"));
    assertMatch(lines[at + 1], /^can't open file \/out\/a\.wav/);
    assertEquals(flite.code, 1);
    one(
      rwNoWrite,
      `[porta] denied: path_open "/rw/a.wav" (write): /rw is read-only: --dir ${dir}/rw:/rw:rw needs the fs.write capability, not granted (add "fs.write" to the manifest's capabilities)`,
    );
    one(
      roNoWrite,
      `[porta] denied: path_open "/out/a.wav" (write): /out is read-only; grant it with --dir ${dir}/out:/out:rw and the fs.write capability (add "fs.write" to the manifest's capabilities)`,
    );
    one(
      outside,
      `[porta] denied: path_open "/data/../../etc/passwd": outside every preopened directory (".." climbs above /data); the guest sees only --dir directories`,
    );
    one(
      absolute,
      `[porta] denied: path_open "/etc/passwd": absolute path outside every preopened directory; the guest sees only --dir directories (--dir HOST:GUEST)`,
    );
    one(
      symlink,
      `[porta] denied: path_open "/data/link/passwd": a symlink leads outside /data; symlinks are followed only inside their preopened directory`,
    );
    // called twice, reported once
    one(
      cap,
      `[porta] denied: random_get: needs capability "random" (not granted; try --profile worker)`,
    );
    one(
      capM,
      `[porta] denied: random_get: needs capability "random" (not granted; add "random" to the manifest's capabilities)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

interface Rpc {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
}

/** Runs `porta serve` on one scripted session of tools/call requests. */
async function serve(
  flags: string[],
  calls: [string, Record<string, unknown>][],
): Promise<{ messages: Rpc[]; stderr: string }> {
  const lines = [
    {
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      },
    },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    {
      jsonrpc: "2.0",
      id: 1,
      method: "logging/setLevel",
      params: { level: "warning" },
    },
    ...calls.map(([name, args], i) => ({
      jsonrpc: "2.0",
      id: 10 + i,
      method: "tools/call",
      params: { name, arguments: args },
    })),
  ];
  // one call at a time, so each call's lines are in order
  const o = await porta(
    ["serve", DENY, "--concurrency", "1", ...flags],
    lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
  );
  assertEquals(o.code, 0, o.stderr);
  const messages = o.stdout.split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l) as Rpc
  );
  return { messages, stderr: o.stderr };
}

/** The warnings the client got, without their `[porta] ` prefix. */
function warnings(messages: Rpc[]): string[] {
  return messages.filter((m) =>
    m.method === "notifications/message" && m.params?.level === "warning" &&
    String(m.params?.data).startsWith("denied:")
  ).map((m) => String(m.params!.data));
}

function callLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("[porta] tool="));
}

Deno.test("denial: porta serve logs one line per cause to stderr and the client, and names it in the call line", async () => {
  const { dir, full, noWrite } = await setup();
  try {
    const [a, b] = await Promise.all([
      serve([
        "--manifest",
        full,
        "--profile",
        "full",
        "--dir",
        `${dir}/out:/out`,
        "--dir",
        `${dir}/data:/data`,
      ], [
        ["write", { path: "/out/a.wav" }],
        ["read", { path: "/data/../../etc/passwd" }],
        ["raw", { path: "/etc/passwd" }],
        ["read", { path: "/data/link/passwd" }],
        // a second call: its own line again (one per cause per call)
        ["write", { path: "/out/b.wav" }],
      ]),
      serve([
        "--manifest",
        noWrite,
        "--profile",
        "full",
        "--dir",
        `${dir}/rw:/rw:rw`,
        "--dir",
        `${dir}/out:/out`,
      ], [
        ["write", { path: "/rw/a.wav" }],
        ["write", { path: "/out/a.wav" }],
        ["random", {}],
      ]),
    ]);
    const expectA = [
      `denied: path_open "/out/a.wav" (write): /out is read-only; grant it with --dir ${dir}/out:/out:rw`,
      `denied: path_open "/data/../../etc/passwd": outside every preopened directory (".." climbs above /data); the guest sees only --dir directories`,
      `denied: path_open "/etc/passwd": absolute path outside every preopened directory; the guest sees only --dir directories (--dir HOST:GUEST)`,
      `denied: path_open "/data/link/passwd": a symlink leads outside /data; symlinks are followed only inside their preopened directory`,
      `denied: path_open "/out/b.wav" (write): /out is read-only; grant it with --dir ${dir}/out:/out:rw`,
    ];
    assertEquals(warnings(a.messages), expectA);
    assertEquals(
      deniedLines(a.stderr),
      expectA.map((l) => `[porta] ${l}`),
    );
    const causesA = callLines(a.stderr).map((l) =>
      / denied=(\S+)/.exec(l)?.[1]
    );
    assertEquals(causesA, [
      "path_open:rw",
      "path_open:outside",
      "path_open:absolute",
      "path_open:symlink",
      "path_open:rw",
    ]);
    const expectB = [
      `denied: path_open "/rw/a.wav" (write): /rw is read-only: --dir ${dir}/rw:/rw:rw needs the fs.write capability, not granted (add "fs.write" to the manifest's capabilities)`,
      `denied: path_open "/out/a.wav" (write): /out is read-only; grant it with --dir ${dir}/out:/out:rw and the fs.write capability (add "fs.write" to the manifest's capabilities)`,
      `denied: random_get: needs capability "random" (not granted; add "random" to the manifest's capabilities)`,
    ];
    assertEquals(warnings(b.messages), expectB);
    assertEquals(deniedLines(b.stderr), expectB.map((l) => `[porta] ${l}`));
    assertEquals(
      callLines(b.stderr).map((l) => / denied=(\S+)/.exec(l)?.[1]),
      ["path_open:fs.write", "path_open:fs.write", "random_get:random"],
    );
    // the guest still got its errno and answered
    const texts = a.messages.filter((m) => m.id === 10).map((m) =>
      JSON.stringify(m.result)
    );
    assert.ok(/Read-only file system/.test(texts[0]), texts[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
