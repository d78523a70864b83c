// A ZIP writer that streams one deflated entry at a time and can stop mid-entry and continue in another invocation.
//
// Each write is compressed by zlib (workerd's node:zlib) as its own raw DEFLATE segment ending in a sync flush:
// byte-aligned, non-final, so segments simply concatenate, and the entry is closed by an empty final block. The
// compressor therefore keeps no state between writes, and the container's state (offsets, CRC-32, sizes) is plain
// data that survives in a queue message. Entries use data descriptors (general purpose bit 3), so nothing written
// earlier is ever rewritten. No ZIP64: the archive stays under 4 GiB (ExportFailure past that).
// Format: PKWARE APPNOTE.TXT §4.3; flush semantics: zlib's Z_SYNC_FLUSH (RFC 1951 stored block 00 00 FF FF).
import { constants, deflateRawSync } from "node:zlib";
import { crc32 } from "./crc32";
import { ExportFailure } from "./export-failure";

export type ZipEntry = { name: string; method: 0 | 8; crc: number; compressedSize: number; size: number; offset: number; descriptor: boolean };
/** Everything needed to continue the archive: JSON, a few hundred bytes (one record per entry). */
export type ZipState = { offset: number; entries: ZipEntry[]; open: ZipEntry | null; modified: number };

const UINT32_MAX = 0xffffffff;
const UTF8_NAMES = 0x0800;
const DATA_DESCRIPTOR = 0x0008;
const DEFLATE_LEVEL = 6;
const encoder = new TextEncoder();

export const newZipState = (modified: number): ZipState => ({ offset: 0, entries: [], open: null, modified });

