import { definePanel } from '@directus/extensions-sdk';
import { MONTHS_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelSatisfaction from './panel.vue';

export default definePanel({
  id: 'cc-satisfaction-panel',
  name: '客户满意度趋势 CSAT trend',
  icon: 'sentiment_satisfied',
  description: '每月满意率、平均分与 NPS 及答卷数,附最新留言 / CSAT share, mean and NPS per month with response counts and the latest comments',
  component: PanelSatisfaction,
  options: [...SCOPE_OPTIONS, MONTHS_OPTION],
  minWidth: 12,
  minHeight: 10,
});
