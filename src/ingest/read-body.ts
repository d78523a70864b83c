// Reads a request body as text, stopping as soon as it passes the byte limit (the body is never buffered whole).
import { tooLarge } from "./parse-body";

export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  const fail = (size: number) => tooLarge("MAX_REQUEST_BYTES", size, `A request body may be at most ${maxBytes} bytes (MAX_REQUEST_BYTES)`);
  if (Number.isFinite(declared) && declared > maxBytes) throw fail(declared);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw fail(size);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
