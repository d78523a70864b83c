// Reads a request body as text through a streaming size check: nothing past the limit is ever buffered.
import { ApiError } from "./errors";

/** A body limit as the 413 names it: the setting's name and its value in bytes. */
export type BodyLimit = { name: string; bytes: number };

export function tooLarge(limit: string, value: number, message: string): ApiError {
  return new ApiError(413, "payload_too_large", message, { limit, value });
}

/**
 * The body as text, refused with 413 as soon as it passes `limit`. A gzip body (Content-Encoding: gzip, as the
 * PostHog and Segment SDKs send) is decompressed on the way and the limit counts the decompressed bytes, so a small
 * compressed body cannot expand past it. Other encodings are refused with 415 rather than read as text.
 */
export async function readBodyLimited(request: Request, limit: BodyLimit): Promise<string> {
  const fail = (size: number) => tooLarge(limit.name, size, `A request body may be at most ${limit.bytes} bytes (${limit.name})`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit.bytes) throw fail(declared);
  if (!request.body) return "";
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip") {
    await request.body.cancel();
    throw new ApiError(415, "unsupported_content_encoding", "Send the body uncompressed or with Content-Encoding: gzip", { content_encoding: encoding });
  }
  // A declared length within the limit frames the body (HTTP reads exactly that many bytes): one native read. The
  // streaming check below is for bodies whose size is unknown until read (chunked) or changes on the way (gzip).
  // (Decoded here rather than with request.text(), which warns whenever the Content-Type does not say text.)
  if (encoding === "identity" && request.headers.has("content-length") && Number.isFinite(declared)) return new TextDecoder().decode(await request.arrayBuffer());
  const stream = encoding === "gzip" ? request.body.pipeThrough(new DecompressionStream("gzip")) : request.body;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // Only decompression can fail mid-stream here: the client's gzip is broken, not our side.
      throw new ApiError(400, "malformed_body", "The gzip body could not be decompressed");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit.bytes) {
      await reader.cancel().catch(() => undefined);
      throw fail(size);
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}
