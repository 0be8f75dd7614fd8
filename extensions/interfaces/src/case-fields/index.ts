import { defineInterface } from '@directus/extensions-sdk';
import InterfaceCaseFields from './interface.vue';

export default defineInterface({
  id: 'cc-case-fields',
  name: '事项字段 Case fields',
  icon: 'checklist',
  description: '从客户事项的字段中选择 / Choose among the fields of customer cases',
  component: InterfaceCaseFields,
  types: ['json'],
  group: 'selection',
  options: null,
});
