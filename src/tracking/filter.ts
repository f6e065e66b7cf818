/**
 * MLflow's search DSL: `metrics.rps < 0.2 and params.model = 'dc'` (AND-ed comparisons of an
 * entity key with a value) and `order_by` clauses such as `metrics.rps ASC`; plus MLflow's
 * page tokens (base64 of `{"offset": n}`). Pure; each search decides which keys it accepts.
 */
import { invalidParameter } from './errors.ts';

export type EntityType = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

const ENTITY_ALIASES = new Map<string, EntityType>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['parameter', 'parameter'],
  ['parameters', 'parameter'],
  ['param', 'parameter'],
  ['params', 'parameter'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);

/** The largest page offset a token may carry (a search never pages past this many rows). */
export const MAX_PAGE_OFFSET = 2_147_483_647;

export type FilterValue = { kind: 'string'; value: string } | { kind: 'number'; value: number; text: string } | { kind: 'list'; values: string[] };

export interface Comparison {
  type: EntityType;
  key: string;
  comparator: '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
  value: FilterValue;
}

type Tok =
  | { t: 'ident'; entity?: string; key: string; text: string }
  | { t: 'kw'; v: string }
  | { t: 'op'; v: string }
  | { t: 'str'; v: string; quote: "'" | '"' }
  | { t: 'num'; v: number; text: string }
  | { t: '(' | ')' | ',' };

const KEYWORDS = new Set(['AND', 'OR', 'LIKE', 'ILIKE', 'IN', 'NOT', 'IS', 'NULL', 'ASC', 'DESC']);

function readQuoted(s: string, i: number, q: string, what: string): [string, number] {
  let out = '';
  let j = i + 1;
  for (; j < s.length; j++) {
    const c = s[j]!;
    if (c === '\\' && j + 1 < s.length) {
      out += s[++j];
    } else if (c === q) {
      if (s[j + 1] === q) {
        out += q;
        j++;
      } else return [out, j + 1];
    } else out += c;
  }
  throw invalidParameter(`Invalid ${what} '${s}': unterminated quote ${q}`);
}

function tokenize(s: string, what: string): Tok[] {
  if (s.includes('\u0000')) throw invalidParameter(`Invalid ${what}: it contains a NUL byte (\\u0000).`);
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const [v, j] = readQuoted(s, i, c, what);
      toks.push({ t: 'str', v, quote: c });
      i = j;
    } else if (c === '`') {
      const [v, j] = readQuoted(s, i, c, what);
      toks.push({ t: 'ident', key: v, text: s.slice(i, j) });
      i = j;
    } else if (/[-+\d.]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.test(s.slice(i)) && !/[A-Za-z_]/.test(s[i - 1] ?? '')) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i))!;
      if (!Number.isFinite(Number(m[0]))) throw invalidParameter(`Invalid ${what} '${s}': the number ${m[0]} is not finite (out of the range of a double).`);
      toks.push({ t: 'num', v: Number(m[0]), text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w.]*/.exec(s.slice(i))!;
      const text = m[0];
      i += text.length;
      if (text.endsWith('.') && (s[i] === '`' || s[i] === '"' || s[i] === "'")) {
        const [key, j] = readQuoted(s, i, s[i]!, what);
        toks.push({ t: 'ident', entity: text.slice(0, -1), key, text: text + s.slice(i, j) });
        i = j;
        continue;
      }
      const dot = text.indexOf('.');
      if (dot < 0 && KEYWORDS.has(text.toUpperCase())) toks.push({ t: 'kw', v: text.toUpperCase() });
      else if (dot < 0) toks.push({ t: 'ident', key: text, text });
      else toks.push({ t: 'ident', entity: text.slice(0, dot), key: text.slice(dot + 1), text });
    } else if (c === '(' || c === ')' || c === ',') {
      toks.push({ t: c });
      i++;
    } else {
      const m = /^(>=|<=|!=|<>|==|=|>|<)/.exec(s.slice(i));
      if (!m) throw invalidParameter(`Invalid ${what} '${s}'. Could not be parsed: unexpected character '${c}'.`);
      toks.push({ t: 'op', v: m[0] === '<>' ? '!=' : m[0] === '==' ? '=' : m[0] });
      i += m[0].length;
    }
  }
  return toks;
}

function entityOf(tok: { entity?: string; text: string }): EntityType {
  if (tok.entity === undefined) return 'attribute';
  const e = ENTITY_ALIASES.get(tok.entity.replace(/^`|`$/g, ''));
  if (!e) {
    throw invalidParameter(`Invalid entity type '${tok.entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`);
  }
  return e;
}

