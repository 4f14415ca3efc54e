/**
 * Subprocess used by remote_worker_test.ts: serves the checkout's src/ over a
 * local http: server, starts the PRODUCTION guest worker from that URL (as
 * when Porta runs from JSR over https:), runs the .wasm given as argument and
 * copies guest stdout to stdout. Run it with --no-lock and a throw-away
 * DENO_DIR so the remote modules touch neither deno.lock nor the cache.
 */
import { GuestWall } from "../../src/sandbox/wall.ts";

const ROOT = new URL("../../", import.meta.url);
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  async (req) => {
    const path = new URL(req.url).pathname;
    if (!/^\/src\/[\w/.-]+\.ts$/.test(path) || path.includes("..")) {
      return new Response("not found", { status: 404 });
    }
    try {
      return new Response(await Deno.readFile(new URL(`.${path}`, ROOT)), {
        headers: { "content-type": "application/typescript" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  },
);
let code = 99;
try {
  const wall = await GuestWall.create(await Deno.readFile(Deno.args[0]), {
    grants: new Set(["io", "process"]),
    preopens: [],
    workerUrl:
      `http://127.0.0.1:${server.addr.port}/src/sandbox/guest_worker.ts`,
  });
  const r = await wall.run({ args: [], env: {} }, {
    onStdout: (b) => Deno.stdout.writeSync(b),
  });
  wall.terminate();
  code = r.exitCode ?? 98;
} finally {
  await server.shutdown();
}
Deno.exit(code);
