// A small SQL tokenizer for highlighting: keywords, identifiers (plain and quoted), strings,
// numbers, comments, operators, punctuation and whitespace. Lossless: the tokens' texts joined
// give back the input, whatever it holds (an unterminated string or comment runs to the end).

export type TokenType =
  | 'keyword'
  | 'function'
  | 'identifier'
  | 'string'
  | 'number'
  | 'comment'
  | 'operator'
  | 'punctuation'
  | 'parameter'
  | 'whitespace';

export interface Token {
  type: TokenType;
  text: string;
}

export const KEYWORDS = new Set(
  (
    'select from where and or not in is null like between as on join inner left right full outer cross ' +
    'group by order having limit offset asc desc distinct union all exists case when then else end ' +
    'insert into values update set delete create index table view unique primary key foreign references ' +
    'escape true false with returning using natural ilike similar to interval cast collate over partition'
  ).split(' '),
);

export const FUNCTIONS = new Set(
  'count sum avg min max coalesce lower upper length substr substring round abs now date cast concat'.split(' '),
);

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Reads up to the closing quote, where a doubled quote stands for itself. */
function quoted(sql: string, start: number, close: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (sql[i + 1] === close) i += 2;
      else return i + 1;
    } else if (close === "'" && sql[i] === '\\' && i + 1 < sql.length) {
      // MySQL-style backslash escapes inside strings.
      i += 2;
    } else i += 1;
  }
  return sql.length;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, end: number) => {
    tokens.push({ type, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql.charAt(i);
    const next = sql.charAt(i + 1);
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql.charAt(j))) j++;
      push('whitespace', j);
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl === -1 ? sql.length : nl);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      push('comment', close === -1 ? sql.length : close + 2);
    } else if (c === "'") {
      push('string', quoted(sql, i, "'"));
    } else if ((c === 'E' || c === 'e' || c === 'N' || c === 'n') && next === "'") {
      push('string', quoted(sql, i + 1, "'"));
    } else if (c === '"' || c === '`') {
      push('identifier', quoted(sql, i, c));
    } else if (c === '[') {
      const close = sql.indexOf(']', i);
      push('identifier', close === -1 ? sql.length : close + 1);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(sql.slice(i));
      push('number', i + (m ? m[0].length : 1));
    } else if (c === '?' || (c === '$' && /[0-9]/.test(next)) || (c === ':' && IDENT_START.test(next))) {
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql.charAt(j))) j++;
      push('parameter', j);
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql.charAt(j))) j++;
      const word = sql.slice(i, j).toLowerCase();
      let k = j;
      while (k < sql.length && sql.charAt(k) === ' ') k++;
      const type: TokenType = FUNCTIONS.has(word) && sql.charAt(k) === '(' ? 'function' : KEYWORDS.has(word) ? 'keyword' : 'identifier';
      push(type, j);
    } else if ('(),;.'.includes(c)) {
      push('punctuation', i + 1);
    } else {
      const two = sql.slice(i, i + 2);
      push('operator', i + (['<>', '<=', '>=', '!=', '||', '::'].includes(two) ? 2 : 1));
    }
  }
  return tokens;
}
