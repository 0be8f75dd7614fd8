import { defineInterface } from '@directus/extensions-sdk';
import InterfaceTeamComposition from './interface.vue';

export default defineInterface({
  id: 'cc-team-composition',
  name: '团队组成 Team composition',
  icon: 'groups',
  description: '团队各部门代表与组建规则的对比 / The team against the composition rules',
  component: InterfaceTeamComposition,
  types: ['alias'],
  localTypes: ['presentation'],
  group: 'presentation',
  options: null,
});
