import { DataError } from '@runlens/schemas';
import type { QueryParam } from '../types.ts';

/**
 * Client-side binding of `{name:Type}` placeholders for servers without query parameters
 * (ClickHouse < 19.11). Every value becomes a typed literal: strings are quoted with
 * ClickHouse's escaping, numbers must be finite (integers for Int/UInt), arrays recurse.
 * Anything else is refused, so no value can change the shape of the query.
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

export function quoteString(s: string): string {
  let out = "'";
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\0') out += '\\0';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return `${out}'`;
}

function literal(value: QueryParam, type: string, name: string): string {
  const t = type.trim();
  const inner = /^(?:Nullable|LowCardinality)\((.+)\)$/.exec(t)?.[1];
  if (inner) return literal(value, inner, name);
  const arr = /^Array\((.+)\)$/.exec(t)?.[1];
  if (arr) {
    if (!Array.isArray(value)) throw new DataError('bad_param', `${name}: expected an array for ${t}`);
    return `[${(value as readonly (string | number)[]).map((v) => literal(v, arr, name)).join(', ')}]`;
  }
  if (t === 'String' || t === 'UUID') {
    if (typeof value !== 'string') throw new DataError('bad_param', `${name}: expected a string for ${t}`);
    return quoteString(value);
  }
  if (t === 'Bool') {
    if (typeof value !== 'boolean') throw new DataError('bad_param', `${name}: expected a boolean`);
    return value ? '1' : '0';
  }
  if (/^U?Int(8|16|32|64)$/.test(t)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new DataError('bad_param', `${name}: expected an integer for ${t}`);
    if (t.startsWith('U') && value < 0) throw new DataError('bad_param', `${name}: negative value for ${t}`);
    return String(value);
  }
  if (/^Float(32|64)$/.test(t)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new DataError('bad_param', `${name}: expected a finite number`);
    return `toFloat64(${String(value)})`;
  }
  throw new DataError('bad_param', `${name}: type ${t} is not supported by the binder`);
}

export function bindParams(sql: string, params: Readonly<Record<string, QueryParam>>): string {
  return sql.replace(PLACEHOLDER, (_m, name: string, type: string) => {
    if (!Object.hasOwn(params, name)) throw new DataError('missing_param', `query parameter ${name} is not given`);
    return literal(params[name] as QueryParam, type, name);
  });
}
