import { defineInterface } from '@directus/extensions-sdk';
import InterfaceCustomer360 from './interface.vue';

export default defineInterface({
  id: 'cc-customer-360',
  name: '客户全貌 Customer 360',
  icon: 'travel_explore',
  description: '客户的购买、服务、事项、项目与满意度 / The customer’s purchases, service, cases, projects and satisfaction',
  component: InterfaceCustomer360,
  types: ['alias'],
  localTypes: ['presentation'],
  group: 'presentation',
  options: null,
});
