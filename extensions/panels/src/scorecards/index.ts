import { definePanel } from '@directus/extensions-sdk';
import { PERIOD_KIND_OPTION } from '../../../../src/ui/insights/scope.ts';
import PanelScorecards from './panel.vue';

export default definePanel({
  id: 'cc-scorecards-panel',
  name: '评分卡 Scorecards',
  icon: 'fact_check',
  description: '最新周期中你可查看的各部门与团队的五维得分及较上期变化 / The latest cycle’s scores of every department and team you may see, with the change',
  component: PanelScorecards,
  options: [PERIOD_KIND_OPTION],
  minWidth: 16,
  minHeight: 8,
});
