/**
 * Wall 3 never asks: inside the guest worker, every Deno API that needs a
 * permission first checks it with `Deno.permissions.querySync` (which never
 * prompts) and throws `Deno.errors.NotCapable` at once unless the state is
 * `"granted"`.
 *
 * Why: a worker created with narrowed permissions does not deny a call
 * outside them by itself when Deno may prompt (stdin and stderr are
 * terminals and Deno was started without `--no-prompt`): Deno shows its
 * interactive `Allow? [y/n/A]` prompt, which would let a person at the
 * terminal widen the guest's grants with one keystroke, and which blocks the
 * worker's thread in a read that no cancellation or `--timeout` can end. The
 * query reports such a path as `"prompt"`, so checking first turns every such
 * call into an immediate refusal, with or without a terminal.
 *
 * The checks mirror what Deno itself requires (Deno 2.9), never less: read
 * and/or write per path argument (`rename`: read and write on the source,
 * write on the target; `link`: read and write on both; `symlink`:
 * unrestricted read and write, which the worker never has; `open`: read when
 * reading, write when writing, appending, creating or truncating), `env`,
 * `net`, `run`, `ffi` and `sys` for the other families (`cwd` and `execPath`
 * need nothing in Deno 2.9 and are left alone). Where Deno's exact requirement depends on a value the
 * wrapper cannot know (the temp directory of `makeTempDir`, the host of a
 * `connect` or `fetch`) the unrestricted permission is required: stricter,
 * never looser, and never used by Porta's worker. `Deno.env.get`/`has` of a
 * variable that is not granted answer "unset" (Deno's own Node compatibility
 * reads `NODE_OPTIONS` that way). `Deno.permissions.request` answers with the
 * current state instead of asking. The wrappers must never be stricter than
 * Deno where Deno's own runtime code calls the public namespace (as
 * `node:process` does with `Deno.execPath`, which needs no permission).
 *
 * Installed by `guest_worker.ts` before Porta's WASI layer and engine load;
 * the guest itself never runs JavaScript, so nothing can undo it. Not
 * covered (never used by Porta's worker code): dynamic `import()`, nested
 * `Worker`s. `--no-prompt` on the command line (README, deno.json tasks) is a
 * second layer.
 *
 * @module
 */

/** What a wrapped API requires, computed from its arguments. */
type Need = (...args: any[]) => Deno.PermissionDescriptor[];

/** Message of every refusal (never names the path: it may be untrusted). */
export const REFUSAL =
  "refused in the guest worker: permission not granted (Porta never prompts)";

const read = (path: unknown): Deno.PermissionDescriptor => ({
  name: "read",
  path: path as string | URL,
});
const write = (path: unknown): Deno.PermissionDescriptor => ({
  name: "write",
  path: path as string | URL,
});
const readWrite = (path: unknown) => [read(path), write(path)];
const all = (name: "read" | "write" | "net" | "run" | "ffi" | "env") => () => [
  { name } as Deno.PermissionDescriptor,
];

function openNeeds(path: unknown, options?: Deno.OpenOptions) {
  const o = options ?? { read: true };
  const needs: Deno.PermissionDescriptor[] = [];
  const writes = o.write || o.append || o.create || o.createNew || o.truncate;
  if (o.read || !writes) needs.push(read(path));
  if (writes) needs.push(write(path));
  return needs;
}

