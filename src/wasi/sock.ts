/**
 * `sock_*`: there are no sockets; known descriptors answer `NOTSOCK`,
 * unknown ones `BADF`.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { Errno } from "./errno.ts";
import type { HostFunctions } from "./types.ts";

/** The `sock_*` functions. */
export function sockFunctions(ctx: WasiContext): HostFunctions {
  const noSocket = (fd: number) => ctx.fds.has(fd) ? Errno.NOTSOCK : Errno.BADF;
  return {
    sock_accept: (fd: number) => noSocket(fd),
    sock_recv: (fd: number) => noSocket(fd),
    sock_send: (fd: number) => noSocket(fd),
    sock_shutdown: (fd: number) => noSocket(fd),
  };
}
