import { definePanel } from '@directus/extensions-sdk';
import { MONTHS_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelBudget from './panel.vue';

export default definePanel({
  id: 'cc-budget-panel',
  name: '预算与实际 Budget vs actual',
  icon: 'account_balance',
  description: '每月按天折算的预算与实际支出 / Pro-rated budget against expense per month',
  component: PanelBudget,
  options: [...SCOPE_OPTIONS, MONTHS_OPTION],
  minWidth: 12,
  minHeight: 8,
});
