import { describe, expect, it } from 'vitest';
import { buildRsql, constraintOf, isComplete, operatorsFor, quoteValue, splitList } from './rsql';

describe('quoteValue', () => {
  it('leaves plain values unquoted', () => {
    expect(quoteValue('ENABLED')).toBe('ENABLED');
    expect(quoteValue('42')).toBe('42');
    expect(quoteValue('2024-01-01')).toBe('2024-01-01');
    expect(quoteValue('a.b_c*')).toBe('a.b_c*');
  });

  it.each([
    ['two words', '"two words"'],
    ['', '""'],
    ["it's", `"it's"`],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\b c', '"a\\\\b c"'],
    ['a;b', '"a;b"'],
    ['a,b', '"a,b"'],
    ['x==y', '"x==y"'],
    ['(x)', '"(x)"'],
    ['<>!~', '"<>!~"'],
    ['tab\there', '"tab\there"'],
    ['and', '"and"'],
    ['or', '"or"'],
  ])('quotes %j as %s', (value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });
});

describe('constraintOf', () => {
  it('writes single-valued operators', () => {
    expect(constraintOf({ field: 'name', op: '==', value: 'Kill Bill' })).toBe('name=="Kill Bill"');
    expect(constraintOf({ field: 'year', op: '=gt=', value: '2003' })).toBe('year=gt=2003');
    expect(constraintOf({ field: 'name', op: '=like=', value: 'a_' })).toBe('name=like=a_');
    expect(constraintOf({ field: 'a', op: '=cole=', value: 'b' })).toBe('a=cole=b');
  });

  it('writes lists in parentheses, quoting each item', () => {
    expect(constraintOf({ field: 'status', op: '=in=', value: ['ENABLED', 'PENDING'] })).toBe('status=in=(ENABLED,PENDING)');
    expect(constraintOf({ field: 'status', op: '=out=', value: 'a, b c ,d' })).toBe('status=out=(a,"b c",d)');
    expect(constraintOf({ field: 'flags', op: '=has=', value: ['1', '4'] })).toBe('flags=has=(1,4)');
    expect(constraintOf({ field: 'flags', op: '=hasntor=', value: '2' })).toBe('flags=hasntor=(2)');
  });

  it('writes null tests as booleans', () => {
    expect(constraintOf({ field: 'email', op: '=isnull=', value: 'true' })).toBe('email=isnull=true');
    expect(constraintOf({ field: 'email', op: '=notnull=', value: 'false' })).toBe('email=notnull=false');
    expect(constraintOf({ field: 'email', op: '=isnull=', value: '' })).toBe('email=isnull=true');
  });

  it('refuses unknown operators, empty lists and odd selectors', () => {
    expect(() => constraintOf({ field: 'a', op: '=regex=', value: 'x' })).toThrow();
    expect(() => constraintOf({ field: 'a', op: '=in=', value: [] })).toThrow();
    expect(() => constraintOf({ field: 'a;b', op: '==', value: '1' })).toThrow();
  });
});

describe('buildRsql', () => {
  const rows = [
    { field: 'name', op: '==', value: 'testName' },
    { field: 'status', op: '=in=', value: ['ENABLED', 'PENDING'] },
  ];

  it('joins with ; for AND and , for OR', () => {
    expect(buildRsql(rows, 'and')).toBe('name==testName;status=in=(ENABLED,PENDING)');
    expect(buildRsql(rows, 'or')).toBe('name==testName,status=in=(ENABLED,PENDING)');
  });

  it('skips incomplete rows and gives an empty filter for none', () => {
    expect(buildRsql([{ field: '', op: '==', value: 'x' }, { field: 'a', op: '=in=', value: [] }])).toBe('');
    expect(buildRsql([...rows.slice(0, 1), { field: 'age', op: '', value: '3' }])).toBe('name==testName');
  });

  it('keeps an empty single value as the empty string', () => {
    expect(isComplete({ field: 'name', op: '==', value: '' })).toBe(true);
    expect(buildRsql([{ field: 'name', op: '==', value: '' }])).toBe('name==""');
  });
});

describe('operatorsFor', () => {
  const ops = (t: string) => operatorsFor(t).map((o) => o.op);
  it('offers text matching for strings only and bit operators for integers only', () => {
    expect(ops('String')).toContain('=like=');
    expect(ops('String')).not.toContain('=has=');
    expect(ops('Long')).toContain('=hasor=');
    expect(ops('Long')).not.toContain('=starts=');
    expect(ops('Boolean')).toEqual(['==', '!=', '=in=', '=out=', '=isnull=', '=notnull=', '=cole=', '=colnot=']);
    expect(ops('Date')).toContain('=ge=');
  });
  it('splits typed lists', () => {
    expect(splitList(' a, ,b ')).toEqual(['a', 'b']);
  });
});
