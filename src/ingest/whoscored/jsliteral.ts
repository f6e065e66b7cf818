/**
 * A tolerant reader of JavaScript object literals, never `eval`. WhoScored pages assign data
 * in JS syntax rather than JSON: unquoted and numeric keys, single-quoted strings, elided array
 * elements (`[1,,3]`), trailing commas, comments. Values that are expressions rather than
 * literals (`(new Date(2020, 8, 12)).toString()`, `tables`) are kept as `{ $expr: "…" }` so the
 * rest of the object still reads. Large JSON-valid sub-values (the match-centre data) go
 * through JSON.parse for speed.
 */

export class JsLiteralError extends Error {
  override name = 'JsLiteralError';
  constructor(message: string, readonly position: number) {
    super(`${message} at offset ${position}`);
  }
}

export interface JsExpr {
  $expr: string;
}

export function isJsExpr(v: unknown): v is JsExpr {
  return typeof v === 'object' && v !== null && typeof (v as JsExpr).$expr === 'string' && Object.keys(v).length === 1;
}

const NUMBER_RE = /[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/y;
const IDENT_RE = /[A-Za-z_$][\w$]*/y;
const KEYWORDS: Record<string, unknown> = { true: true, false: false, null: null, undefined: null, NaN: null, Infinity: null };
/** Deepest nesting of arrays/objects (and brackets in expressions) read; deeper input is refused. */
export const MAX_DEPTH = 200;
/** Below this size a JSON.parse attempt is not worth the extra scan. */
const FAST_PATH_MIN = 256;

/** Index just past the bracketed value starting at `start` (`{` or `[` or `(`), skipping strings and comments. */
export function scanBalanced(src: string, start: number, outerDepth = 0): number {
  let depth = 0;
  const n = src.length;
  for (let i = start; i < n; i++) {
    const c = src.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96) {
      // " ' `
      i = skipString(src, i);
      continue;
    }
    if (c === 47 && i + 1 < n) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) {
        const e = src.indexOf('\n', i);
        i = e < 0 ? n : e;
        continue;
      }
      if (d === 42) {
        const e = src.indexOf('*/', i + 2);
        i = e < 0 ? n : e + 1;
        continue;
      }
    }
    if (c === 123 || c === 91 || c === 40) {
      if (++depth + outerDepth > MAX_DEPTH) throw depthError(i);
    } else if (c === 125 || c === 93 || c === 41) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new JsLiteralError('unterminated bracket', start);
}

function depthError(position: number): JsLiteralError {
  return new JsLiteralError(`nesting deeper than ${MAX_DEPTH} levels of arrays/objects`, position);
}

/** Index of the closing quote of the string starting at `start`. */
function skipString(src: string, start: number): number {
  const q = src.charCodeAt(start);
  for (let i = start + 1; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 92) i++;
    else if (c === q) return i;
  }
  throw new JsLiteralError('unterminated string', start);
}

class Reader {
  i: number;
  /** Arrays/objects currently open around the reading position. */
  depth = 0;
  constructor(readonly src: string, start: number) {
    this.i = start;
  }

