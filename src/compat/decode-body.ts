// Reads a compat request body whatever way the client packed it: gzip with or without a header, base64, a form's data=.
import { ApiError } from "../http/errors";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../http/json-depth";
import { tooLarge, type BodyLimit } from "../http/read-body";

const GZIP_MAGIC = [0x1f, 0x8b];
const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];

/**
 * The stream's bytes, refused with 413 as soon as they pass the limit: for a gzip stream the limit counts the
 * decompressed bytes, so a small bomb is stopped after `limit` bytes of output, never held whole.
 */
async function collect(stream: ReadableStream<Uint8Array>, limit: BodyLimit, what: string): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new ApiError(400, "malformed_body", `The ${what} could not be decompressed`);
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit.bytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit.name, size, `A request body may be at most ${limit.bytes} bytes once decompressed (${limit.name})`);
    }
    chunks.push(chunk.value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function gunzip(bytes: Uint8Array, limit: BodyLimit, what: string): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return collect(stream, limit, what);
}

function base64Bytes(text: string): Uint8Array {
  // posthog-js writes standard base64; URL-safe and unpadded forms are accepted too.
  const normal = text.trim().replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  const padded = normal + "=".repeat((4 - (normal.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new ApiError(400, "malformed_body", "The body is not valid base64");
  }
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

const decoder = () => new TextDecoder();

/**
 * Decodes, in order: Content-Encoding gzip (streamed, capped); gzip bytes without the header (posthog-js sends its
 * gzip-js body as text/plain: recognised by the magic bytes 1f 8b); a form body `data=<…>` (posthog-js's sendBeacon
 * on unload); base64 when `compression=base64` is asked for in the query or the form, or when a form's data is not
 * JSON; gzip again inside base64. Then JSON. Every step counts against the same decompressed-size limit.
 * Returns undefined for an empty body.
 */
export async function readCompatBody(request: Request, limit: BodyLimit): Promise<unknown> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit.bytes) throw tooLarge(limit.name, declared, `A request body may be at most ${limit.bytes} bytes (${limit.name})`);
  if (!request.body) return undefined;
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip") {
    await request.body.cancel();
    throw new ApiError(415, "unsupported_content_encoding", "Send the body uncompressed or with Content-Encoding: gzip", { content_encoding: encoding });
  }
  let bytes = await collect(encoding === "gzip" ? request.body.pipeThrough(new DecompressionStream("gzip")) : request.body, limit, "gzip body");
  if (isGzip(bytes)) bytes = await gunzip(bytes, limit, "gzip body");
  let text = decoder().decode(bytes);
  if (text.trim() === "") return undefined;

  const url = new URL(request.url);
  let compression = url.searchParams.get("compression");
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  const trimmed = text.trimStart();
  if (contentType.startsWith("application/x-www-form-urlencoded") || (!trimmed.startsWith("{") && !trimmed.startsWith("[") && /^data=/.test(trimmed))) {
    const form = new URLSearchParams(text);
    const data = form.get("data");
    if (data === null) throw new ApiError(400, "invalid_body", "A form body must carry the events in its data field");
    compression = form.get("compression") ?? compression;
    text = data;
    if (compression === null && !/^\s*[[{]/.test(text)) compression = "base64";
  }
  if (compression === "lz64" || compression === "lz-string") {
    throw new ApiError(415, "unsupported_compression", "lz64 compression is not supported: use gzip-js or base64 (posthog-js's defaults)", { compression });
  }
  if (compression === "base64") {
    let decoded = base64Bytes(text);
    if (decoded.byteLength > limit.bytes) throw tooLarge(limit.name, decoded.byteLength, `A request body may be at most ${limit.bytes} bytes once decoded (${limit.name})`);
    if (isGzip(decoded)) decoded = await gunzip(decoded, limit, "gzip body inside base64");
    text = decoder().decode(decoded);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON (after decompression and decoding)");
  }
  // The mappings walk what they are given: a body nested 10,000 deep must not reach them.
  if (nestedDeeperThan(parsed, MAX_JSON_DEPTH)) {
    throw new ApiError(400, "body_too_deep", `The request body nests more than ${MAX_JSON_DEPTH} levels deep`, { max_depth: MAX_JSON_DEPTH });
  }
  return parsed;
}
