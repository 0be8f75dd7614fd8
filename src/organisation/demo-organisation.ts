/**
 * The demo company's people and teams: enough staff that two teams meet Table 1.
 * Emails are stable so logins can be printed and tests can sign in.
 */
export interface DemoPerson {
  email: string;
  first_name: string;
  last_name: string;
  department: string;
  title: string;
  head?: boolean;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { email: 'wang.fang@example.com', last_name: '王', first_name: '芳', department: 'marketing', title: '市场总监', head: true },
  { email: 'li.qiang@example.com', last_name: '李', first_name: '强', department: 'marketing', title: '市场专员' },
  { email: 'zhao.min@example.com', last_name: '赵', first_name: '敏', department: 'marketing', title: '品牌经理' },
  { email: 'zhang.wei@example.com', last_name: '张', first_name: '伟', department: 'sales', title: '销售总监', head: true },
  { email: 'chen.jing@example.com', last_name: '陈', first_name: '静', department: 'sales', title: '大客户经理' },
  { email: 'liu.yang@example.com', last_name: '刘', first_name: '洋', department: 'sales', title: '销售代表' },
  { email: 'yang.li@example.com', last_name: '杨', first_name: '丽', department: 'service', title: '客服主管', head: true },
  { email: 'huang.lei@example.com', last_name: '黄', first_name: '磊', department: 'service', title: '客服专员' },
  { email: 'zhou.jie@example.com', last_name: '周', first_name: '杰', department: 'tech', title: '技术总监', head: true },
  { email: 'wu.hao@example.com', last_name: '吴', first_name: '浩', department: 'tech', title: '高级工程师' },
  { email: 'xu.ting@example.com', last_name: '徐', first_name: '婷', department: 'tech', title: '技术支持工程师' },
  { email: 'sun.li@example.com', last_name: '孙', first_name: '丽', department: 'hr', title: '人力资源经理', head: true },
  { email: 'ma.jun@example.com', last_name: '马', first_name: '军', department: 'hr', title: '培训专员' },
  { email: 'zhu.hong@example.com', last_name: '朱', first_name: '红', department: 'finance', title: '财务经理', head: true },
];

/** The demo's executive (role 高管): no department, reads every department and team, lands on 协同总览. */
export const DEMO_EXECUTIVES: readonly Omit<DemoPerson, 'department' | 'head'>[] = [
  { email: 'ceo@example.com', last_name: '林', first_name: '总', title: '总经理' },
];

export interface DemoTeam {
  name: string;
  mission: string;
  lead: string;
  members: ReadonlyArray<[email: string, role: 'lead' | 'representative' | 'backup']>;
}

export const DEMO_TEAMS: readonly DemoTeam[] = [
  {
    name: '华东大客户协同团队',
    mission: '以客户满意度为核心目标,统筹华东区重点客户的需求、交付与售后。',
    lead: 'chen.jing@example.com',
    members: [
      ['chen.jing@example.com', 'lead'], ['liu.yang@example.com', 'representative'],
      ['li.qiang@example.com', 'representative'], ['zhao.min@example.com', 'representative'],
      ['yang.li@example.com', 'representative'], ['huang.lei@example.com', 'representative'],
      ['wu.hao@example.com', 'representative'], ['xu.ting@example.com', 'representative'],
      ['ma.jun@example.com', 'representative'],
    ],
  },
  {
    name: '智能制造行业协同团队',
    mission: '面向制造业客户,缩短需求到上线的周期,降低投诉重开率。',
    lead: 'huang.lei@example.com',
    members: [
      ['huang.lei@example.com', 'lead'], ['yang.li@example.com', 'representative'],
      ['chen.jing@example.com', 'representative'], ['zhang.wei@example.com', 'backup'],
      ['wang.fang@example.com', 'representative'], ['li.qiang@example.com', 'representative'],
      ['zhou.jie@example.com', 'representative'], ['wu.hao@example.com', 'representative'],
      ['sun.li@example.com', 'representative'],
    ],
  },
  {
    name: '新零售客户拓展小组',
    mission: '筹建中:等待技术部与人力资源部代表加入。',
    lead: 'liu.yang@example.com',
    members: [['liu.yang@example.com', 'lead'], ['zhao.min@example.com', 'representative']],
  },
];
