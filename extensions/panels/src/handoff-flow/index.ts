import { definePanel } from '@directus/extensions-sdk';
import { MONTHS_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelHandoffFlow from './panel.vue';

export default definePanel({
  id: 'cc-handoff-flow-panel',
  name: '交接流向与瓶颈 Handoff flow',
  icon: 'swap_horiz',
  description: '部门之间的交接次数、中位响应时间与时限内占比,标出最需关注的一组 / Handoffs between departments with median response and SLA share; the worst pair highlighted',
  component: PanelHandoffFlow,
  options: [...SCOPE_OPTIONS, MONTHS_OPTION],
  minWidth: 16,
  minHeight: 10,
});