  ws(): void {
    const s = this.src;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff || c === 0xa0) this.i++;
      else if (c === 47 && s.charCodeAt(this.i + 1) === 47) {
        const e = s.indexOf('\n', this.i);
        this.i = e < 0 ? s.length : e;
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 42) {
        const e = s.indexOf('*/', this.i + 2);
        if (e < 0) throw new JsLiteralError('unterminated comment', this.i);
        this.i = e + 2;
      } else return;
    }
  }

  value(): unknown {
    this.ws();
    const c = this.src[this.i];
    if (c === '{' || c === '[') {
      if (this.depth >= MAX_DEPTH) throw depthError(this.i);
      const fast = this.tryJson();
      if (fast.ok) return fast.value;
      this.depth++;
      const v = c === '{' ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === '"' || c === "'") return this.string();
    if (c === undefined) throw new JsLiteralError('unexpected end of input', this.i);
    NUMBER_RE.lastIndex = this.i;
    const num = NUMBER_RE.exec(this.src);
    if (num && /[-+\d.]/.test(c) && !this.continuesExpression(this.i + num[0].length)) {
      this.i += num[0].length;
      return Number(num[0].startsWith('+') ? num[0].slice(1) : num[0]);
    }
    IDENT_RE.lastIndex = this.i;
    const id = IDENT_RE.exec(this.src);
    if (id && Object.hasOwn(KEYWORDS, id[0]) && !this.continuesExpression(this.i + id[0].length)) {
      this.i += id[0].length;
      return KEYWORDS[id[0]];
    }
    return this.expression();
  }

  /** After a number/keyword, does an operator or call follow (so it is part of an expression)? */
  continuesExpression(at: number): boolean {
    let j = at;
    while (this.src[j] === ' ' || this.src[j] === '\t') j++;
    const c = this.src[j];
    return c !== undefined && !',}];\n\r'.includes(c);
  }

  /** Cheap look-ahead: could the container at `at` be plain JSON (first key/element double-quoted or bare)? */
  looksJson(at: number): boolean {
    const s = this.src;
    for (;;) {
      let j = at + 1;
      while (j < s.length && /\s/.test(s[j])) j++;
      const c = s[j];
      if (s[at] === '{') return c === '"' || c === '}';
      if (c !== '{' && c !== '[') return c !== "'" && c !== ',';
      at = j; // iterative: nesting depth is bounded by scanBalanced, not by the call stack
    }
  }

  tryJson(): { ok: true; value: unknown } | { ok: false } {
    if (!this.looksJson(this.i)) return { ok: false };
    const end = scanBalanced(this.src, this.i, this.depth);
    if (end - this.i < FAST_PATH_MIN) return { ok: false };
    try {
      const value: unknown = JSON.parse(this.src.slice(this.i, end));
      this.i = end;
      return { ok: true, value };
    } catch {
      return { ok: false };
    }
  }

  /** An expression we do not evaluate: keep its source text up to the next top-level separator. */
  expression(): JsExpr {
    const start = this.i;
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === ',' || c === '}' || c === ']' || c === ';') break;
      if (c === '(' || c === '[' || c === '{') this.i = scanBalanced(s, this.i, this.depth);
      else if (c === '"' || c === "'" || c === '`') this.i = skipString(s, this.i) + 1;
      else if (c === ')') throw new JsLiteralError('unbalanced ")"', this.i);
      else this.i++;
    }
    const text = s.slice(start, this.i).trim();
    if (!text) throw new JsLiteralError('expected a value', start);
    return { $expr: text };
  }

  string(): string {
    const s = this.src;
    const start = this.i + 1;
    const close = skipString(s, this.i);
    this.i = close + 1;
    const raw = s.slice(start, close);
    if (!raw.includes('\\')) return raw;
    return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g, (_m, e: string) => {
      switch (e[0]) {
        case 'n': return '\n';
        case 't': return '\t';
        case 'r': return e === '\r\n' ? '' : '\r';
        case 'b': return '\b';
        case 'f': return '\f';
        case 'v': return '\v';
        case '0': return '\0';
        case '\n': return '';
        case 'x': return String.fromCharCode(parseInt(e.slice(1), 16));
        case 'u': return String.fromCodePoint(parseInt(e[1] === '{' ? e.slice(2, -1) : e.slice(1), 16));
        default: return e;
      }
    });
  }

  key(): string {
    this.ws();
    const c = this.src[this.i];
    if (c === '"' || c === "'") return this.string();
    IDENT_RE.lastIndex = this.i;
    const id = IDENT_RE.exec(this.src);
    if (id) {
      this.i += id[0].length;
      return id[0];
    }
    NUMBER_RE.lastIndex = this.i;
    const num = NUMBER_RE.exec(this.src);
    if (num) {
      this.i += num[0].length;
      return String(Number(num[0]));
    }
    throw new JsLiteralError(`expected a property name, found "${c ?? 'end of input'}"`, this.i);
  }

  object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    for (;;) {
      this.ws();
      if (this.src[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.key();
      this.ws();
      if (this.src[this.i] !== ':') throw new JsLiteralError(`expected ":" after property "${k}"`, this.i);
      this.i++;
      out[k] = this.value();
      this.ws();
      const c = this.src[this.i];
      if (c === ',') this.i++;
      else if (c !== '}') throw new JsLiteralError(`expected "," or "}" after property "${k}"`, this.i);
    }
  }

  array(): unknown[] {
    const out: unknown[] = [];
    this.i++; // [
    for (;;) {
      this.ws();
      const c = this.src[this.i];
      if (c === ']') {
        this.i++;
        return out;
      }
      if (c === ',') {
        out.push(null); // elided element
        this.i++;
        continue;
      }
      out.push(this.value());
      this.ws();
      const d = this.src[this.i];
      if (d === ',') this.i++;
      else if (d !== ']') throw new JsLiteralError('expected "," or "]" in array', this.i);
    }
  }
}

/** Read one JS literal value starting at `start` (leading whitespace allowed). */
export function readJsValue(src: string, start = 0): { value: unknown; end: number } {
  const r = new Reader(src, start);
  const value = r.value();
  return { value, end: r.i };
}

/** Read a whole string as one JS literal (trailing `;` and whitespace allowed). */
export function parseJsLiteral(src: string): unknown {
  const r = new Reader(src, 0);
  const value = r.value();
  r.ws();
  if (r.src[r.i] === ';') r.i++;
  r.ws();
  if (r.i < src.length) throw new JsLiteralError('unexpected text after the value', r.i);
  return value;
}
