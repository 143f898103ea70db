// Stage results are part of the wire contract (decodeMessage returns one): declared in schemas.
export { type Stage, type StageResult, deadLetter, drop, ok } from '@runlens/schemas';
