/**
 * A cursor over ClickHouse's binary formats (RowBinary, Native), written from the
 * format description and independent of the writers it checks. Numbers are little-endian.
 */
export class FormatReader {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  /** An unsigned LEB128 varint (string lengths, Native's column and row counts). */
  varint(): number {
    let n = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = this.buf[this.pos++] ?? 0;
      n += (b & 0x7f) * shift;
      if (b < 0x80) return n;
    }
  }

  /** A varint length, then that many UTF-8 bytes. */
  str(): string {
    const n = this.varint();
    this.pos += n;
    return this.buf.toString('utf8', this.pos - n, this.pos);
  }

  /** Where the next `n` bytes start; the cursor moves past them. */
  take(n: number): number {
    this.pos += n;
    return this.pos - n;
  }

  get done(): boolean { return this.pos >= this.buf.length; }
}
