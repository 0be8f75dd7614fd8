import { describe, expect, it } from 'vitest';
import { buildAuthorityMatrix, heldPerDepartment } from '../../src/organisation/authority-matrix.ts';

const departments = [
  { code: 'service', name_zh: '客服部', name_en: 'Customer service', sort: 3 },
  { code: 'sales', name_zh: '销售部', name_en: 'Sales', sort: 2 },
];
const catalogue = [
  { key: 'complaint.handle', zh: '处理客户投诉', en: 'Handle customer complaints', departments: [] },
  { key: 'sales.plan', zh: '制定销售计划', en: 'Make sales plans', departments: [] },
  { key: 'budget.manage', zh: '预算管理', en: 'Manage budgets', departments: [] },
];

describe('buildAuthorityMatrix', () => {
  const matrix = buildAuthorityMatrix(departments, catalogue, [
    { id: 1, department: 'sales', capability: 'sales.plan' },
    { id: 2, department: 'sales', capability: 'complaint.handle' },
    { id: 3, department: 'service', capability: 'complaint.handle' },
    { id: 4, department: 'service', capability: 'custom.key' },
    { id: 5, department: 'gone', capability: 'sales.plan' },
  ]);

  it('puts departments in their order and capabilities by their first holder, unheld last', () => {
    expect(matrix.departments.map((d) => d.code)).toEqual(['sales', 'service']);
    expect(matrix.rows.map((r) => r.key)).toEqual(['complaint.handle', 'sales.plan', 'custom.key', 'budget.manage']);
  });

  it('marks each held cell with its authority row, and keeps keys admins added', () => {
    expect(matrix.rows[0]).toEqual({ key: 'complaint.handle', zh: '处理客户投诉', en: 'Handle customer complaints', held: { sales: 2, service: 3 } });
    expect(matrix.rows.find((r) => r.key === 'custom.key')).toEqual({ key: 'custom.key', zh: null, en: null, held: { service: 4 } });
    expect(matrix.rows.find((r) => r.key === 'budget.manage')?.held).toEqual({});
  });

  it('counts what each department holds', () => {
    expect(heldPerDepartment(matrix)).toEqual({ sales: 2, service: 2 });
  });
});
