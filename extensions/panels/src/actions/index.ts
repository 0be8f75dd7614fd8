import { definePanel } from '@directus/extensions-sdk';
import { SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelActions from './panel.vue';

export default definePanel({
  id: 'cc-actions-panel',
  name: '持续优化措施 Improvement actions',
  icon: 'trending_up',
  description: '各部门与团队每个维度的改进措施进展,以及改进前后的得分 / Improvement actions per scope and dimension, with the score before and after',
  component: PanelActions,
  options: SCOPE_OPTIONS,
  minWidth: 16,
  minHeight: 10,
});
