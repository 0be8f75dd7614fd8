import { describe, expect, it } from 'vitest';
import { peopleFilter, personNameIn, searchWords } from '../../src/ui/people-picker.ts';

type Row = Record<string, unknown>;

/** Directus's meaning of the few operators the picker sends, to check which people a search offers. */
function matches(row: Row, filter: Row): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '_and') return (condition as Row[]).every((part) => matches(row, part));
    if (key === '_or') return (condition as Row[]).some((part) => matches(row, part));
    const value = row[key];
    const ops = condition as Row;
    return Object.entries(ops).every(([op, arg]) => {
      const text = typeof value === 'string' ? value.toLowerCase() : '';
      const needle = typeof arg === 'string' ? arg.toLowerCase() : '';
      switch (op) {
        case '_icontains': return text.includes(needle);
        case '_istarts_with': return text.startsWith(needle);
        case '_iends_with': return text.endsWith(needle);
        case '_nnull': return value !== null && value !== undefined;
        case '_nin': return !(arg as unknown[]).includes(value);
        default:
          // a relation: the condition applies to the related row
          return value !== null && typeof value === 'object' && matches(value as Row, { [op]: arg });
      }
    });
  });
}

const sales = { name_zh: '销售部', name_en: 'Sales' };
const PEOPLE: Row[] = [
  { id: 'chen', first_name: '静', last_name: '陈', email: 'chen.jing@example.com', status: 'active', cc_department: sales },
  { id: 'zhang', first_name: '伟', last_name: '张', email: 'zhang.wei@example.com', status: 'active', cc_department: sales },
  { id: 'ouyang', first_name: '娜娜', last_name: '欧阳', email: 'ouyang@example.com', status: 'active', cc_department: { name_zh: '技术部', name_en: 'Technology' } },
  { id: 'latin', first_name: 'Jing', last_name: 'Chen', email: 'jc@example.com', status: 'active', cc_department: sales },
  { id: 'gone', first_name: '静', last_name: '陈', email: 'old@example.com', status: 'archived', cc_department: sales },
  { id: 'admin', first_name: 'Admin', last_name: 'User', email: 'admin@example.com', status: 'active', cc_department: null },
  { id: 'config', first_name: 'Concord', last_name: 'Config', email: 'config@example.com', status: 'active', cc_department: null },
];
const offered = (search: string, configured?: Row) => PEOPLE.filter((row) => matches(row, peopleFilter(search, configured))).map((row) => row.id);

describe('the people picker', () => {
  it('names people in one piece, family name first in Chinese, given name first in English unless written in Chinese', () => {
    expect(personNameIn({ first_name: '静', last_name: '陈' }, 'zh-CN')).toBe('陈静');
    expect(personNameIn({ first_name: '静', last_name: '陈' }, 'en-US')).toBe('陈静');
    expect(personNameIn({ first_name: 'Jing', last_name: 'Chen' }, 'en-US')).toBe('Jing Chen');
    expect(personNameIn({ first_name: 'Jing', last_name: null }, 'en-US')).toBe('Jing');
    expect(personNameIn({ first_name: null, last_name: null }, 'zh-CN')).toBe('');
  });

  it('offers only active people with a department', () => {
    expect(offered('')).toEqual(['chen', 'zhang', 'ouyang', 'latin']);
  });

  it('finds a person by full Chinese name, part of it, e-mail or department', () => {
    expect(offered('陈静')).toEqual(['chen']);
    expect(offered('欧阳娜')).toEqual(['ouyang']);
    expect(offered('阳娜娜')).toEqual(['ouyang']);
    expect(offered('静')).toEqual(['chen']);
    expect(offered('zhang.wei')).toEqual(['zhang']);
    expect(offered('技术')).toEqual(['ouyang']);
    expect(offered('陈伟')).toEqual([]);
  });

  it('finds a Latin name by its words in any order, case aside', () => {
    expect(offered('Jing Chen')).toEqual(['chen', 'latin']); // 陈静 by her e-mail, chen.jing@
    expect(offered('chen  JING')).toEqual(['chen', 'latin']);
    expect(offered('jc jing')).toEqual(['latin']);
    expect(offered('technology ouyang')).toEqual(['ouyang']);
  });

  it('keeps the filter the field was configured with', () => {
    expect(offered('', { email: { _icontains: 'zhang' } })).toEqual(['zhang']);
  });

  it('bounds the words of a search', () => {
    expect(searchWords('  a  b ')).toEqual(['a', 'b']);
    expect(searchWords('x '.repeat(20))).toHaveLength(6);
    expect([...searchWords('长'.repeat(500))[0]!]).toHaveLength(64);
  });
});
