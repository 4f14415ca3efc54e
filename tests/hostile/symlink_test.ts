/**
 * Issue #9, item 4: guests create symlinks inside their writable preopen
 * through the parent's broker (`src/sandbox/broker.ts`), and nothing else.
 * A real guest (production worker, all three walls) cannot make a link
 * whose target is absolute, climbs out or contains `..`, nor one outside a
 * writable preopen; a forged request sent straight to the broker by a worker
 * whose WASI checks were bypassed (`symlink_worker.ts`) is refused for any
 * path outside that worker's writable preopens, for a directory reached
 * through a symlink, for a target with `..`, and whenever the worker does not
 * hold the filesystem lock. A withdrawn request is never acted on.
 */
import assert from "node:assert/strict";
import { GuestWall } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import {
  abandonBrokerRequest,
  BROKER_BYTES,
  serveBrokerRequest,
  State,
} from "../../src/sandbox/broker.ts";
import { Errno } from "../../src/wasi/mod.ts";
import { wat } from "../helpers/wat.ts";

const W = "wasi_snapshot_preview1";

/** `symlink FD TARGET LINK`: path_symlink(TARGET, FD, LINK), exits with the errno. */
const SYMLINK = wat(`(module
  (import "${W}" "args_sizes_get" (func $asg (param i32 i32) (result i32)))
  (import "${W}" "args_get" (func $ag (param i32 i32) (result i32)))
  (import "${W}" "path_symlink" (func $ps (param i32 i32 i32 i32 i32) (result i32)))
  (import "${W}" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $len (param $p i32) (result i32) (local $n i32)
    (block $d (loop $l
      (br_if $d (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $n))
  (func (export "_start") (local $fd i32) (local $t i32) (local $l i32)
    (drop (call $asg (i32.const 0) (i32.const 4)))
    (drop (call $ag (i32.const 64) (i32.const 256)))
    (local.set $fd (i32.sub (i32.load8_u (i32.load (i32.const 68))) (i32.const 48)))
    (local.set $t (i32.load (i32.const 72)))
    (local.set $l (i32.load (i32.const 76)))
    (call $exit (call $ps (local.get $t) (call $len (local.get $t))
      (local.get $fd) (local.get $l) (call $len (local.get $l))))))`);

const GRANTS = new Set<Capability>(["io", "process", "fs", "fs.write"]);

