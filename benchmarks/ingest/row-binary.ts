/** RowBinary encoding driven by DESCRIBE TABLE types (enough for the catalog's column types). */
type Put = (w: Writer, v: unknown) => void;

class Writer {
  buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  varuint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }
}

const scalar: Record<string, Put> = {
  UInt8: (w, v) => { w.ensure(1); w.buf.writeUInt8(Number(v), w.pos); w.pos += 1; },
  Int32: (w, v) => { w.ensure(4); w.buf.writeInt32LE(Number(v), w.pos); w.pos += 4; },
  UInt32: (w, v) => { w.ensure(4); w.buf.writeUInt32LE(Number(v), w.pos); w.pos += 4; },
  UInt64: (w, v) => { w.ensure(8); w.buf.writeBigUInt64LE(BigInt(Math.trunc(Number(v))), w.pos); w.pos += 8; },
  Float64: (w, v) => { w.ensure(8); w.buf.writeDoubleLE(Number(v), w.pos); w.pos += 8; },
  String: (w, v) => {
    const s = String(v ?? '');
    const n = Buffer.byteLength(s);
    w.varuint(n);
    w.ensure(n);
    w.pos += w.buf.write(s, w.pos);
  },
};

function putter(type: string): Put {
  const inner = /^(LowCardinality|Nullable)\((.*)\)$/.exec(type);
  if (inner?.[1] === 'LowCardinality') return putter(inner[2] ?? '');
  if (inner?.[1] === 'Nullable') {
    const put = putter(inner[2] ?? '');
    return (w, v) => {
      w.ensure(1);
      w.buf[w.pos++] = v === null || v === undefined ? 1 : 0;
      if (v !== null && v !== undefined) put(w, v);
    };
  }
  const put = scalar[type];
  if (!put) throw new Error(`row-binary: unsupported type ${type}`);
  return put;
}

/** An encoder for rows (objects keyed by column name) into RowBinary for these columns. */
export function rowBinaryEncoder(columns: readonly { name: string; type: string }[]): (rows: readonly object[]) => Buffer {
  const puts = columns.map((c) => ({ name: c.name, put: putter(c.type) }));
  return (rows) => {
    const w = new Writer();
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      for (const { name, put } of puts) put(w, r[name]);
    }
    return w.buf.subarray(0, w.pos);
  };
}