/** MS-DOS date and time (2-second resolution, local = UTC here), as ZIP headers carry them. */
function dosDateTime(ms: number): { time: number; date: number } {
  const d = new Date(ms);
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

const asBytes = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export class ZipStream {
  private readonly state: ZipState;

  /** `out` receives every byte of the archive in order; the chunks are never reused by the writer. */
  constructor(
    private readonly out: (chunk: Uint8Array) => void,
    state: ZipState,
  ) {
    this.state = structuredClone(state);
  }

  get bytesWritten(): number {
    return this.state.offset;
  }

  /** A small entry written whole and stored uncompressed (static workbook parts). */
  addStored(name: string, data: Uint8Array): void {
    if (this.state.open) throw new Error(`zip: ${this.state.open.name} is still open`);
    const entry: ZipEntry = { name, method: 0, crc: crc32(0, data), compressedSize: data.length, size: data.length, offset: this.state.offset, descriptor: false };
    this.emit(this.localHeader(entry));
    this.emit(data);
    this.state.entries.push(entry);
  }

  /** Opens a deflated entry whose size is not known yet. */
  begin(name: string): void {
    if (this.state.open) throw new Error(`zip: ${this.state.open.name} is still open`);
    const entry: ZipEntry = { name, method: 8, crc: 0, compressedSize: 0, size: 0, offset: this.state.offset, descriptor: true };
    this.emit(this.localHeader(entry));
    this.state.open = entry;
  }

  /** One DEFLATE segment per call: callers write a page at a time, so the per-segment cost (~5 bytes) stays small. */
  write(data: Uint8Array): void {
    const open = this.requireOpen();
    if (data.length === 0) return;
    open.crc = crc32(open.crc, data);
    open.size += data.length;
    if (open.size > UINT32_MAX) throw new ExportFailure("file_too_large", "An XLSX sheet would exceed 4 GiB uncompressed (ZIP without ZIP64)");
    this.emitCompressed(open, deflateRawSync(data, { level: DEFLATE_LEVEL, finishFlush: constants.Z_SYNC_FLUSH }));
  }

  /** Closes the open entry: an empty final DEFLATE block, then the data descriptor with CRC and sizes. */
  end(): void {
    const open = this.requireOpen();
    this.emitCompressed(open, deflateRawSync(new Uint8Array(0), { level: DEFLATE_LEVEL }));
    const d = new DataView(new ArrayBuffer(16));
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(4, open.crc, true);
    d.setUint32(8, open.compressedSize, true);
    d.setUint32(12, open.size, true);
    this.emit(new Uint8Array(d.buffer));
    this.state.entries.push(open);
    this.state.open = null;
  }

  /** The state to continue from in another invocation (every write is already flushed to a byte boundary). */
  suspend(): ZipState {
    return structuredClone(this.state);
  }

  /** The central directory and its end record; the archive is complete after this. */
  finish(): void {
    if (this.state.open) throw new Error(`zip: ${this.state.open.name} is still open`);
    if (this.state.entries.length > 0xffff) throw new ExportFailure("file_too_large", "Too many ZIP entries");
    const start = this.state.offset;
    for (const e of this.state.entries) this.emit(this.centralHeader(e));
    const size = this.state.offset - start;
    const d = new DataView(new ArrayBuffer(22));
    d.setUint32(0, 0x06054b50, true);
    d.setUint16(8, this.state.entries.length, true);
    d.setUint16(10, this.state.entries.length, true);
    d.setUint32(12, size, true);
    d.setUint32(16, start, true);
    this.emit(new Uint8Array(d.buffer));
  }

  private emitCompressed(open: ZipEntry, compressed: Uint8Array): void {
    open.compressedSize += compressed.byteLength;
    this.emit(asBytes(compressed));
  }

  private requireOpen(): ZipEntry {
    if (!this.state.open) throw new Error("zip: no entry is open");
    return this.state.open;
  }

  private emit(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.state.offset += chunk.length;
    // The end record addresses the central directory with 32 bits; past that a reader cannot find it.
    if (this.state.offset > UINT32_MAX) throw new ExportFailure("file_too_large", "The XLSX file would exceed 4 GiB (ZIP without ZIP64)");
    this.out(chunk);
  }

  private localHeader(e: ZipEntry): Uint8Array {
    const name = encoder.encode(e.name);
    const { time, date } = dosDateTime(this.state.modified);
    const d = new DataView(new ArrayBuffer(30 + name.length));
    d.setUint32(0, 0x04034b50, true);
    d.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    d.setUint16(6, UTF8_NAMES | (e.descriptor ? DATA_DESCRIPTOR : 0), true);
    d.setUint16(8, e.method, true);
    d.setUint16(10, time, true);
    d.setUint16(12, date, true);
    // With a data descriptor, CRC and sizes are zero here and follow the data.
    d.setUint32(14, e.descriptor ? 0 : e.crc, true);
    d.setUint32(18, e.descriptor ? 0 : e.compressedSize, true);
    d.setUint32(22, e.descriptor ? 0 : e.size, true);
    d.setUint16(26, name.length, true);
    new Uint8Array(d.buffer).set(name, 30);
    return new Uint8Array(d.buffer);
  }

  private centralHeader(e: ZipEntry): Uint8Array {
    const name = encoder.encode(e.name);
    const { time, date } = dosDateTime(this.state.modified);
    const d = new DataView(new ArrayBuffer(46 + name.length));
    d.setUint32(0, 0x02014b50, true);
    d.setUint16(4, 20, true); // made by: MS-DOS, 2.0
    d.setUint16(6, 20, true);
    d.setUint16(8, UTF8_NAMES | (e.descriptor ? DATA_DESCRIPTOR : 0), true);
    d.setUint16(10, e.method, true);
    d.setUint16(12, time, true);
    d.setUint16(14, date, true);
    d.setUint32(16, e.crc, true);
    d.setUint32(20, e.compressedSize, true);
    d.setUint32(24, e.size, true);
    d.setUint16(28, name.length, true);
    d.setUint32(42, e.offset, true);
    new Uint8Array(d.buffer).set(name, 46);
    return new Uint8Array(d.buffer);
  }
}
