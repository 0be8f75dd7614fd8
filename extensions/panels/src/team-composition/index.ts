import { definePanel } from '@directus/extensions-sdk';
import PanelTeamComposition from './panel.vue';

export default definePanel({
  id: 'cc-team-composition-panel',
  name: '团队组成 Team composition',
  icon: 'groups',
  description: '各协同团队的部门代表人数与组建规则对比 / Each team against the composition rules',
  component: PanelTeamComposition,
  options: [
    {
      field: 'status',
      name: 'Status',
      type: 'string',
      meta: {
        width: 'half',
        interface: 'select-dropdown',
        options: { choices: [{ text: 'All', value: 'all' }, { text: 'Forming', value: 'forming' }, { text: 'Active', value: 'active' }] },
      },
      schema: { default_value: 'all' },
    },
  ],
  minWidth: 16,
  minHeight: 10,
});
