/**
 * The native reference of the whole-process timings of `bench/run.ts`: runs a WASI command on
 * the runtime's native `WebAssembly` with Porta's WASI layer (`src/wasi`), stdout and stderr
 * going straight through and the guest's exit code becoming the process's. It is `porta run`
 * without Porta's engine, sandbox worker, capability checks and output pipeline, so the
 * difference between the two processes is what Porta costs.
 *
 * Usage: deno run -A bench/native_run.ts [--dir HOST[:GUEST]]... <program.wasm> [-- guest args]
 *   (every --dir is writable; GUEST defaults to HOST)
 *
 * Native `WebAssembly` is used here only as the reference; production code never uses it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  denoStderr,
  denoStdin,
  denoStdout,
  type Preopen,
  Wasi,
  WasiExit,
} from "../src/wasi/mod.ts";

function main(): number {
  const cut = Deno.args.indexOf("--");
  const { values, positionals } = parseArgs({
    args: cut < 0 ? Deno.args : Deno.args.slice(0, cut),
    allowPositionals: true,
    options: { dir: { type: "string", multiple: true } },
  });
  const guestArgs = cut < 0 ? [] : Deno.args.slice(cut + 1);
  if (positionals.length !== 1) {
    console.error(
      "usage: native_run.ts [--dir HOST[:GUEST]]... <program.wasm> [-- guest args]",
    );
    return 2;
  }
  const path = positionals[0];
  const preopens: Preopen[] = (values.dir ?? []).map((d) => {
    const i = d.indexOf(":");
    const hostPath = i < 0 ? d : d.slice(0, i);
    return {
      hostPath,
      guestPath: i < 0 ? hostPath : d.slice(i + 1),
      writable: true,
    };
  });
  const wasi = new Wasi({
    args: [path.slice(path.lastIndexOf("/") + 1), ...guestArgs],
    env: {},
    preopens,
    stdin: denoStdin(),
    stdout: denoStdout(),
    stderr: denoStderr(),
    terminal: false,
  });
  const module = new WebAssembly.Module(Deno.readFileSync(path));
  try {
    const instance = new WebAssembly.Instance(module, wasi.imports);
    return wasi.start(instance);
  } catch (e) {
    if (e instanceof WasiExit) return e.code;
    throw e;
  } finally {
    wasi.close();
  }
}

Deno.exit(main());
