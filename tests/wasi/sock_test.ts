import assert from "node:assert/strict";
import { direct } from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

Deno.test("sock_*: no sockets (BADF for unknown fds, NOTSOCK otherwise)", () => {
  const d = direct();
  for (const f of ["sock_accept", "sock_recv", "sock_send", "sock_shutdown"]) {
    assert.equal(d.fns[f](99, 0, 0, 0, 0, 0), Errno.BADF, f);
    assert.equal(d.fns[f](1, 0, 0, 0, 0, 0), Errno.NOTSOCK, f);
  }
});
