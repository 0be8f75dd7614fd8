import { defineDisplay } from '@directus/extensions-sdk';
import DisplayMoney from './display.vue';

export default defineDisplay({
  id: 'cc-money',
  name: '金额 Money',
  icon: 'payments',
  description: '人民币金额,带千位分隔 / Yuan with thousands separators',
  component: DisplayMoney,
  types: ['float', 'decimal', 'integer', 'bigInteger'],
  options: null,
});
