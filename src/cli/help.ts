/**
 * Help texts of the `porta` command line.
 *
 * @module
 */

const AGENT_FLAGS =
  `  --manifest PATH         manifest file (default: <agent>.manifest.json beside the wasm)
  --profile NAME          capability profile: ai-agent | worker | full
                          (grants = the manifest's capabilities bounded by the profile,
                          ai-agent by default; without a manifest: the profile; with
                          neither: nothing, so only import-free modules load)
  --env KEY=VALUE         guest environment variable (repeatable); the host env never leaks
  --env-file PATH         .env file (comments, export, quotes); --env wins over it
  --secret KEY=VALUE      like --env, but the value is redacted from all Porta output;
                          one the manifest's headers name (\${secret:KEY}) is only added
                          to the agent's HTTP requests, never given to the guest
  --dir HOST[:GUEST][:ro|:rw]
                          preopen a host directory (repeatable; none by default; read-only
                          unless :rw, writing also needs the fs.write capability); GUEST
                          defaults to HOST, else starts with / or is "."; a ":" inside a
                          path is written "\\:" (--dir 'data\\:2024:/data:rw')
  --strict-imports        refuse a module that imports a WASI function whose capability
                          is not granted (default: it loads and every call to it is
                          denied, ENOTCAPABLE; environ_* report an empty environment,
                          fd_prestat_* no preopened directory)`;

const TIER_FLAG =
  `  --tier interp|js|auto   execution tier of the engine: interp (interpreter only), js
                          (each function translated to JavaScript before its first
                          call) or auto (default: interpreted, translated once hot);
                          the tiers give the same results, traps and step counts`;

const NET_FLAGS =
  `  --allow-host PATTERN    let ABI v2 agents request this host with porta/fetch (repeatable
                          or comma-separated): api.example.com, *.example.org (any
                          subdomain, not the domain itself), localhost:8080, [::1]:8443;
                          no port = 80 for http, 443 for https; a URL must also match the
                          manifest's allowed_hosts; grants the net capability
  --allow-private-net     allow loopback, private and link-local addresses (refused by
                          default, also when a public name resolves to them); cloud
                          metadata addresses stay refused
  --net-max-requests N    HTTP requests per call, each redirect counted (default 16)
  --net-max-bytes SIZE    response body bytes per call (default 4MiB)
  --net-timeout DURATION  network time per call (default 10s; 0: the call's --timeout only)`;

const LIMIT_FLAGS =
  `  --step-limit N          stop the guest after N WebAssembly instructions
  --max-memory SIZE       memory cap: pages (64KiB each) or a size such as 64MiB`;