/** root/{ro/f, rw/{sub/, esc -> ../outside}, outside/}; fd 3 = /ro, fd 4 = /rw. */
function layout() {
  const root = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "porta-symlink-" }),
  );
  const ro = `${root}/ro`, rw = `${root}/rw`, outside = `${root}/outside`;
  Deno.mkdirSync(ro);
  Deno.writeTextFileSync(`${ro}/f`, "ro");
  Deno.mkdirSync(`${rw}/sub`, { recursive: true });
  Deno.mkdirSync(outside);
  Deno.symlinkSync("../outside", `${rw}/esc`); // placed by the host, not a guest
  const preopens = [
    { guestPath: "/ro", hostPath: ro, writable: false },
    { guestPath: "/rw", hostPath: rw, writable: true },
  ];
  return { root, ro, rw, outside, preopens };
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("hostile symlinks: a guest links inside its writable preopen only, targets of plain names only", async () => {
  const { root, ro, rw, outside, preopens } = layout();
  const wall = await GuestWall.create(await SYMLINK, {
    grants: GRANTS,
    preopens,
  });
  try {
    const link = async (fd: number, target: string, path: string) =>
      (await wall.run({ args: ["symlink", String(fd), target, path], env: {} }))
        .exitCode;
    // the ordinary case works inside the wall (Deno alone would refuse it)
    assert.equal(await link(4, "sub/file", "ok"), Errno.SUCCESS);
    assert.equal(Deno.readLinkSync(`${rw}/ok`), "sub/file");
    assert.equal(await link(4, "x", "sub/ok2"), Errno.SUCCESS);
    assert.equal(await link(4, "x", "ok"), Errno.EXIST);
    // targets: absolute, climbing out (wall 2), any `..` (the broker)
    assert.equal(await link(4, "/etc/passwd", "abs"), Errno.PERM);
    assert.equal(await link(4, "../outside", "up"), Errno.PERM);
    assert.equal(await link(4, "sub/../../outside", "up2"), Errno.PERM);
    assert.equal(await link(4, "sub/../x", "dots"), Errno.PERM);
    assert.equal(await link(4, "..", "sub/parent"), Errno.PERM);
    // places: a read-only preopen, through an outward link, above the root
    assert.equal(await link(3, "f", "l"), Errno.ROFS);
    assert.equal(await link(4, "x", "esc/l"), Errno.NOTCAPABLE);
    assert.equal(await link(4, "x", "../outside/l"), Errno.NOTCAPABLE);
    assert.equal(await link(4, "x", "/abs/l"), Errno.NOTCAPABLE);
    assert.deepEqual(names(outside), []);
    assert.deepEqual(names(ro), ["f"]);
    assert.deepEqual(names(rw), ["esc", "ok", "sub"]);
    assert.deepEqual(names(`${rw}/sub`), ["ok2"]);
  } finally {
    wall.terminate();
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("hostile symlinks: the broker refuses forged requests outside the worker's writable preopens or without the lock", async () => {
  const { root, ro, rw, outside, preopens } = layout();
  const wall = await GuestWall.create(await SYMLINK, {
    grants: GRANTS,
    preopens,
    workerUrl: new URL("./symlink_worker.ts", import.meta.url),
  });
  try {
    let out = "";
    const dec = new TextDecoder();
    const specs = [
      `lock:t=>${outside}/x`,
      `lock:t=>${ro}/x`,
      `lock:t=>${rw}/../outside/x`,
      `lock:t=>${rw}/./x`,
      `lock:t=>${rw}//x`,
      `lock:t=>${rw}/esc/x`,
      `lock:t=>${rw}`,
      `lock:t=>${root}/rw2/x`,
      `lock:t=>sub/x`,
      `lock:/etc=>${rw}/f1`,
      `lock:..=>${rw}/f2`,
      `lock:sub/../..=>${rw}/f3`,
      `lock:../outside=>${rw}/sub/f4`,
      `nolock:t=>${rw}/f5`,
      `lock:t=>${rw}/sub/forged`, // control: a request the broker accepts
    ];
    const r = await wall.run({ args: ["__forge__", ...specs], env: {} }, {
      onStdout: (b) => void (out += dec.decode(b)),
    });
    assert.equal(r.trap, undefined);
    const N = Errno.NOTCAPABLE, P = Errno.PERM;
    const want = [N, N, N, N, N, N, N, N, N, P, P, P, P, N];
    const lines = out.trim().split("\n");
    assert.equal(lines.length, specs.length);
    want.forEach((errno, i) =>
      assert.equal(
        lines[i],
        `${specs[i].slice(specs[i].indexOf(":") + 1)} -> errno ${errno}`,
      )
    );
    assert.match(lines[specs.length - 1], /-> ok$/);
    assert.deepEqual(names(outside), []);
    assert.deepEqual(names(ro), ["f"]);
    assert.deepEqual(names(rw), ["esc", "sub"]);
    assert.deepEqual(names(`${rw}/sub`), ["forged"]);
  } finally {
    wall.terminate();
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("hostile symlinks: a withdrawn request is never acted on", () => {
  const channel = new SharedArrayBuffer(BROKER_BYTES);
  const ctl = new Int32Array(channel, 0, 4);
  const lock = new Int32Array(new SharedArrayBuffer(4));
  lock[0] = 7;
  const bytes = new TextEncoder().encode("t");
  new Uint8Array(channel).set(bytes, 16);
  ctl[2] = 1;
  ctl[3] = 0;
  Atomics.store(ctl, 0, State.REQUEST);
  abandonBrokerRequest(channel);
  let called = 0;
  serveBrokerRequest(
    channel,
    { writableRoots: ["/tmp"], lock, owner: 7 },
    () => {
      called++;
    },
  );
  assert.equal(called, 0);
  assert.equal(Atomics.load(ctl, 0), State.ABANDONED);
});
