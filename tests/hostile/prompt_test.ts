/**
 * Hostile agents, item 9: wall 3 never asks. On a terminal, and without
 * `--no-prompt`, a Deno call from the guest worker outside its permissions
 * used to bring up Deno's `Allow? [y/n/A]` prompt (one `y` widened the
 * guest's grants; unanswered, the run hung past `--timeout`). Now it is
 * refused at once. The pseudo-terminal comes from util-linux `script`.
 */
import {
  deepStrictEqual as assertEquals,
  ok,
  strictEqual,
} from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { installNoPrompt, REFUSAL } from "../../src/sandbox/no_prompt.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const W = "wasi_snapshot_preview1";

const HAS_SCRIPT = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"] }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

/** Runs `command` (a shell line) on a pseudo-terminal; at most `ms`. */
async function onTerminal(
  command: string,
  ms: number,
): Promise<{ text: string; ms: number; killed: boolean }> {
  const t0 = performance.now();
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    cwd: ROOT,
    stdin: "piped", // never written: nobody answers a prompt
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, ms);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return {
    text: dec.decode(out.stdout) + dec.decode(out.stderr),
    ms: performance.now() - t0,
    killed,
  };
}

/** path_symlink("a.txt" -> "alias") in preopen fd 3, exit with the errno. */
const SYMLINK = wat(`(module
  (import "${W}" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "${W}" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "a.txt")
  (data (i32.const 32) "alias")
  (func (export "_start")
    (call $exit (call $symlink (i32.const 16) (i32.const 5) (i32.const 3) (i32.const 32) (i32.const 5)))))`);

