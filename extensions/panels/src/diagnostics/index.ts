import { definePanel } from '@directus/extensions-sdk';
import { MONTHS_OPTION, SCOPE_OPTIONS } from '../../../../src/ui/insights/scope.ts';
import PanelDiagnostics from './panel.vue';

export default definePanel({
  id: 'cc-diagnostics-panel',
  name: '诊断 Diagnostics',
  icon: 'troubleshoot',
  description: '协同在哪里卡住、原因是什么:按影响排序的发现及其依据,可能超时的未结事项 / Where collaboration breaks and why: ranked findings with their evidence, open cases at risk of a breach',
  component: PanelDiagnostics,
  options: [...SCOPE_OPTIONS, MONTHS_OPTION],
  minWidth: 20,
  minHeight: 12,
});
