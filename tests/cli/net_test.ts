/**
 * Agents' HTTP requests from the command line: `porta call` and `porta
 * serve` (stdio; MCP 2025-11-25 with `initialize`, and a 2026-07-28
 * stateless request) run the example weather agent
 * (testdata/agents/weather.c) against a server on 127.0.0.1 started here,
 * with the network flags (`--allow-host`, `--allow-private-net`,
 * `--net-*`). The secret is checked absent from stdout and stderr.
 */
import { assert, assertEquals, assertMatch } from "../agent/asserts.ts";
import { runPorta } from "../helpers/cli.ts";
import { parseManifest } from "../../src/agent/manifest.ts";
import { AgentNet, netGrant } from "../../src/agent/net.ts";

const WEATHER = "testdata/agents/weather.wasm";
const SECRET = "wx-TOKEN-cli-5150-abcdef";

interface Seen {
  path: string;
  authorization: string | null;
}

function serve() {
  const seen: Seen[] = [];
  const srv = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const u = new URL(req.url);
      seen.push({
        path: u.pathname + u.search,
        authorization: req.headers.get("authorization"),
      });
      if (u.pathname === "/slow/forecast") {
        return new Promise((r) => setTimeout(() => r(Response.json({})), 1500));
      }
      return Response.json({
        city: u.searchParams.get("city"),
        conditions: "clear sky",
        temperature_c: 21,
        wind_kph: 5,
      });
    },
  );
  return { port: srv.addr.port, seen, close: () => srv.shutdown() };
}

/** The weather manifest with the local server's host added (and its header). */
async function manifestFor(host: string): Promise<string> {
  const m = parseManifest(
    await Deno.readTextFile("testdata/agents/weather.manifest.json"),
  );
  const dir = await Deno.makeTempDir();
  const path = `${dir}/weather.manifest.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      ...m,
      allowed_hosts: [...m.allowed_hosts!, host],
      headers: { ...m.headers, [host]: m.headers!["api.example.com"] },
    }),
  );
  return path;
}

function common(
  manifest: string,
  host: string,
  extra: string[] = [],
): string[] {
  return [
    "--manifest",
    manifest,
    "--profile",
    "full",
    "--env",
    `WEATHER_API=http://${host}`,
    "--secret",
    `WEATHER_TOKEN=${SECRET}`,
    ...extra,
  ];
}

function noSecret(o: { stdout: string; stderr: string }): void {
  assert.ok(!o.stdout.includes(SECRET), o.stdout);
  assert.ok(!o.stderr.includes(SECRET), o.stderr);
  assert.ok(!/^\s+at /m.test(o.stderr), `stack trace: ${o.stderr}`);
}

Deno.test("cli net: porta call: allowed, refused without --allow-private-net, refused by the operator", async () => {
  const s = serve();
  const host = `localhost:${s.port}`;
  const manifest = await manifestFor(host);
  try {
    const [ok, privateNet, operator, timeout] = await Promise.all([
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"Lyon"}',
        ...common(manifest, host, [
          "--allow-host",
          host,
          "--allow-private-net",
        ]),
      ]),
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"Nice"}',
        ...common(manifest, host, ["--allow-host", host]),
      ]),
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"Metz"}',
        ...common(manifest, host, [
          "--allow-host",
          `localhost:${s.port + 1},api.example.com`,
          "--allow-private-net",
        ]),
      ]),
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"Slow"}',
        ...common(manifest, `${host}/slow`, [
          "--allow-host",
          host,
          "--allow-private-net",
          "--net-timeout",
          "300ms",
        ]),
      ]),
    ]);
    for (const o of [ok, privateNet, operator, timeout]) noSecret(o);
    assertEquals(
      [ok.code, ok.stdout],
      [0, "Lyon: clear sky, 21.0 °C, wind 5 km/h.\n"],
      ok.stderr,
    );
    assertMatch(
      ok.stderr,
      new RegExp(
        `^\\[porta\\] tool=forecast steps=\\d+ memory=\\d+ ok duration=\\S+ net=1 net_bytes=\\d+ net_hosts=${host}$`,
        "m",
      ),
    );
    // the refusals: a tool error naming the rule, one denial line, the call's line
    assertEquals(privateNet.code, 1, privateNet.stderr);
    assertMatch(
      privateNet.stdout,
      /^the weather service cannot be reached: net: "localhost" resolves to 127\.0\.0\.1, a loopback address \(refused without --allow-private-net\)\n$/,
    );
    assertMatch(
      privateNet.stderr,
      /^\[porta\] denied: porta\/fetch "http:\/\/localhost:\d+\/forecast\?city=Nice": net: "localhost" resolves to 127\.0\.0\.1/m,
    );
    assertMatch(
      privateNet.stderr,
      / error duration=\S+ net=0 net_bytes=0 net_refused=1 denied=porta\/fetch:address /,
    );
    assertEquals(operator.code, 1, operator.stderr);
    assertMatch(
      operator.stdout,
      new RegExp(
        `net: host "${host}" is not allowed by the operator \\(--allow-host\\) \\(allowed: api\\.example\\.com\\)`,
      ),
    );
    assertEquals(timeout.code, 1, timeout.stderr);
    assertMatch(
      timeout.stdout,
      /net: timeout: the call's network time reached 300 ms \(--net-timeout\)/,
    );
    // only the allowed calls reached the server, with the secret header
    const paths = s.seen.map((x) => x.path).sort();
    assertEquals(paths, ["/forecast?city=Lyon", "/slow/forecast?city=Slow"]);
    for (const x of s.seen) assertEquals(x.authorization, `Bearer ${SECRET}`);
  } finally {
    await s.close();
  }
});

