import { definePanel } from '@directus/extensions-sdk';
import { PERIOD_KIND_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelTrend from './panel.vue';

export default definePanel({
  id: 'cc-trend-panel',
  name: '维度趋势 Dimension trend',
  icon: 'show_chart',
  description: '各已发布周期的得分走势,标出每期的改进措施 / Scores over the published cycles, with each cycle’s improvement actions',
  component: PanelTrend,
  options: [
    ...SCOPE_OPTIONS,
    PERIOD_KIND_OPTION,
    {
      field: 'dimension',
      name: '维度 Dimension',
      type: 'string',
      meta: {
        width: 'half',
        interface: 'select-dropdown',
        note: '全公司范围时每个部门一条线 / In the company view, one line per department for this dimension',
        options: {
          choices: ['overall', 'communication', 'execution', 'satisfaction', 'utilisation', 'cohesion'].map((value) => ({ text: value, value })),
        },
      },
      schema: { default_value: 'overall' },
    },
  ],
  minWidth: 16,
  minHeight: 10,
});
