import { DataError, RetryableError } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { classifyClickHouseError, storeFailureReason } from './classify.ts';

/** Errors shaped as chDB 3.4 raises them (messages captured from real failures unless noted). */
const chdb = (code: number, message: string): Error => Object.assign(new Error(message), { code: 'CHDB_QUERY', clickhouseCode: code });
/** The server client (@clickhouse/client) puts the numeric code, as a string, in `code`. */
const server = (code: number, message: string): Error => Object.assign(new Error(message), { code: String(code) });
/** A Node fs/net error, as writeFileSync or a socket raises it. */
const sys = (code: string, message: string): Error => Object.assign(new Error(message), { code });

const classify = (e: unknown): Error => classifyClickHouseError(e, 'insert node_samples');

describe('ClickHouse error classification: only known bad data dead-letters', () => {
  it.each([
    ['parse', chdb(72, 'Code: 72. DB::Exception: Cannot read floating point value here: x: Cannot parse Float64 from String. (CANNOT_PARSE_NUMBER)')],
    ['parse (server)', server(27, 'Cannot parse input: expected , before: x')],
    ['type mismatch (text only)', new Error('Code: 53. Type mismatch')],
    ['shape', chdb(20, "Code: 20. DB::Exception: Number of columns doesn't match (source: 3 and result: 2). (NUMBER_OF_COLUMNS_DOESNT_MATCH)")],
    ['null in non-nullable', chdb(349, 'Code: 349. DB::Exception: Cannot convert NULL value to non-Nullable type. (CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN)')],
    ['incorrect data', chdb(117, 'Code: 117. DB::Exception: Incorrect data. (INCORRECT_DATA)')],
  ])('%s is bad data, with its code', (_, e) => {
    const c = classify(e);
    expect(c).toBeInstanceOf(DataError);
    expect((c as DataError).code).toMatch(/^clickhouse_\d+$/);
  });

  it.each([
    ['disk_full', chdb(243, 'Code: 243. DB::Exception: Cannot reserve 1.00 MiB, not enough space. (NOT_ENOUGH_SPACE)')], // captured on a full tmpfs
    ['disk_full', sys('ENOSPC', 'ENOSPC: no space left on device, write')], // the spill file on a full tmpfs
    ['disk_full', chdb(75, 'Code: 75. DB::Exception: Cannot write to file /d/tmp_insert/data.bin, errno: 28, strerror: No space left on device. (CANNOT_WRITE_TO_FILE_DESCRIPTOR)')],
    ['disk_full', sys('EDQUOT', 'EDQUOT: disk quota exceeded, write')],
    ['read_only', sys('EROFS', 'EROFS: read-only file system, open')],
    ['read_only', chdb(76, 'Code: 76. DB::Exception: Cannot open file /d/store/x, errno: 30, strerror: Read-only file system. (CANNOT_OPEN_FILE)')],
    ['read_only', server(242, 'Table is in readonly mode')],
    ['permission_denied', sys('EACCES', "EACCES: permission denied, open '/d/spill/1.arrows'")],
    ['permission_denied', chdb(76, 'Code: 76. DB::Exception: Cannot open file /d/x, errno: 13, strerror: Permission denied. (CANNOT_OPEN_FILE)')],
    ['permission_denied', server(516, 'default: Authentication failed: password is incorrect')],
    ['io_error', chdb(74, 'Code: 74. DB::Exception: Cannot read from file 7, errno: 5, strerror: Input/output error. (CANNOT_READ_FROM_FILE_DESCRIPTOR)')],
    ['io_error', chdb(107, "Code: 107. DB::Exception: File /nonexistent/x.arrows doesn't exist. (FILE_DOESNT_EXIST)")],
    ['unreachable', sys('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8123')],
    ['unreachable', new Error('socket hang up')],
    ['overloaded', server(241, 'Memory limit exceeded')],
    ['overloaded', server(252, 'Too many parts (300). Merges are processing significantly slower than inserts')],
    ['schema_pending', chdb(60, 'Code: 60. DB::Exception: Table a.b does not exist. (UNKNOWN_TABLE)')],
    ['schema_pending', chdb(16, 'Code: 16. DB::Exception: No such column zz in table default.t. (NO_SUCH_COLUMN_IN_TABLE)')],
    ['unknown', chdb(62, 'Code: 62. DB::Exception: Syntax error: failed at position 1. (SYNTAX_ERROR)')],
    ['unknown', chdb(1001, 'Code: 1001. DB::Exception: std::exception. (STD_EXCEPTION)')],
    ['unknown', new Error('something nobody has seen before')],
  ])('%s is retried, never dead-lettered: %s', (reason, e) => {
    const c = classify(e);
    expect(c).toBeInstanceOf(RetryableError);
    expect(storeFailureReason(c)).toBe(reason);
    expect(storeFailureReason(e)).toBe(reason);
  });

  it('a bad-data code whose message says the disk failed is retried', () => {
    const e = chdb(27, 'Code: 27. DB::Exception: Cannot parse input: errno: 28, strerror: No space left on device. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)');
    expect(classify(e)).toBeInstanceOf(RetryableError);
  });

  it('reads the code through a wrapped cause, and leaves classified errors alone', () => {
    const wrapped = new RetryableError('chdb: insert failed', chdb(243, 'Code: 243. not enough space'));
    expect(storeFailureReason(wrapped)).toBe('disk_full');
    expect(classify(wrapped)).toBe(wrapped);
    const data = new DataError('store_refused', 'x');
    expect(classify(data)).toBe(data);
  });
});
