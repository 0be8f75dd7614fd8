import { definePanel } from '@directus/extensions-sdk';
import { MONTHS_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelSlaBoard from './panel.vue';

export default definePanel({
  id: 'cc-sla-board-panel',
  name: '时限与未结事项 SLA board',
  icon: 'timer',
  description: '按状态与负责部门统计未结事项、超时数量与本期超期记录,列出等待最久的事项 / Open cases by state against their SLA, breaches in the period, the oldest cases',
  component: PanelSlaBoard,
  options: [...SCOPE_OPTIONS, MONTHS_OPTION],
  minWidth: 16,
  minHeight: 10,
});
