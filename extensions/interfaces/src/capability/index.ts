import { defineInterface } from '@directus/extensions-sdk';
import InterfaceCapability from './interface.vue';

export default defineInterface({
  id: 'cc-capability',
  name: '能力标识 Capability',
  icon: 'verified_user',
  description: '从权限矩阵的能力目录中选择 / Choose a capability from the authority catalogue',
  component: InterfaceCapability,
  types: ['string'],
  group: 'selection',
  options: null,
});
