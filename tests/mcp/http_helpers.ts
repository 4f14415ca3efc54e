/** Helpers of the Streamable HTTP tests: a JSON-RPC POST and an SSE body reader. */

/** The Accept header MCP clients send on POST. */
export const ACCEPT = "application/json, text/event-stream";

/** POSTs one JSON-RPC message (a value, or raw text) with MCP's headers. */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    signal,
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Reads an SSE body into its JSON messages (and event ids). */
export async function sse(r: Response): Promise<{ id?: string; data: any }[]> {
  const text = await r.text();
  const out: { id?: string; data: any }[] = [];
  for (const block of text.split("\n\n")) {
    const id = /^id: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data !== undefined) out.push({ id, data: JSON.parse(data) });
  }
  return out;
}