/** Parse an MLflow filter string into AND-ed comparisons (empty filter → []). */
export function parseFilter(filter: string | undefined): Comparison[] {
  if (!filter || !filter.trim()) return [];
  const toks = tokenize(filter, 'filter');
  const out: Comparison[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw invalidParameter(`Invalid clause(s) in filter string: '${filter}'. ${why}`);
  };
  while (i < toks.length) {
    const id = toks[i++];
    if (!id || id.t !== 'ident') fail(`Expected an identifier such as metrics.rps or params.model at token ${i}.`);
    const ident = id as Extract<Tok, { t: 'ident' }>;
    const type = entityOf(ident);
    let comparator: Comparison['comparator'];
    const c = toks[i++];
    if (c?.t === 'op') comparator = c.v as Comparison['comparator'];
    else if (c?.t === 'kw' && (c.v === 'LIKE' || c.v === 'ILIKE' || c.v === 'IN')) comparator = c.v;
    else if (c?.t === 'kw' && c.v === 'NOT' && toks[i]?.t === 'kw' && (toks[i] as { v: string }).v === 'IN') {
      i++;
      comparator = 'NOT IN';
    } else return fail(`Expected a comparison operator after '${ident.text}'.`);
    const v = toks[i++];
    let value: FilterValue;
    if (v?.t === 'str') value = { kind: 'string', value: v.v };
    else if (v?.t === 'num') value = { kind: 'number', value: v.v, text: v.text };
    else if (v?.t === 'ident' && v.entity === undefined && comparator !== 'IN' && comparator !== 'NOT IN') {
      return fail(`Expected a quoted string or a number as the value of '${ident.text}', got ${v.text}.`);
    } else if (v?.t === '(') {
      const values: string[] = [];
      for (;;) {
        const item = toks[i++];
        if (item?.t !== 'str') return fail(`Expected quoted strings inside (...) after '${ident.text} ${comparator}'.`);
        values.push(item.v);
        const sep = toks[i++];
        if (sep?.t === ')') break;
        if (sep?.t !== ',') return fail(`Expected ',' or ')' in the list after '${ident.text} ${comparator}'.`);
      }
      value = { kind: 'list', values };
    } else return fail(`Expected a value after '${ident.text} ${comparator}'.`);
    if ((comparator === 'IN' || comparator === 'NOT IN') !== (value.kind === 'list')) {
      fail(`${comparator === 'IN' || comparator === 'NOT IN' ? `${comparator} needs a list of quoted strings` : 'a list needs IN or NOT IN'}.`);
    }
    out.push({ type, key: ident.key, comparator, value });
    if (i < toks.length) {
      const and = toks[i++];
      if (and?.t !== 'kw' || and.v !== 'AND') fail(`Only AND is supported between comparisons; found '${and && 'v' in and ? and.v : and?.t}'.`);
      if (i >= toks.length) fail('The filter ends with AND.');
    }
  }
  return out;
}

export interface OrderBy {
  type: EntityType;
  key: string;
  asc: boolean;
}

/** Parse one order_by clause: `metrics.rps`, `metrics.rps DESC`, ``params.`my key` ASC``, `start_time`. */
export function parseOrderBy(clause: string): OrderBy {
  const toks = tokenize(clause, 'order_by clause');
  const id = toks[0];
  const dir = toks[1];
  if (!id || id.t !== 'ident' || toks.length > 2 || (dir && !(dir.t === 'kw' && (dir.v === 'ASC' || dir.v === 'DESC')))) {
    throw invalidParameter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  }
  return { type: entityOf(id), key: id.key, asc: !dir || (dir as { v: string }).v === 'ASC' };
}

/** MLflow's page token: base64 of JSON `{"offset": n}`. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** The offset a page token carries; anything but base64 JSON `{"offset": 0..MAX_PAGE_OFFSET}` is INVALID_PARAMETER_VALUE naming page_token. */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  const shown = JSON.stringify(token.length > 100 ? `${token.slice(0, 100)}…` : token);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token) || token.length > 200) throw invalidParameter(`Invalid page token in parameter 'page_token' ${shown}: not a page token from a previous search (base64 expected).`);
  let parsed: unknown;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token in parameter 'page_token' ${shown}: its decoded value is not JSON.`);
  }
  const offset = parsed !== null && typeof parsed === 'object' && Object.hasOwn(parsed, 'offset') ? (parsed as { offset: unknown }).offset : undefined;
  if (offset === undefined || offset === null || offset === '') throw invalidParameter(`Invalid page token in parameter 'page_token' ${shown}: it carries no offset.`);
  const n = typeof offset === 'number' || (typeof offset === 'string' && /^\d{1,10}$/.test(offset)) ? Number(offset) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_OFFSET) {
    throw invalidParameter(`Invalid page token in parameter 'page_token' ${shown}: offset ${String(offset).slice(0, 40)} is not an integer from 0 to ${MAX_PAGE_OFFSET}.`);
  }
  return n;
}
