/**
 * Runs one wast2json script (`*.json` plus its `*.wasm` files) against a
 * {@link SpecEngine}, assertion by assertion; a crash in one assertion never
 * stops the file.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { ErrorKind, SpecEngine } from "./engines.ts";
import {
  HostRefs,
  type JsonValue,
  matchValue,
  parseArg,
  type RawValue,
} from "./values.ts";

/** An `invoke` or `get` action. */
interface Action {
  type: "invoke" | "get";
  module?: string;
  field: string;
  args?: JsonValue[];
}

/** One command of a wast2json script. */
interface Command {
  type: string;
  line: number;
  name?: string;
  as?: string;
  filename?: string;
  module_type?: string;
  text?: string;
  action?: Action;
  expected?: JsonValue[];
}

/** Outcome of running one script. */
export interface FileResult {
  /** Path of the JSON script. */
  file: string;
  /** Assertions (and commands) that behaved as the spec says. */
  passed: number;
  /** Assertions that did not. */
  failed: number;
  /** Text-format assertions (`module_type: text`) that do not apply to a binary engine. */
  notApplicable: number;
  /** Allowed exceptions: 2.0 "multiple memories" checks that contradict multi-memory. */
  exceptions: string[];
  /** Failure descriptions, in order (`line N: ...`). */
  failures: string[];
  /** Traps of the right kind whose message lacks the spec text (failures with `strictTraps`). */
  messageMismatches: string[];
}

/** Options for {@link runSpecFile}. */
export interface RunOptions {
  /** Count a trap whose message does not contain the spec text as a failure. */
  strictTraps?: boolean;
}

/**
 * Assertions of the 2.0 core suite that contradict the multi-memory proposal
 * (which the engine implements): modules declaring two memories are valid.
 */
const MULTI_MEMORY_EXCEPTIONS: Record<string, string> = {
  "multiple memories": "a module may declare several memories",
  "zero byte expected":
    "the memory.size/memory.grow byte is a LEB128 memory index, long zero is valid",
};

function describeError(e: unknown): string {
  if (e instanceof Error) {
    return `${e.constructor.name}: ${e.message.split("\n")[0]}`;
  }
  return `non-error thrown: ${String(e)}`;
}

function describeAction(a: Action): string {
  const args = (a.args ?? []).map((v) =>
    Array.isArray(v.value)
      ? `${v.type}[${v.value.join(" ")}]`
      : `${v.type}:${v.value}`
  );
  const mod = a.module ? `${a.module}.` : "";
  return a.type === "get"
    ? `get ${mod}${a.field}`
    : `${mod}${a.field}(${args.join(", ")})`;
}

