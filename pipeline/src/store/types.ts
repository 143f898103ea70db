// The store contract lives in schemas (readers and the dashboard need it without pipeline).
export type { QueryParam, Store } from '@runlens/schemas';
