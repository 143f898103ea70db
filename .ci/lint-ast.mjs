// House rules that need the syntax tree: short functions, SQL only in its homes, and no second
// declaration of a catalog row shape. Uses the TypeScript parser (no type checking: fast).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export const MAX_FUNCTION_LINES = 60;
/** Where SQL text may live: the read module (repositories), the DDL and the stores. */
const SQL_HOMES = ['schemas/src/repositories/', 'schemas/src/ddl.ts', 'pipeline/src/store/'];
const SQL = /\b(SELECT\s[\s\S]*\bFROM|INSERT\s+INTO|ALTER\s+TABLE|CREATE\s+(TABLE|DATABASE|MATERIALIZED)|DROP\s+(TABLE|DATABASE)|OPTIMIZE\s+TABLE|TRUNCATE\s+TABLE)\b/;
/** Where the catalog's row shapes are declared: the catalog itself (and the types derived from it). */
const SHAPE_HOMES = ['schemas/src/catalog/'];

function parse(path, text) {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

function walk(node, visit) {
  visit(node);
  ts.forEachChild(node, (c) => walk(c, visit));
}

const lineOf = (sf, pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;

function functionName(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

function longFunctions(path, sf) {
  const out = [];
  walk(sf, (node) => {
    if (!ts.isFunctionLike(node) || !('body' in node) || !node.body) return;
    const lines = lineOf(sf, node.getEnd()) - lineOf(sf, node.getStart(sf)) + 1;
    if (lines > MAX_FUNCTION_LINES) out.push(`${path}:${lineOf(sf, node.getStart(sf))}: function ${functionName(node)} has ${lines} lines (max ${MAX_FUNCTION_LINES})`);
  });
  return out;
}

function sqlOutsideHomes(path, sf) {
  if (SQL_HOMES.some((h) => path.startsWith(h))) return [];
  const out = [];
  walk(sf, (node) => {
    const text = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text
      : ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ') : null;
    if (text && SQL.test(text)) out.push(`${path}:${lineOf(sf, node.getStart(sf))}: SQL text outside the read module; add a named query to schemas/src/repositories/`);
  });
  return out;
}

/** Column names of every catalog table, read from the catalog's `columns: { … }` literals. */
export function catalogShapes(root) {
  const dir = join(root, 'schemas/src/catalog');
  const shapes = new Map();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const sf = parse(name, readFileSync(join(dir, name), 'utf8'));
    walk(sf, (node) => {
      if (!ts.isPropertyAssignment(node) || node.name.getText(sf) !== 'columns' || !ts.isObjectLiteralExpression(node.initializer)) return;
      const cols = node.initializer.properties.map((p) => p.name?.getText(sf)).filter(Boolean);
      if (cols.length > 0) shapes.set(name.replace(/\.ts$/, '').replaceAll('-', '_'), new Set(cols));
    });
  }
  return shapes;
}

/** An interface or object type that repeats most of a catalog table's columns, and little else. */
function repeatedRowShapes(path, sf, shapes) {
  if (SHAPE_HOMES.some((h) => path.startsWith(h))) return [];
  const out = [];
  walk(sf, (node) => {
    const members = ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node) ? node.members : null;
    if (!members || members.length < 6) return;
    const props = members.filter(ts.isPropertySignature).map((m) => m.name.getText(sf));
    for (const [table, cols] of shapes) {
      const shared = props.filter((p) => cols.has(p)).length;
      if (shared >= 6 && shared / props.length >= 0.9 && shared / cols.size >= 0.75) {
        out.push(`${path}:${lineOf(sf, node.getStart(sf))}: repeats ${shared} of the ${cols.size} columns of catalog table ${table}; use Row<'${table}'> (Pick/Omit) instead`);
      }
    }
  });
  return out;
}

/** Problems in one product source file (tests are exempt: they may count rows with SQL). */
export function checkAst(path, text, shapes) {
  if (/\.test\.tsx?$/.test(path) || path.startsWith('benchmarks/') || path.includes('/testing/')) return [];
  const sf = parse(path, text);
  return [...longFunctions(path, sf), ...sqlOutsideHomes(path, sf), ...repeatedRowShapes(path, sf, shapes)];
}