/** Deno namespace functions (sync and async alike) and what each needs. */
const FS_NEEDS: Record<string, Need> = {
  open: openNeeds,
  openSync: openNeeds,
  create: readWrite,
  createSync: readWrite,
  readFile: (p) => [read(p)],
  readFileSync: (p) => [read(p)],
  readTextFile: (p) => [read(p)],
  readTextFileSync: (p) => [read(p)],
  readDir: (p) => [read(p)],
  readDirSync: (p) => [read(p)],
  readLink: (p) => [read(p)],
  readLinkSync: (p) => [read(p)],
  realPath: (p) => [read(p)],
  realPathSync: (p) => [read(p)],
  stat: (p) => [read(p)],
  statSync: (p) => [read(p)],
  lstat: (p) => [read(p)],
  lstatSync: (p) => [read(p)],
  chdir: (p) => [read(p)],
  watchFs: (paths) =>
    (Array.isArray(paths) ? paths : [paths]).map((p: unknown) => read(p)),
  writeFile: (p) => [write(p)],
  writeFileSync: (p) => [write(p)],
  writeTextFile: (p) => [write(p)],
  writeTextFileSync: (p) => [write(p)],
  mkdir: (p) => [write(p)],
  mkdirSync: (p) => [write(p)],
  remove: (p) => [write(p)],
  removeSync: (p) => [write(p)],
  truncate: (p) => [write(p)],
  truncateSync: (p) => [write(p)],
  utime: (p) => [write(p)],
  utimeSync: (p) => [write(p)],
  chmod: (p) => [write(p)],
  chmodSync: (p) => [write(p)],
  chown: (p) => [write(p)],
  chownSync: (p) => [write(p)],
  copyFile: (from, to) => [read(from), write(to)],
  copyFileSync: (from, to) => [read(from), write(to)],
  rename: (a, b) => [...readWrite(a), write(b)],
  renameSync: (a, b) => [...readWrite(a), write(b)],
  link: (a, b) => [...readWrite(a), ...readWrite(b)],
  linkSync: (a, b) => [...readWrite(a), ...readWrite(b)],
  symlink: () => [{ name: "read" }, { name: "write" }],
  symlinkSync: () => [{ name: "read" }, { name: "write" }],
  makeTempDir: (o) => [o?.dir !== undefined ? write(o.dir) : { name: "write" }],
  makeTempDirSync: (
    o,
  ) => [o?.dir !== undefined ? write(o.dir) : { name: "write" }],
  makeTempFile: (
    o,
  ) => [o?.dir !== undefined ? write(o.dir) : { name: "write" }],
  makeTempFileSync: (
    o,
  ) => [o?.dir !== undefined ? write(o.dir) : { name: "write" }],
  openKv: (p) =>
    p === undefined ? [{ name: "read" }, { name: "write" }] : [
      read(p),
      write(p),
    ],
};

const NET = all("net");
const RUN = all("run");
const FFI = all("ffi");

/** Every other permission-checked function of the namespace. */
const OTHER_NEEDS: Record<string, Need> = {
  connect: NET,
  connectTls: NET,
  listen: NET,
  listenTls: NET,
  listenDatagram: NET,
  startTls: NET,
  resolveDns: NET,
  serve: NET,
  serveHttp: NET,
  createHttpClient: NET,
  connectQuic: NET,
  listenQuic: NET,
  run: RUN,
  spawn: RUN,
  spawnAndWait: RUN,
  spawnAndWaitSync: RUN,
  kill: RUN,
  dlopen: FFI,
  hostname: () => [{ name: "sys", kind: "hostname" }],
  osRelease: () => [{ name: "sys", kind: "osRelease" }],
  osUptime: () => [{ name: "sys", kind: "osUptime" }],
  loadavg: () => [{ name: "sys", kind: "loadavg" }],
  networkInterfaces: () => [{ name: "sys", kind: "networkInterfaces" }],
  systemMemoryInfo: () => [{ name: "sys", kind: "systemMemoryInfo" }],
  uid: () => [{ name: "sys", kind: "uid" }],
  gid: () => [{ name: "sys", kind: "gid" }],
  umask: () => [{ name: "sys" }],
};

/** Classes whose construction (and static functions) need a permission. */
const CLASS_NEEDS: Record<string, Need> = {
  Command: RUN,
  ChildProcess: RUN,
  Process: RUN,
  UnsafeCallback: FFI,
  UnsafeFnPointer: FFI,
  UnsafePointer: FFI,
  UnsafePointerView: FFI,
};

/**
 * `Deno.env` methods. `get` and `has` of a variable that is not granted
 * answer "unset" (undefined, false) instead of throwing: Deno itself lets a
 * few variables be read without permission (Node compatibility reads
 * `NODE_OPTIONS` when `node:` modules load), and an unset answer discloses
 * nothing.
 */
const ENV_UNSET: Record<string, unknown> = { get: undefined, has: false };
const ENV_NEEDS: Record<string, Need> = {
  get: (k) => [{ name: "env", variable: String(k) }],
  has: (k) => [{ name: "env", variable: String(k) }],
  set: (k) => [{ name: "env", variable: String(k) }],
  delete: (k) => [{ name: "env", variable: String(k) }],
  toObject: all("env"),
};

/** Globals that reach the network (or files, through `file:` URLs). */
const GLOBAL_NEEDS: Record<string, Need> = {
  fetch: NET,
  WebSocket: NET,
  WebSocketStream: NET,
  EventSource: NET,
};

