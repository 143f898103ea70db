import { type Data, DataType, type Field, RecordBatch, Schema, Struct, Table, makeData, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { TableName } from '../catalog/index.ts';
import { arrowFields } from '../arrow.ts';

/**
 * A hostile message for `table`: catalog-shaped, a few hundred bytes, whose metadata claims
 * `claimedRows` rows while its buffers hold two. apache-arrow writes such Data as it is,
 * which is how an attacker's producer would send it.
 */
export function lyingBatch(table: TableName, claimedRows: number): Uint8Array {
  const fields = arrowFields(table);
  const children = fields.map((f) => shortData(f, claimedRows));
  const data = makeData({ type: new Struct(fields), length: claimedRows, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(new Schema(fields), data)]), 'stream');
}

function shortData(f: Field, length: number): Data {
  const honest = vectorFromArray(DataType.isList(f.type) ? [[], []] : DataType.isUtf8(f.type) ? ['a', 'b'] : [1, 2], f.type).data[0];
  if (!honest) throw new Error(`no data for ${f.name}`);
  return honest.clone(f.type, 0, length, 0);
}