Deno.test("cli net: usage and load errors are one line", async () => {
  const s = serve();
  const host = `localhost:${s.port}`;
  const manifest = await manifestFor(host);
  try {
    const [url, alone, badTime, missing, run] = await Promise.all([
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"x"}',
        "--allow-host",
        "https://api.example.com",
      ]),
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"x"}',
        "--allow-private-net",
      ]),
      runPorta([
        "serve",
        WEATHER,
        "--allow-host",
        host,
        "--net-timeout",
        "soon",
      ]),
      runPorta([
        "call",
        WEATHER,
        "forecast",
        '{"city":"x"}',
        "--manifest",
        manifest,
        "--allow-host",
        host,
      ]),
      runPorta(["run", WEATHER, "--allow-host", host]),
    ]);
    assertEquals(url.code, 2);
    assertMatch(
      url.stderr,
      /^porta: error: --allow-host: invalid host pattern "https:\/\/api\.example\.com": give a host, not a URL/,
    );
    assertEquals(alone.code, 2);
    assertMatch(
      alone.stderr,
      /--allow-private-net applies with --allow-host only/,
    );
    assertEquals(badTime.code, 2);
    assertMatch(badTime.stderr, /invalid value for --net-timeout: "soon"/);
    assertEquals(missing.code, 1);
    assertMatch(
      missing.stderr,
      /porta: error: manifest headers\["api\.example\.com"\]\["Authorization"\]: secret "WEATHER_TOKEN" is not given \(pass --secret WEATHER_TOKEN=VALUE\)/,
    );
    // porta run does not speak ABI v2: no network flags
    assertEquals(run.code, 2);
    assertMatch(run.stderr, /unknown option --allow-host for 'run'/);
    assertEquals(s.seen.length, 0);
  } finally {
    await s.close();
  }
});

Deno.test("cli net: porta serve (stdio), with a session and with a stateless request", async () => {
  const s = serve();
  const host = `localhost:${s.port}`;
  const manifest = await manifestFor(host);
  const line = (m: unknown) => JSON.stringify(m) + "\n";
  const flags = common(manifest, host, [
    "--allow-host",
    host,
    "--allow-private-net",
    "--concurrency",
    "1",
  ]);
  try {
    const [session, stateless] = await Promise.all([
      runPorta(["serve", WEATHER, ...flags], {
        stdin: line({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          },
        }) +
          line({ jsonrpc: "2.0", method: "notifications/initialized" }) +
          line({
            jsonrpc: "2.0",
            id: 2,
            method: "tools/call",
            params: { name: "forecast", arguments: { city: "Oslo" } },
          }),
      }),
      runPorta(["serve", WEATHER, ...flags], {
        stdin: line({
          jsonrpc: "2.0",
          id: 7,
          method: "tools/call",
          params: {
            _meta: {
              "io.modelcontextprotocol/protocolVersion": "2026-07-28",
              "io.modelcontextprotocol/clientCapabilities": {},
            },
            name: "forecast",
            arguments: { city: "Rome" },
          },
        }),
      }),
    ]);
    for (const o of [session, stateless]) noSecret(o);
    const answer = (out: string, id: number) =>
      out.trim().split("\n").map((l) => JSON.parse(l)).find((m) => m.id === id);
    const a = answer(session.stdout, 2);
    assertEquals(
      a.result.content[0].text,
      "Oslo: clear sky, 21.0 °C, wind 5 km/h.",
      session.stderr,
    );
    assertEquals(a.result.structuredContent.city, "Oslo");
    const b = answer(stateless.stdout, 7);
    assertEquals(
      b.result.content[0].text,
      "Rome: clear sky, 21.0 °C, wind 5 km/h.",
      stateless.stderr,
    );
    for (const o of [session, stateless]) {
      assertMatch(
        o.stderr,
        new RegExp(
          `tool=forecast .* ok .* net=1 net_bytes=\\d+ net_hosts=${host}`,
        ),
      );
    }
    assertEquals(s.seen.length, 2);
  } finally {
    await s.close();
  }
});

