import { defineInterface } from '@directus/extensions-sdk';
import InterfaceCaseState from './interface.vue';

export default defineInterface({
  id: 'cc-case-state',
  name: '事项状态 Case state',
  icon: 'swap_horiz',
  description: '当前状态及本人可执行的流程转换 / Current state and the transitions you may take',
  component: InterfaceCaseState,
  types: ['integer'],
  relational: true,
  group: 'relational',
  options: null,
});
