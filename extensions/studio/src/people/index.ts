import { defineDisplay } from '@directus/extensions-sdk';
import DisplayPeople from './display.vue';

export default defineDisplay({
  id: 'cc-people',
  name: '人员 People',
  icon: 'group',
  description: '把用户编号列表显示为姓名 / A list of user ids shown as names',
  component: DisplayPeople,
  types: ['json'],
  options: null,
});
