/**
 * The ClickHouse error codes that mean "this payload is bad", and nothing else. Codes and
 * names checked against chDB 3.4 (engine 26.7) with `errorCodeToName`; the 18.16 server
 * uses the same numbers. Anything not listed here is retried: a code we do not know must
 * never turn a store outage (a full disk, a read-only mount) into dead-lettered data.
 *
 * Left out on purpose, although they sometimes follow a bad payload:
 * - 3 UNEXPECTED_END_OF_FILE, 32 ATTEMPT_TO_READ_AFTER_EOF, 33 CANNOT_READ_ALL_DATA: a dropped
 *   connection or a short read from a failing disk raise them too (decode already checks
 *   that an Arrow payload is complete before the store sees it).
 * - 16 NO_SUCH_COLUMN_IN_TABLE, 60 UNKNOWN_TABLE, 81 UNKNOWN_DATABASE: the table is behind
 *   the catalog, not the data; a migration fixes it.
 * - 62 SYNTAX_ERROR, 50 UNKNOWN_TYPE, 73 UNKNOWN_FORMAT, 115 UNKNOWN_SETTING, 36, 48, 49:
 *   our SQL or a server too old for it. Retrying keeps the data and the alert names it.
 */
export const BAD_DATA_CODES: ReadonlyMap<number, string> = new Map([
  // The payload's text does not parse as the column's type.
  [6, 'CANNOT_PARSE_TEXT'], [25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'], [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'], [38, 'CANNOT_PARSE_DATE'], [41, 'CANNOT_PARSE_DATETIME'],
  [72, 'CANNOT_PARSE_NUMBER'], [130, 'CANNOT_READ_ARRAY_FROM_TEXT'], [376, 'CANNOT_PARSE_UUID'],
  [441, 'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING'], [467, 'CANNOT_PARSE_BOOL'], [563, 'CANNOT_READ_MAP_FROM_TEXT'],
  [632, 'UNEXPECTED_DATA_AFTER_PARSED_VALUE'], [675, 'CANNOT_PARSE_IPV4'], [676, 'CANNOT_PARSE_IPV6'],
  // A value that does not fit the column's type.
  [53, 'TYPE_MISMATCH'], [70, 'CANNOT_CONVERT_TYPE'], [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
  [349, 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN'], [386, 'NO_COMMON_TYPE'],
  // The payload's shape: columns missing, duplicated or of unequal length.
  [7, 'INCORRECT_NUMBER_OF_COLUMNS'], [8, 'THERE_IS_NO_COLUMN'], [9, 'SIZES_OF_COLUMNS_DOESNT_MATCH'],
  [10, 'NOT_FOUND_COLUMN_IN_BLOCK'], [13, 'SIZES_OF_COLUMNS_IN_TUPLE_DOESNT_MATCH'], [15, 'DUPLICATE_COLUMN'],
  [20, 'NUMBER_OF_COLUMNS_DOESNT_MATCH'], [190, 'SIZES_OF_ARRAYS_DONT_MATCH'], [366, 'SIZES_OF_NESTED_COLUMNS_ARE_INCONSISTENT'],
  // Values the format refuses outright.
  [117, 'INCORRECT_DATA'], [128, 'TOO_LARGE_ARRAY_SIZE'], [131, 'TOO_LARGE_STRING_SIZE'],
]);

/** Why the store cannot take writes now: a small fixed set, used as a metric label. */
export type StoreFailureReason =
  | 'disk_full' | 'read_only' | 'permission_denied' | 'io_error' | 'unreachable' | 'overloaded' | 'schema_pending' | 'unknown';

interface ReasonRule {
  readonly reason: StoreFailureReason;
  readonly codes: readonly number[];
  readonly errnos: readonly string[];
  readonly text: RegExp;
}

/** First match wins: a write that fails with "errno 28" inside code 75 is a full disk, not an IO error. */
export const REASON_RULES: readonly ReasonRule[] = [
  { reason: 'disk_full', codes: [243], errnos: ['ENOSPC', 'EDQUOT'], text: /no space left|not enough space|disk quota exceeded|errno: 28\b/i },
  { reason: 'read_only', codes: [164, 242, 774], errnos: ['EROFS'], text: /read-only file system|errno: 30\b/i },
  {
    reason: 'permission_denied', codes: [192, 194, 291, 481, 497, 516], errnos: ['EACCES', 'EPERM'],
    text: /permission denied|operation not permitted|access denied|errno: (1|13)\b/i,
  },
  {
    reason: 'io_error', codes: [23, 24, 74, 75, 76, 77, 87, 88, 107, 172, 204, 214, 294, 363, 400, 424, 458, 586],
    errnos: ['EIO', 'EMFILE', 'ENFILE', 'EBADF'], text: /input\/output error|cannot (write|open|read|create|fsync)/i,
  },
  {
    reason: 'unreachable', codes: [95, 96, 209, 210], errnos: ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'],
    text: /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|ENOTFOUND|EHOSTUNREACH|other side closed/i,
  },
  { reason: 'overloaded', codes: [159, 173, 202, 241, 252, 319, 364, 425, 777, 778], errnos: ['ENOMEM'], text: /timeout|memory limit/i },
  { reason: 'schema_pending', codes: [16, 60, 81], errnos: [], text: /UNKNOWN_TABLE|UNKNOWN_DATABASE|NO_SUCH_COLUMN_IN_TABLE/ },
];