/** Throws NotCapable unless every permission in `needs` is granted. */
function check(
  permissions: Deno.Permissions,
  errors: typeof Deno.errors,
  needs: Deno.PermissionDescriptor[],
): void {
  for (const desc of needs) {
    let state: Deno.PermissionState;
    try {
      state = permissions.querySync(desc).state;
    } catch {
      state = "denied"; // a descriptor Deno cannot judge is refused too
    }
    if (state !== "granted") {
      throw new errors.NotCapable(`Requires ${desc.name} access: ${REFUSAL}`);
    }
  }
}

/**
 * Functions that return a promise: a refusal of those is a rejected promise,
 * as Deno's own would be.
 */
const ASYNC = new Set([
  ...Object.keys(FS_NEEDS).filter((n) =>
    !n.endsWith("Sync") &&
    !["chdir", "watchFs"].includes(n)
  ),
  "connect",
  "connectTls",
  "startTls",
  "resolveDns",
  "connectQuic",
  "spawnAndWait",
  "fetch",
]);

function wrapFunction(
  fn: (...a: any[]) => any,
  name: string,
  need: Need,
  guard: (needs: Deno.PermissionDescriptor[]) => void,
  asyncApi = ASYNC.has(name),
): (...a: any[]) => any {
  const wrapped = function (this: unknown, ...args: any[]) {
    try {
      guard(need(...args));
    } catch (e) {
      if (asyncApi) return Promise.reject(e);
      throw e;
    }
    return Reflect.apply(fn, this, args);
  };
  Object.defineProperty(wrapped, "name", { value: name });
  return wrapped;
}

function wrapClass(
  cls: object,
  need: Need,
  guard: (needs: Deno.PermissionDescriptor[]) => void,
): object {
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      guard(need(...args));
      return Reflect.construct(target as any, args, newTarget);
    },
    apply(target, self, args) {
      guard(need(...args));
      return Reflect.apply(target as any, self, args);
    },
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof v !== "function" || key === "prototype") return v;
      return (...args: unknown[]) => {
        guard(need(...args));
        return Reflect.apply(v, target, args);
      };
    },
  });
}

let installed = false;

/**
 * Wraps every permission-checked API of `deno` (default: the global `Deno`)
 * and the network globals of `scope` so that a call whose permission is not
 * granted throws `NotCapable` before Deno could prompt. Idempotent.
 */
export function installNoPrompt(
  deno: typeof Deno = Deno,
  scope: Record<string, unknown> = globalThis as unknown as Record<
    string,
    unknown
  >,
): void {
  if (deno === Deno && installed) return;
  if (deno === Deno) installed = true;
  const permissions = deno.permissions;
  const errors = deno.errors;
  const guard = (needs: Deno.PermissionDescriptor[]) =>
    check(permissions, errors, needs);
  const ns = deno as unknown as Record<string, unknown>;
  for (const table of [FS_NEEDS, OTHER_NEEDS]) {
    for (const [name, need] of Object.entries(table)) {
      const fn = ns[name];
      if (typeof fn !== "function") continue;
      ns[name] = wrapFunction(fn as (...a: any[]) => any, name, need, guard);
    }
  }
  for (const [name, need] of Object.entries(CLASS_NEEDS)) {
    const cls = ns[name];
    if (typeof cls !== "function") continue;
    ns[name] = wrapClass(cls, need, guard);
  }
  const env = deno.env as unknown as Record<string, unknown>;
  for (const [name, need] of Object.entries(ENV_NEEDS)) {
    const fn = env[name];
    if (typeof fn !== "function") continue;
    const bound = (fn as (...a: any[]) => any).bind(env);
    const wrapped = wrapFunction(bound, name, need, guard, false);
    env[name] = name in ENV_UNSET
      ? (...args: unknown[]) => {
        try {
          return wrapped(...args);
        } catch (e) {
          if (e instanceof errors.NotCapable) return ENV_UNSET[name];
          throw e;
        }
      }
      : wrapped;
  }
  for (const [name, need] of Object.entries(GLOBAL_NEEDS)) {
    const g = scope[name];
    if (typeof g !== "function") continue;
    scope[name] = name === "fetch"
      ? wrapFunction(g as (...a: any[]) => any, "fetch", need, guard)
      : wrapClass(g, need, guard);
  }
  // asking is never an option: a request reports the current state
  const p = permissions as unknown as Record<string, unknown>;
  p.requestSync = (desc: Deno.PermissionDescriptor) =>
    permissions.querySync(desc);
  p.request = (desc: Deno.PermissionDescriptor) =>
    Promise.resolve().then(() => permissions.querySync(desc));
}
