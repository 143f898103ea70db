/**
 * A growable little-endian byte buffer: what ClickHouse's RowBinary and Native writers fill
 * (both formats are little-endian, like Arrow's buffers they copy from).
 */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(size = 64 * 1024) { this.buf = Buffer.allocUnsafe(Math.max(1024, size)); }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** The buffer being written (it changes when it grows: read it after `reserve`). */
  get buffer(): Buffer { return this.buf; }

  /** Room for `n` bytes, counted as written; returns where they start (the caller fills them through `buffer`). */
  reserve(n: number): number {
    this.room(n);
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): void { this.room(1); this.buf[this.length++] = v; }
  i32(v: number): void { this.room(4); this.buf.writeInt32LE(v, this.length); this.length += 4; }
  u32(v: number): void { this.room(4); this.buf.writeUInt32LE(v, this.length); this.length += 4; }
  f64(v: number): void { this.room(8); this.buf.writeDoubleLE(v, this.length); this.length += 8; }

  /** An unsigned 64-bit integer from a number (exact below 2^53; negatives as 0), without a BigInt. */
  u64(v: number): void {
    const x = Math.max(0, Math.trunc(v));
    this.room(8);
    this.buf.writeUInt32LE(x % 0x1_0000_0000, this.length);
    this.buf.writeUInt32LE(Math.floor(x / 0x1_0000_0000), this.length + 4);
    this.length += 8;
  }

  /** An unsigned integer of 1, 2 or 4 bytes (`width` 0, 1, 2: ClickHouse's index type codes). */
  uint(v: number, width: number): void {
    this.room(4);
    const b = this.buf;
    b[this.length++] = v & 0xff;
    if (width === 0) return;
    b[this.length++] = (v >>> 8) & 0xff;
    if (width === 1) return;
    b[this.length++] = (v >>> 16) & 0xff;
    b[this.length++] = v >>> 24;
  }

  varint(v: number): void {
    this.room(10);
    let x = v;
    while (x >= 0x80) { this.buf[this.length++] = (x & 0x7f) | 0x80; x = Math.floor(x / 128); }
    this.buf[this.length++] = x;
  }

  /** A string as its UTF-8 length (varint) and bytes. */
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.copy(b, 0, b.length);
  }

  fill(n: number, byte: number): void {
    this.room(n);
    this.buf.fill(byte, this.length, this.length + n);
    this.length += n;
  }

  raw(b: Uint8Array): void { this.copy(b, 0, b.length); }

  /** `n` bytes of `src` from `from`; short runs byte by byte (no view object per value). */
  copy(src: Uint8Array, from: number, n: number): void {
    this.room(n);
    const buf = this.buf;
    const at = this.length;
    if (n <= 16) for (let k = 0; k < n; k++) buf[at + k] = src[from + k] ?? 0;
    else buf.set(src.subarray(from, from + n), at);
    this.length += n;
  }

  /**
   * Strings `from`..`to` of an Arrow utf8 column (`offsets`, `data`: where its offsets and bytes
   * start in `src`), each as its varint length and bytes: room is made once, and the lengths and
   * short strings are written inline (no call per string).
   */
  utf8Run(src: Uint8Array, view: DataView, offsets: number, data: number, from: number, to: number): void {
    if (to <= from) return;
    let a = view.getInt32(offsets + from * 4, true);
    this.room(Math.max(0, view.getInt32(offsets + to * 4, true) - a) + (to - from) * 5);
    const buf = this.buf;
    let at = this.length;
    for (let k = from + 1; k <= to; k++) {
      const b = view.getInt32(offsets + k * 4, true);
      const n = b > a ? b - a : 0;
      let x = n;
      while (x >= 0x80) { buf[at++] = (x & 0x7f) | 0x80; x >>>= 7; }
      buf[at++] = x;
      if (n <= 16) for (let j = data + a, end = j + n; j < end; j++) buf[at++] = src[j] ?? 0;
      else { buf.set(src.subarray(data + a, data + b), at); at += n; }
      a = b;
    }
    this.length = at;
  }

  /** Overwrites what was written at `at`..: a null's value copied from Arrow becomes ClickHouse's default. */
  setF64(at: number, v: number): void { this.buf.writeDoubleLE(v, at); }
  setZero(from: number, to: number): void { this.buf.fill(0, from, to); }

  bytes(): Buffer { return this.buf.subarray(0, this.length); }
}
