import { definePanel } from '@directus/extensions-sdk';
import PanelFilter from './panel.vue';

export default definePanel({
  id: 'cc-dashboard-filter-panel',
  name: '范围与期间 Scope and period',
  icon: 'tune',
  description: '整个看板共用的范围(部门、团队、全公司)与期间(月、季度、自定义) / The scope and period every panel of the dashboard shows',
  component: PanelFilter,
  options: [
    {
      field: 'scope',
      name: '默认范围 Default scope',
      type: 'string',
      meta: {
        width: 'half',
        interface: 'select-dropdown',
        options: {
          choices: [
            { text: '我的部门 My department', value: 'my_department' },
            { text: '我的团队 My team', value: 'my_team' },
            { text: '全公司 Company', value: 'company' },
          ],
        },
      },
      schema: { default_value: 'my_department' },
    },
    {
      field: 'scopes',
      name: '可选范围 Offer scopes',
      type: 'boolean',
      meta: { width: 'half', interface: 'boolean' },
      schema: { default_value: true },
    },
  ],
  minWidth: 12,
  minHeight: 3,
});
