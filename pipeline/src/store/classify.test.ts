import { DataError, RetryableError } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { classifyClickHouseError } from './classify.ts';

describe('ClickHouse error classification', () => {
  it('retries outages and missing tables, never retries bad data', () => {
    const chdbMissing = Object.assign(new Error('Code: 60. DB::Exception: Table a.b does not exist. (UNKNOWN_TABLE)'), { code: 'CHDB_QUERY', clickhouseCode: 60 });
    expect(classifyClickHouseError(chdbMissing, 'insert')).toBeInstanceOf(RetryableError);
    expect(classifyClickHouseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), 'insert')).toBeInstanceOf(RetryableError);
    expect(classifyClickHouseError(Object.assign(new Error('Memory limit exceeded'), { code: '241' }), 'insert')).toBeInstanceOf(RetryableError);
    const parse = Object.assign(new Error('Code: 27. Cannot parse input'), { code: 'CHDB_QUERY', clickhouseCode: 27 });
    expect(classifyClickHouseError(parse, 'insert')).toBeInstanceOf(DataError);
    expect(classifyClickHouseError(new Error('Code: 53. Type mismatch'), 'insert')).toBeInstanceOf(DataError);
  });
});