Deno.test("cli net: porta validate takes serve's network flags and reports the grant serve computes", async () => {
  const dir = await Deno.makeTempDir();
  const m = parseManifest(
    await Deno.readTextFile("testdata/agents/weather.manifest.json"),
  );
  const noNet = `${dir}/no-net.manifest.json`;
  await Deno.writeTextFile(
    noNet,
    JSON.stringify({
      ...m,
      capabilities: ["io", "env"],
      allowed_hosts: undefined,
      allowed_methods: undefined,
      headers: undefined,
    }),
  );
  const validate = (args: string[]) => runPorta(["validate", WEATHER, ...args]);
  try {
    const [plain, both, none, notListed, limits, alone, url, serveUrl] =
      await Promise.all([
        validate([]),
        validate(["--allow-host", "api.example.com,evil.com"]),
        validate(["--allow-host", "evil.com"]),
        validate(["--manifest", noNet, "--allow-host", "api.example.com"]),
        validate([
          "--allow-host",
          "api.example.com",
          "--allow-private-net",
          "--net-max-requests",
          "3",
          "--net-max-bytes",
          "64KiB",
          "--net-timeout",
          "0",
        ]),
        validate(["--net-timeout", "3s"]),
        validate(["--allow-host", "https://api.example.com"]),
        runPorta(["serve", WEATHER, "--allow-host", "https://api.example.com"]),
      ]);
    for (const o of [plain, both, none, notListed, limits]) {
      assertEquals(o.code, 0, o.stdout + o.stderr);
      assertEquals(o.stdout.trimEnd().split("\n").at(-1), "PASS");
      assertEquals(o.stderr, "");
    }
    const netLines = (out: string) =>
      out.split("\n").filter((l) => / net: /.test(l));
    // no --allow-host: the manifest's hosts are shown, nothing is granted
    assertMatch(plain.stdout, /^note {4}grants: io \[profile ai-agent/m);
    assertEquals(netLines(plain.stdout), [
      "note    net: not granted (no --allow-host): every porta/fetch is refused [manifest allowed_hosts: api.example.com; --allow-host: (none)]",
    ]);
    // --allow-host grants net (as in serve) and the hosts are the intersection
    assertMatch(
      both.stdout,
      /^note {4}grants: io, net \[profile ai-agent \(default bound\), manifest, --allow-host\]$/m,
    );
    assertEquals(netLines(both.stdout), [
      "ok      net: granted, porta/fetch may reach api.example.com [manifest allowed_hosts ∩ --allow-host]; per call: 16 requests, 4MiB of responses, 10s of network time; private addresses refused",
      "note    net: the manifest's headers name ${secret:WEATHER_TOKEN}: serve and call refuse to load without --secret WEATHER_TOKEN=VALUE",
    ]);
    assertMatch(
      none.stdout,
      /^warning net: granted, but no host is in both the manifest's allowed_hosts \(api\.example\.com\) and --allow-host \(evil\.com\): every porta\/fetch is refused$/m,
    );
    assertMatch(notListed.stdout, /^note {4}grants: io \[/m);
    assertEquals(netLines(notListed.stdout), [
      'note    net: not granted (the manifest\'s capabilities do not list "net"): every porta/fetch is refused [manifest allowed_hosts: (none); --allow-host: api.example.com]',
    ]);
    assertMatch(
      limits.stdout,
      /^ok {6}net: granted, porta\/fetch may reach api\.example\.com \[manifest allowed_hosts ∩ --allow-host\]; per call: 3 requests, 64KiB of responses, no network time limit; private addresses allowed \(--allow-private-net\)$/m,
    );
    // the same parsing and the same one-line usage errors as serve
    assertEquals(alone.code, 2);
    assertEquals(
      alone.stderr,
      "porta: error: --net-timeout applies with --allow-host only (no host is allowed)\n",
    );
    assertEquals([url.code, serveUrl.code], [2, 2]);
    assertMatch(
      url.stderr,
      /^porta: error: --allow-host: invalid host pattern/,
    );
    assertEquals(url.stderr, serveUrl.stderr);
    const help = await runPorta(["help", "validate"]);
    assertMatch(help.stdout, /^ {2}--allow-host PATTERN /m);
    assertMatch(help.stdout, /^ {2}--net-timeout DURATION /m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli net: the hosts validate reports are the gate's (netGrant and AgentNet agree)", () => {
  const manifest = parseManifest(JSON.stringify({
    name: "n",
    version: "1",
    abi: 2,
    capabilities: ["io", "net"],
    allowed_hosts: ["api.example.com", "*.example.org", "localhost:8080"],
    tools: [{ name: "t" }],
  }));
  for (
    const allowHosts of [
      ["api.example.com"],
      ["*.example.org", "localhost"],
      ["a.b.example.org:443", "localhost:8080", "evil.com"],
      ["*.org"],
      [],
    ]
  ) {
    for (const granted of [true, false]) {
      const grants = new Set(
        granted ? ["io", "net"] as const : ["io"] as const,
      );
      const net = AgentNet.create(
        manifest,
        granted,
        { allowHosts },
        {},
        [],
        (t) => t,
      );
      if (Array.isArray(net)) throw new Error(net.join("\n"));
      try {
        assertEquals(
          netGrant(manifest, grants, { allowHosts }).hosts,
          net.gate?.allowed.map((p) => p.text) ?? [],
          JSON.stringify({ allowHosts, granted }),
        );
      } finally {
        net.close();
      }
    }
  }
});

Deno.test("cli net: porta inspect shows the manifest's network section, secret references as written, never a value", async () => {
  const [text, json, none] = await Promise.all([
    runPorta([
      "inspect",
      WEATHER,
      "--secret",
      `WEATHER_TOKEN=${SECRET}`,
      "--secret",
      "OTHER=other-value-1234",
      "--env",
      "WEATHER_TOKEN=from-env",
    ]),
    runPorta([
      "inspect",
      WEATHER,
      "--json",
      "--secret",
      `WEATHER_TOKEN=${SECRET}`,
      "--secret",
      "OTHER=other-value-1234",
    ]),
    runPorta(["inspect", "testdata/agents/abi2.wasm"]),
  ]);
  for (const o of [text, json, none]) {
    assertEquals([o.code, o.stderr], [0, ""]);
    noSecret(o);
    assert.ok(!o.stdout.includes("other-value-1234"), o.stdout);
  }
  const section = text.stdout.slice(
    text.stdout.indexOf("  network (porta/fetch):"),
    text.stdout.indexOf("grants:"),
  );
  assertEquals(
    section,
    [
      "  network (porta/fetch):",
      "    allowed_hosts (1): api.example.com",
      "    allowed_methods: GET",
      "    headers (1 host):",
      "      api.example.com:",
      "        Authorization: Bearer ${secret:WEATHER_TOKEN}",
      "        User-Agent: porta-weather/0.1",
      "    secrets the headers name: WEATHER_TOKEN (from --secret; added by Porta to requests, never given to the guest)",
      "",
    ].join("\n"),
  );
  // the guest's environment, as Agent.load gives it: the headers' secret is
  // Porta's (also when --env names it); other secrets are redacted
  assertMatch(text.stdout, /^environment \(1\):\n {2}OTHER=\[REDACTED\]\n$/m);
  const r = JSON.parse(json.stdout);
  assertEquals(r.manifest.allowed_hosts, ["api.example.com"]);
  assertEquals(r.manifest.allowed_methods, ["GET"]);
  assertEquals(r.manifest.headers, {
    "api.example.com": {
      Authorization: "Bearer ${secret:WEATHER_TOKEN}",
      "User-Agent": "porta-weather/0.1",
    },
  });
  assertEquals(r.environment, { OTHER: "[REDACTED]" });
  assertMatch(
    none.stdout,
    /^ {2}network \(porta\/fetch\): none \(no allowed_hosts\)$/m,
  );
});