/** Help text per command; the key "" is the top-level help. */
export const HELP: Record<string, string> = {
  "": `porta - a secure MCP bridge for WebAssembly agents

Usage: porta <command> [options]

Commands:
  run <agent.wasm>        run a WASI agent (stdout/stderr stream through)
  serve <agent.wasm>      serve an agent's tools over MCP (stdio)
  call <agent.wasm> TOOL  run one tool call, resource read or prompt as serve would
  inspect <agent.wasm>    show the module's types, imports, exports and manifest
  validate <agent.wasm>   check every import against the granted capabilities
  build <agent.wasm>      derive <agent>.manifest.json from the module
  help [command]          show help for a command
  version                 print the version

Options: -h, --help   --version
Run 'porta help <command>' for the options of a command.`,
  run: `Usage: porta run <agent.wasm> [options] [-- guest args...]

Runs the agent's entry export (default _start) in a fresh sandboxed instance.
The guest's exit code becomes Porta's. After the run a summary line goes to stderr:
  [porta] steps=N memory=P pages restarts=R time=Xms tier=T
Secret values are redacted from Porta's messages and from the guest's stdout and
stderr (also when split across writes). Ctrl-C stops the guest (twice: at once).
A call refused for want of a grant prints one "[porta] denied: ..." line naming the
flag or capability that would allow it (once per cause, at most 20).

Options:
  --entry NAME            export to run (default: the manifest's entry, else _start)
${AGENT_FLAGS}
${LIMIT_FLAGS}
  --timeout DURATION      stop the guest after 500ms / 30s / 2m (bare number = seconds)
  --restart MODE          no (default) | on-failure (non-zero exit, trap, limit) |
                          always; a timeout or Ctrl-C never restarts
  --max-restarts N        bound on restarts (default 3 when --restart is set)
${TIER_FLAG}
  -h, --help              show this help

Exit codes: the guest's exit code; 1 for a trap, a limit, a timeout or a runtime
error; 2 for a usage error; 130 when interrupted (Ctrl-C).`,
  serve: `Usage: porta serve <agent.wasm> [options]
       porta serve <agent.wasm> --http [HOST:]PORT [options]

Serves the agent's tools, resources and prompts over MCP: on stdin/stdout (JSON-RPC
2.0, one JSON message per line), or with --http over Streamable HTTP at
http://HOST:PORT/mcp. Both MCP 2025-11-25 (sessions, initialize) and 2026-07-28
(stateless, server/discover) are spoken, on either transport. Each call runs in a
fresh sandboxed instance. Diagnostics go to stderr, one line per call:
  [porta] tool=NAME steps=N memory=M ok|error duration=Xms
and the guest's stderr lines as [NAME] line (at most 1000 lines / 256 KiB per call;
also sent to the client as log messages once it sets a log level). A call refused
for want of a grant adds one "[porta] denied: ..." line per cause (also a warning
to the client) and denied=FN:CAUSE to the call's line. An agent's HTTP requests
(porta/fetch, made by Porta, see --allow-host) add net=N net_bytes=B net_hosts=H,...
and, when some were refused, denied=porta/fetch:RULE.

Options:
  --entry NAME            export every call runs (default: the manifest's entry, else _start)
${AGENT_FLAGS}
${LIMIT_FLAGS}
                          (default 256MiB per call)
  --timeout DURATION      per-call timeout (default 30s; 0 disables it)
  --max-output SIZE       cap on one call's output (default 1MiB)
  --concurrency N         calls running at once, each in a warm worker (default 4)
  --drain DURATION        when stdin ends (or on SIGINT/SIGTERM with --http), time
                          running calls get to finish and be answered (default 5s)
  --max-requests N        requests to the client an ABI v2 agent may make per call
                          (default 16; porta/fetch is not counted here)
  --ask-timeout DURATION  how long such a request (sampling, elicitation, roots) waits
                          for the client's answer (default 10m, at most 24h; 0: as long
                          as the call runs); then the agent gets an error answer and
                          the client notifications/cancelled
${NET_FLAGS}
${TIER_FLAG}
  -h, --help              show this help

HTTP options:
  --http [HOST:]PORT      serve Streamable HTTP (HOST default 127.0.0.1)
  --allowed-origin ORIGIN also accept browser requests from ORIGIN (repeatable;
                          loopback origins are always accepted, others get 403)
  --auth-token-env NAME   require "Authorization: Bearer <value of $NAME>" (401
                          otherwise); required to listen on a non-loopback HOST
  --state-key-env NAME    HMAC key of 2026-07-28 request states (at least 32 bytes;
                          give every process behind one load balancer the same);
                          default: random per process
  --max-sessions N        sessions open at once (default 256; then 503)
  --session-idle DURATION idle time after which a session expires (default 30m)
  --max-body SIZE         largest request body (default 4MiB; then 413)
  --body-timeout DURATION time a request body may take to arrive, first byte to last
                          (default 30s, at most 1h; then 408)
  --max-pending-body SIZE bytes of all request bodies being received at once (default
                          64MiB, or --max-body when larger; at least --max-body; then 503)

Exits 0 when stdin ends; 130/143 on SIGINT/SIGTERM and 141 when stdout is closed
(running calls are cancelled). With --http it serves until SIGINT/SIGTERM.`,
  call: `Usage: porta call <agent.wasm> TOOL ['{json arguments}'] [options]
       porta call <agent.wasm> --resource URI [options]
       porta call <agent.wasm> --prompt NAME [--arg NAME=VALUE ...] ['{json}'] [options]

Runs one tool call, resource read or prompt through the same path as serve (argument
checks against the tool's inputSchema, limits, result conversion) and prints the
result: its text on stdout (a resource's blob as bytes), or the whole MCP result
object with --json. Diagnostics on stderr as in serve: the call's line, the guest's
stderr, and one "[porta] denied: ..." line per call refused for want of a grant.

Options:
  --resource URI          read a resource instead of calling a tool
  --prompt NAME           get a prompt; its arguments with --arg or a JSON object
  --arg NAME=VALUE        a prompt argument (repeatable)
  --json                  print the whole MCP result object
  --entry NAME            export the call runs (default: the manifest's entry, else _start)
${AGENT_FLAGS}
${LIMIT_FLAGS}
                          (default 256MiB per call)
  --timeout DURATION      per-call timeout (default 30s; 0 disables it)
  --max-output SIZE       cap on the call's output (default 1MiB)
${NET_FLAGS}
${TIER_FLAG}
  -h, --help              show this help

Exit codes: 0 ok; 1 when the result is an error (isError, also for arguments
that do not match the tool's inputSchema), the resource or prompt failed, or the
agent cannot load; 2 for a usage error (unknown tool, resource or prompt, bad or
non-object JSON, a missing prompt argument); 130/143 on SIGINT/SIGTERM.`,
  inspect: `Usage: porta inspect <agent.wasm> [options]

Shows types, imports (with the capability each needs), exports, memories, tables,
globals, data and custom sections, and the manifest if found, with its network
section (porta/fetch): allowed_hosts, allowed_methods and the headers Porta adds per
host, values as written (a \${secret:NAME} reference is shown, never resolved), and
the secrets those headers name (Porta's, not in the guest's environment). Secrets
are redacted.

Options:
  --json                  machine-readable output
  --manifest PATH         manifest file
  --profile NAME          capability profile for the "grants" line: ai-agent | worker | full
  --env KEY=VALUE         environment shown in the "environment" section (repeatable)
  --env-file PATH         .env file for the "environment" section
  --secret KEY=VALUE      like --env, with the value redacted from the output (repeatable)
  --dir HOST[:GUEST][:ro|:rw]
                          accepted (and checked) as for run; not shown
  --strict-imports        accepted as for run; not shown
  -h, --help              show this help`,
  validate: `Usage: porta validate <agent.wasm> [options]

Checks the module, the manifest (schema_version, fields, entry, wasi_imports) and
every import against the capabilities granted by the manifest and profile. Each
import is listed with the capability it needs:
  ok                      granted (or needs no capability: proc_exit)
  note ... not granted    the module loads; every call is denied at run time
                          (ENOTCAPABLE; environ_*: an empty environment,
                          fd_prestat_*: no preopened directory)
  DENIED                  refused at load: another import module, an unknown WASI
                          function, a WASI function missing from the manifest's
                          wasi_imports, or (with --strict-imports) not granted
Prints PASS (run and serve would load it with the same flags) or FAIL; exit code 0
only on PASS.

With serve's network flags, or when the manifest lists allowed_hosts, a "net:" line
gives the effective network grant as serve computes it: whether net is granted and
the hosts porta/fetch may reach (the manifest's allowed_hosts that --allow-host also
allows), with the per-call limits; a warning when no host is in both lists, and a
note naming the --secret values the manifest's headers need (validate takes none):
  ok      net: granted, porta/fetch may reach api.example.com [manifest
          allowed_hosts ∩ --allow-host]; per call: 16 requests, 4MiB of responses,
          10s of network time; private addresses refused

Options:
  --manifest PATH         manifest file
  --profile NAME          capability profile: ai-agent | worker | full
                          (grants = the manifest's capabilities bounded by the profile,
                          ai-agent by default; without a manifest: the profile; with
                          neither: nothing, so only import-free modules load)
  --strict-imports        imports whose capability is not granted are DENIED (FAIL)
${NET_FLAGS}
  -h, --help              show this help`,
  build: `Usage: porta build <agent.wasm> [-o PATH]

Derives a manifest from the module in the seed's format (schema_version "1.0", entry,
tools from exported functions, wasi_imports and the smallest capability list the
imports need) and writes <agent>.manifest.json.

Options:
  -o, --output PATH       where to write (default: <agent>.manifest.json beside the wasm)
  --name NAME             agent name (default: the wasm file name)
  --force                 overwrite an existing manifest
  -h, --help              show this help`,
  help: `Usage: porta help [command]

Shows the help of porta or of one command.`,
  version: `Usage: porta version

Prints the version of porta.`,
};

/** Names of every command, in help order. */
export const COMMANDS: readonly string[] = [
  "run",
  "serve",
  "call",
  "inspect",
  "validate",
  "build",
  "help",
  "version",
];
