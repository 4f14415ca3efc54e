/** Test helper: thin names over node:assert/strict used by the agent and CLI tests. */
import assert from "node:assert/strict";

export { assert };
export const assertEquals: (
  actual: unknown,
  expected: unknown,
  message?: string,
) => void = assert.deepStrictEqual;
export const assertMatch: (
  actual: string,
  re: RegExp,
  message?: string,
) => void = assert.match;

/** Asserts that `fn` throws (an instance of `cls` when given; message matching `re` when given) and returns the error. */
export function assertThrows(
  fn: () => unknown,
  cls?: (abstract new (...a: any[]) => Error) | RegExp,
  re?: RegExp,
): Error {
  try {
    fn();
  } catch (e) {
    if (cls instanceof RegExp) assert.match((e as Error).message, cls);
    else if (cls) assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (re) assert.match((e as Error).message, re);
    return e as Error;
  }
  throw new assert.AssertionError({
    message: "expected the function to throw",
  });
}

/** Async version of {@link assertThrows}. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  cls?: (abstract new (...a: any[]) => Error) | RegExp,
  re?: RegExp,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (cls instanceof RegExp) assert.match((e as Error).message, cls);
    else if (cls) assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (re) assert.match((e as Error).message, re);
    return e as Error;
  }
  throw new assert.AssertionError({
    message: "expected the promise to reject",
  });
}