Deno.test({
  name:
    "hostile prompt: porta run on a terminal without --no-prompt: a guest symlink is made by the broker with -A, refused at once (never asked) when Porta lacks unrestricted write",
  ignore: !HAS_SCRIPT,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "porta-prompt-" });
    try {
      await Deno.writeTextFile(`${dir}/a.txt`, "in");
      await Deno.writeFile(`${dir}/symlink.wasm`, await SYMLINK);
      // Deno needs unrestricted read and write to create a symlink: the
      // guest worker never has them, the parent's broker makes the link
      // (src/sandbox/broker.ts), and only when Porta itself has them
      const run = (perms: string) =>
        onTerminal(
          `'${Deno.execPath()}' run ${perms} --unstable-worker-options cli.ts run '${dir}/symlink.wasm' --profile full --dir '${dir}:/d:rw' --timeout 2s`,
          15_000,
        );
      const narrow = await run(`--allow-read --allow-write='${dir}'`);
      ok(!narrow.killed, `hung (killed after ${narrow.ms} ms): ${narrow.text}`);
      ok(!/Allow\?|requests write access/.test(narrow.text), narrow.text);
      ok(/restarts=0/.test(narrow.text), narrow.text);
      await Deno.lstat(`${dir}/alias`).then(
        () => ok(false, "the symlink was created"),
        () => {},
      );
      const all = await run("-A");
      ok(!all.killed, `hung (killed after ${all.ms} ms): ${all.text}`);
      ok(!/Allow\?/.test(all.text), all.text);
      strictEqual(await Deno.readLink(`${dir}/alias`), "a.txt");
      console.log(
        `  refused on a terminal in ${
          narrow.ms.toFixed(0)
        } ms; made with -A in ${all.ms.toFixed(0)} ms`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "hostile prompt: Deno calls from inside the guest worker on a terminal (test hook): all refused at once, the job within its timeout",
  ignore: !HAS_SCRIPT,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "porta-prompt-" });
    try {
      const inside = `${root}/inside`;
      const outside = `${root}/outside`;
      await Deno.mkdir(inside);
      await Deno.mkdir(outside);
      await Deno.writeTextFile(`${inside}/a.txt`, "in");
      await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
      const r = await onTerminal(
        `'${Deno.execPath()}' run -A --unstable-worker-options tests/sandbox/prompt_main.ts '${inside}' '${outside}'`,
        15_000,
      );
      ok(!r.killed, `hung (killed after ${r.ms} ms): ${r.text}`);
      ok(!/Allow\?|Deno requests/.test(r.text), r.text);
      const lines = r.text.replaceAll("\r", "").split("\n").filter((l) =>
        l.includes(" -> ")
      );
      assertEquals(lines, [
        `read ${inside}/a.txt -> allowed`,
        `read ${outside}/secret.txt -> NotCapable`,
        `readdir ${outside} -> NotCapable`,
        `write ${outside}/new.txt -> NotCapable`,
        `symlink a.txt=>${inside}/alias -> NotCapable`,
        // a variable not granted reads as unset: no error, no value
        "env -> allowed",
        "envval -> unset",
        "net -> NotCapable",
        "run -> NotCapable",
      ]);
      ok(/EXIT 0/.test(r.text), r.text);
      await Deno.stat(`${outside}/new.txt`).then(
        () => ok(false, "written outside"),
        () => {},
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("hostile prompt: every wrapped Deno API asks querySync first and refuses unless granted", async () => {
  // a fake namespace: records what reached the "real" functions
  const reached: string[] = [];
  const asked: string[] = [];
  let grant = false;
  class NotCapable extends Error {}
  const fn = (name: string) => (..._a: unknown[]) => {
    reached.push(name);
    return name;
  };
  const fake: Record<string, unknown> = {
    errors: { NotCapable },
    permissions: {
      querySync: (d: Deno.PermissionDescriptor) => {
        asked.push(JSON.stringify(d));
        return { state: grant ? "granted" : "prompt" };
      },
    },
    env: { get: fn("env.get"), has: fn("env.has"), set: fn("env.set") },
  };
  const names = [
    "openSync",
    "open",
    "readFileSync",
    "readTextFile",
    "readDirSync",
    "statSync",
    "lstatSync",
    "realPathSync",
    "readLinkSync",
    "mkdirSync",
    "removeSync",
    "renameSync",
    "linkSync",
    "symlinkSync",
    "truncateSync",
    "utimeSync",
    "chmodSync",
    "chownSync",
    "copyFileSync",
    "writeFileSync",
    "writeTextFile",
    "makeTempDirSync",
    "createSync",
    "chdir",
    "watchFs",
    "connect",
    "listen",
    "resolveDns",
    "dlopen",
    "hostname",
    "uid",
    "kill",
  ];
  for (const n of names) fake[n] = fn(n);
  const scope: Record<string, unknown> = { fetch: fn("fetch") };
  installNoPrompt(fake as unknown as typeof Deno, scope);
  const call = (n: string, ...a: unknown[]) =>
    (fake[n] as (...a: unknown[]) => unknown)(...a);
  // refused: sync ones throw, async ones reject; the real function is never reached
  for (const n of names) {
    asked.length = 0;
    let refused = false;
    try {
      const r = call(n, "/x", "/y");
      if (r instanceof Promise) {
        await r.then(() => {}, (e) => {
          refused = e instanceof NotCapable && e.message.includes(REFUSAL);
        });
      }
    } catch (e) {
      refused = e instanceof NotCapable && e.message.includes(REFUSAL);
    }
    ok(refused, `${n} was not refused`);
    ok(asked.length > 0, `${n} asked nothing`);
  }
  await (scope.fetch as (u: string) => Promise<unknown>)("file:///etc/passwd")
    .then(() => ok(false), () => {});
  assertEquals(reached, []);
  // env reads of a variable not granted look unset (Deno's own node compat
  // reads NODE_OPTIONS that way); writes throw
  const env = fake.env as Record<string, (...a: unknown[]) => unknown>;
  strictEqual(env.get("NODE_OPTIONS"), undefined);
  strictEqual(env.has("HOME"), false);
  let threw = false;
  try {
    env.set("A", "1");
  } catch {
    threw = true;
  }
  ok(threw);
  // what each asks for: read+write on both paths of link, read+write on the
  // source and write on the target of rename, unrestricted for symlink
  grant = true;
  asked.length = 0;
  call("renameSync", "/a", "/b");
  assertEquals(asked, [
    '{"name":"read","path":"/a"}',
    '{"name":"write","path":"/a"}',
    '{"name":"write","path":"/b"}',
  ]);
  asked.length = 0;
  call("symlinkSync", "t", "/l");
  assertEquals(asked, ['{"name":"read"}', '{"name":"write"}']);
  asked.length = 0;
  call("openSync", "/f", { write: true, create: true });
  assertEquals(asked, ['{"name":"write","path":"/f"}']);
  asked.length = 0;
  call("openSync", "/f");
  assertEquals(asked, ['{"name":"read","path":"/f"}']);
  // granted: the real function runs
  assertEquals(reached, ["renameSync", "symlinkSync", "openSync", "openSync"]);
});