/** Runs the JSON script at `file` against `engine`. */
export function runSpecFile(
  file: string,
  engine: SpecEngine,
  options: RunOptions = {},
): FileResult {
  const script = JSON.parse(Deno.readTextFileSync(file)) as {
    commands: Command[];
  };
  const dir = dirname(file);
  const result: FileResult = {
    file,
    passed: 0,
    failed: 0,
    notApplicable: 0,
    exceptions: [],
    failures: [],
    messageMismatches: [],
  };
  const refs = new HostRefs();
  const registry: Record<string, Record<string, unknown>> = {};
  let spectest: Record<string, unknown> | undefined;
  const named = new Map<string, unknown>();
  let current: unknown = undefined;

  const imports = (): Record<string, Record<string, unknown>> => {
    spectest ??= engine.spectest();
    // Unknown module names resolve to an empty namespace so that a missing
    // import is a LinkError ("unknown import"), not a JS TypeError.
    const known: Record<string, Record<string, unknown>> = {
      spectest,
      ...registry,
    };
    return new Proxy(known, {
      get: (t, k) => (typeof k === "string" ? t[k] ?? {} : undefined),
    });
  };
  const fail = (c: Command, msg: string): void => {
    result.failed++;
    result.failures.push(
      `line ${c.line}: ${c.type}${
        c.action ? " " + describeAction(c.action) : ""
      }: ${msg}`,
    );
  };
  const readWasm = (c: Command): Uint8Array =>
    Deno.readFileSync(join(dir, c.filename as string));
  const instanceFor = (a: Action): unknown => {
    const inst = a.module ? named.get(a.module) : current;
    if (inst === undefined) {
      throw new Error(`no module ${a.module ?? "(current)"} instantiated`);
    }
    return inst;
  };
  const perform = (a: Action, resultTypes?: string[]): RawValue[] => {
    const inst = instanceFor(a);
    if (a.type === "get") {
      return [engine.getGlobal(inst, a.field, resultTypes?.[0])];
    }
    const args = (a.args ?? []).map((v) => parseArg(v, refs));
    return engine.invoke(inst, a.field, args, resultTypes);
  };
  const expectError = (
    c: Command,
    want: ErrorKind[],
    run: () => unknown,
  ): void => {
    let value: unknown;
    try {
      value = run();
    } catch (e) {
      const kind = engine.classify(e);
      if (want.includes(kind)) {
        const msg = e instanceof Error ? e.message : String(e);
        const isTrap = kind === "runtime" || kind === "exhaustion";
        // The reference interpreter sometimes appends an index ("uninitialized
        // element 2"); the text without it is enough.
        const text = (c.text ?? "").replace(/ \d+$/, "");
        if (isTrap && text && !msg.includes(text)) {
          const note = `line ${c.line}: trap message "${
            msg.split("\n")[0]
          }" lacks "${c.text}"`;
          result.messageMismatches.push(note);
          if (options.strictTraps) {
            fail(c, note);
            return;
          }
        }
        result.passed++;
      } else {
        fail(
          c,
          `expected ${want[0]} error "${c.text}", got ${kind}: ${
            describeError(e)
          }`,
        );
      }
      return;
    }
    void value;
    const reason = MULTI_MEMORY_EXCEPTIONS[c.text ?? ""];
    if (
      (c.type === "assert_invalid" || c.type === "assert_malformed") && reason
    ) {
      result.exceptions.push(
        `line ${c.line}: ${c.type} "${c.text}" (multi-memory: ${reason})`,
      );
      return;
    }
    fail(c, `expected ${want[0]} error "${c.text}", but it succeeded`);
  };

  for (const c of script.commands) {
    try {
      switch (c.type) {
        case "module": {
          current = undefined;
          try {
            const m = engine.compile(readWasm(c));
            current = engine.instantiate(m, imports());
            if (c.name) named.set(c.name, current);
            result.passed++;
          } catch (e) {
            fail(c, `module ${c.filename} failed: ${describeError(e)}`);
          }
          break;
        }
        case "register": {
          const inst = c.name ? named.get(c.name) : current;
          if (inst === undefined) {
            fail(c, `nothing to register as "${c.as}"`);
          } else {
            registry[c.as as string] = engine.exportsOf(inst);
          }
          break;
        }
        case "action":
          perform(c.action as Action);
          result.passed++;
          break;
        case "assert_return": {
          const expected = c.expected ?? [];
          const types = expected.map((e) =>
            e.type === "either" ? e.values?.[0]?.type ?? "" : e.type
          );
          const got = perform(c.action as Action, types);
          const problems: string[] = [];
          if (got.length !== expected.length) {
            problems.push(
              `expected ${expected.length} results, got ${got.length}`,
            );
          }
          expected.forEach((exp, k) => {
            const p = matchValue(exp, got[k], refs);
            if (p !== null) {
              problems.push(expected.length > 1 ? `result ${k}: ${p}` : p);
            }
          });
          if (problems.length === 0) result.passed++;
          else fail(c, problems.join("; "));
          break;
        }
        case "assert_trap":
          expectError(c, ["runtime"], () => perform(c.action as Action));
          break;
        case "assert_exhaustion":
          expectError(c, ["exhaustion"], () => perform(c.action as Action));
          break;
        case "assert_invalid":
        case "assert_malformed":
          if (c.module_type === "text") {
            result.notApplicable++;
            break;
          }
          expectError(c, ["compile"], () => engine.compile(readWasm(c)));
          break;
        case "assert_unlinkable":
          expectError(
            c,
            ["link"],
            () => engine.instantiate(engine.compile(readWasm(c)), imports()),
          );
          break;
        case "assert_uninstantiable":
          expectError(
            c,
            ["runtime", "exhaustion"],
            () => engine.instantiate(engine.compile(readWasm(c)), imports()),
          );
          break;
        default:
          fail(c, `unsupported command type ${c.type}`);
      }
    } catch (e) {
      fail(c, `crashed: ${describeError(e)}`);
    }
  }
  return result;
}
