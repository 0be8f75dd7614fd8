import { defineInterface } from '@directus/extensions-sdk';
import InterfaceMemberTeam from './interface.vue';

export default defineInterface({
  id: 'cc-member-team',
  name: '所属团队 Member’s team',
  icon: 'groups',
  description: '从团队表单添加成员时不再询问团队 / Not asked again when the member is added from the team form',
  component: InterfaceMemberTeam,
  types: ['integer'],
  localTypes: ['m2o'],
  relational: true,
  group: 'relational',
  options: null,
});
