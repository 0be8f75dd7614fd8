import { definePanel } from '@directus/extensions-sdk';
import { PERIOD_KIND_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelRadar from './panel.vue';

export default definePanel({
  id: 'cc-radar-panel',
  name: '五维雷达 Five-dimension radar',
  icon: 'radar',
  description: '最新已发布周期的五维得分,对比上期与公司平均;点击维度看原始指标 / Latest published scores against the previous cycle and the company mean',
  component: PanelRadar,
  options: [...SCOPE_OPTIONS, PERIOD_KIND_OPTION],
  minWidth: 12,
  minHeight: 10,
});
