// Bytes into one R2 object through a multipart upload, in equal parts, across as many invocations as it takes.
//
// R2's rules (https://developers.cloudflare.com/r2/objects/multipart-objects/): parts of 5 MiB to 5 GiB, all but the
// last of the same size, the last no larger, at most 10,000 parts; incomplete uploads are aborted after 7 days by
// default. So parts are cut at exactly PART_BYTES, and what is left when an invocation ends (less than one part)
// is carried to the next through a small R2 object, since a queue message holds at most 128 KB.
import { ExportFailure } from "./export-failure";

export const PART_BYTES = 5 * 1024 * 1024;
/** 819 parts: ~30 KB of ETags in a continuation message (under the queue's 128 KB), and the XLSX ZIP limit. */
export const MAX_EXPORT_BYTES = 4 * 1024 * 1024 * 1024 - 1;

export type UploadState = {
  /** Null until the first full part: a file smaller than one part is written with a single put. */
  uploadId: string | null;
  /** ETags of parts 1…n, in order. */
  etags: string[];
  /** Bytes handed over so far, uploaded or carried. */
  bytes: number;
  /** The invocation count; the carry written at the end of invocation n is `<key>.carry-<n>`. */
  seq: number;
  /** Whether a carry object for `seq` exists. */
  carried: boolean;
};

export const newUploadState = (): UploadState => ({ uploadId: null, etags: [], bytes: 0, seq: 0, carried: false });
export const carryKey = (key: string, seq: number) => `${key}.carry-${seq}`;

export class R2Upload {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly metadata: R2HTTPMetadata,
    private state: UploadState,
  ) {}

  /** Starts a new object, or continues one: the previous invocation's carry is read back first. */
  static async open(bucket: R2Bucket, key: string, metadata: R2HTTPMetadata, state?: UploadState): Promise<R2Upload> {
    const upload = new R2Upload(bucket, key, metadata, structuredClone(state ?? newUploadState()));
    if (state?.carried) {
      const carry = await bucket.get(carryKey(key, state.seq));
      if (!carry) throw new Error(`the carry ${carryKey(key, state.seq)} is missing`);
      const bytes = new Uint8Array(await carry.arrayBuffer());
      upload.pending.push(bytes);
      upload.pendingBytes = bytes.length;
    }
    return upload;
  }

  get bytes(): number {
    return this.state.bytes;
  }

  get uploadId(): string | null {
    return this.state.uploadId;
  }

  /** Synchronous, so encoders can write into it; `flushParts` uploads what fills whole parts. */
  push = (chunk: Uint8Array): void => {
    if (chunk.length === 0) return;
    this.state.bytes += chunk.length;
    if (this.state.bytes > MAX_EXPORT_BYTES) throw new ExportFailure("file_too_large", `The export would exceed ${MAX_EXPORT_BYTES} bytes; export a shorter range`);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  };

  /** Uploads every whole part buffered; at most one part's worth stays in memory. */
  async flushParts(): Promise<void> {
    while (this.pendingBytes >= PART_BYTES) await this.uploadPart(this.take(PART_BYTES));
  }

  /** Ends this invocation: whole parts uploaded, the rest written as the carry for the next one. */
  async suspend(): Promise<UploadState> {
    await this.flushParts();
    this.state.seq += 1;
    this.state.carried = this.pendingBytes > 0;
    if (this.state.carried) await this.bucket.put(carryKey(this.key, this.state.seq), this.take(this.pendingBytes));
    return structuredClone(this.state);
  }

  /** Completes the object and removes the carries; returns its size in bytes. */
  async complete(): Promise<number> {
    if (this.state.uploadId === null) {
      await this.bucket.put(this.key, this.take(this.pendingBytes), { httpMetadata: this.metadata });
    } else {
      await this.flushParts();
      if (this.pendingBytes > 0) await this.uploadPart(this.take(this.pendingBytes));
      const upload = this.bucket.resumeMultipartUpload(this.key, this.state.uploadId);
      await upload.complete(this.state.etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    }
    await deleteCarries(this.bucket, this.key);
    return this.state.bytes;
  }

  private async uploadPart(data: Uint8Array): Promise<void> {
    if (this.state.uploadId === null) {
      this.state.uploadId = (await this.bucket.createMultipartUpload(this.key, { httpMetadata: this.metadata })).uploadId;
    }
    const upload = this.bucket.resumeMultipartUpload(this.key, this.state.uploadId);
    const part = await upload.uploadPart(this.state.etags.length + 1, data);
    this.state.etags.push(part.etag);
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.pending[0]!;
      const used = Math.min(head.length, n - filled);
      out.set(used === head.length ? head : head.subarray(0, used), filled);
      filled += used;
      if (used === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(used);
    }
    this.pendingBytes -= n;
    return out;
  }
}

/** Carries are kept until the end (a retried invocation reads its carry again), then removed together. */
export async function deleteCarries(bucket: R2Bucket, key: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix: `${key}.carry-`, cursor });
    if (listed.objects.length) await bucket.delete(listed.objects.map((o) => o.key));
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
}

/** Gives up an unfinished upload (a failed export): its parts and carries are removed. */
export async function abortUpload(bucket: R2Bucket, key: string, uploadId: string | null): Promise<void> {
  if (uploadId) await bucket.resumeMultipartUpload(key, uploadId).abort().catch(() => undefined);
  await deleteCarries(bucket, key);
}
