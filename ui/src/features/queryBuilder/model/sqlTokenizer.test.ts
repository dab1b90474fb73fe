import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from './sqlTokenizer';

const significant = (sql: string): [string, string][] =>
  tokenize(sql)
    .filter((t) => t.type !== 'whitespace')
    .map((t: Token) => [t.type, t.text]);

describe('tokenize', () => {
  it('classifies keywords, identifiers, strings, numbers and operators', () => {
    expect(significant(`SELECT "u"."id", COUNT(*) AS n FROM User u WHERE u.age >= 18 AND name LIKE 'a%' LIMIT 20`)).toEqual([
      ['keyword', 'SELECT'],
      ['identifier', '"u"'],
      ['punctuation', '.'],
      ['identifier', '"id"'],
      ['punctuation', ','],
      ['function', 'COUNT'],
      ['punctuation', '('],
      ['operator', '*'],
      ['punctuation', ')'],
      ['keyword', 'AS'],
      ['identifier', 'n'],
      ['keyword', 'FROM'],
      ['identifier', 'User'],
      ['identifier', 'u'],
      ['keyword', 'WHERE'],
      ['identifier', 'u'],
      ['punctuation', '.'],
      ['identifier', 'age'],
      ['operator', '>='],
      ['number', '18'],
      ['keyword', 'AND'],
      ['identifier', 'name'],
      ['keyword', 'LIKE'],
      ['string', "'a%'"],
      ['keyword', 'LIMIT'],
      ['number', '20'],
    ]);
  });

  it('reads escaped quotes, backticks, comments, decimals and parameters', () => {
    expect(significant("`order` -- note\n'it''s' /* block */ 3.14 1e5 ? $1 <> 'a\\'b'")).toEqual([
      ['identifier', '`order`'],
      ['comment', '-- note'],
      ['string', "'it''s'"],
      ['comment', '/* block */'],
      ['number', '3.14'],
      ['number', '1e5'],
      ['parameter', '?'],
      ['parameter', '$1'],
      ['operator', '<>'],
      ['string', "'a\\'b'"],
    ]);
  });

  it('does not take a column named like a function for a call', () => {
    expect(significant('SELECT count FROM t')[1]).toEqual(['identifier', 'count']);
  });

  it('is lossless, even for unterminated input', () => {
    for (const sql of ["SELECT 'open", 'a /* never closed', 'x "half', 'ünïcode = 1;\n\t', '']) {
      expect(tokenize(sql).map((t) => t.text).join('')).toBe(sql);
    }
    expect(tokenize("SELECT 'open").at(-1)).toEqual({ type: 'string', text: "'open" });
  });
});
