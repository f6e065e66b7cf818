/**
 * Reading an MLflow request: GET parameters come from the query string (repeated keys are
 * lists), other methods from the JSON body. Missing and mistyped fields get MLflow's messages.
 */
import type { FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.ts';
import type { ViewType } from '../store/experiments.ts';

const DOCS = ' See the API docs for more information about request parameters.';

function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'dict';
}

export const missing = (path: string) => invalidParameter(`Missing value for required parameter '${path}'.${DOCS}`);
export const mistyped = (path: string, v: unknown) =>
  invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${path}' supplied. Hint: Value was of type '${pyType(v)}'.${DOCS}`);

const DOUBLE_WORDS = new Map<string, number>([
  ['NaN', NaN],
  ['nan', NaN],
  ['Infinity', Infinity],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['-inf', -Infinity],
]);
const VIEW_TYPE_NUMBERS = new Map<string, ViewType>([
  ['1', 'ACTIVE_ONLY'],
  ['2', 'DELETED_ONLY'],
  ['3', 'ALL'],
]);

/** A double as protobuf JSON allows it (metric values may be NaN or infinite, as in MLflow): a number, a numeric string, or NaN/Infinity spelled out. */
export function toDouble(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (DOUBLE_WORDS.has(v)) return DOUBLE_WORDS.get(v);
    if (v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

/** An integer exactly representable as a double (|n| < 2^53); anything larger is refused, not rounded. */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,16}$/.test(v.trim()) && Number.isSafeInteger(Number(v.trim()))) return Number(v.trim());
  return undefined;
}

export class Params {
  constructor(
    private readonly src: Record<string, unknown>,
    private readonly fromQuery: boolean,
  ) {}

  static of(req: FastifyRequest): Params {
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (req.method === 'GET') return new Params(query, true);
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    return new Params({ ...query, ...body }, false);
  }

  raw(name: string): unknown {
    const v = Object.hasOwn(this.src, name) ? this.src[name] : undefined;
    return this.fromQuery && Array.isArray(v) ? v[0] : v;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined && this.raw(name) !== null;
  }

  string(name: string, required = false): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || (required && v === '')) {
      if (required) throw missing(name);
      return undefined;
    }
    if (typeof v !== 'string') throw mistyped(name, v);
    return v;
  }

  need(name: string): string {
    return this.string(name, true)!;
  }

  /** run_id, or the deprecated run_uuid. */
  runId(): string {
    return this.string('run_id') || this.string('run_uuid') || this.need('run_id');
  }

  int(name: string, required = false): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') {
      if (required) throw missing(name);
      return undefined;
    }
    const n = toInt(v);
    if (n === undefined) throw mistyped(name, v);
    return n;
  }

  double(name: string, required = false): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') {
      if (required) throw missing(name);
      return undefined;
    }
    const n = toDouble(v);
    if (n === undefined) throw mistyped(name, v);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw mistyped(name, v);
  }

  list(name: string): unknown[] {
    const v = Object.hasOwn(this.src, name) ? this.src[name] : undefined;
    if (v === undefined || v === null) return [];
    if (this.fromQuery) return Array.isArray(v) ? v : [v];
    if (!Array.isArray(v)) throw mistyped(name, v);
    return v;
  }

  strings(name: string): string[] {
    const list = this.list(name);
    if (list.some((x) => typeof x !== 'string')) throw mistyped(name, list);
    return list as string[];
  }

  /** `[{key, value}]` lists (tags, params); every entry needs a key. */
  keyValues(name: string): { key: string; value: string }[] {
    return this.list(name).map((e, i) => {
      if (!e || typeof e !== 'object') throw mistyped(`${name}[${i}]`, e);
      const { key, value } = e as { key?: unknown; value?: unknown };
      if (key === undefined || key === null || key === '') throw missing(`${name}[${i}].key`);
      if (typeof key !== 'string') throw mistyped(`${name}[${i}].key`, key);
      if (value !== undefined && value !== null && typeof value !== 'string') throw mistyped(`${name}[${i}].value`, value);
      return { key, value: (value as string | undefined) ?? '' };
    });
  }

  viewType(name: string): ViewType {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') return 'ACTIVE_ONLY';
    const s = String(v).toUpperCase();
    if (s === 'ACTIVE_ONLY' || s === 'DELETED_ONLY' || s === 'ALL') return s;
    const byNumber = VIEW_TYPE_NUMBERS.get(s);
    if (byNumber) return byNumber;
    throw mistyped(name, v);
  }
}
