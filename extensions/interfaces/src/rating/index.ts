import { defineInterface } from '@directus/extensions-sdk';
import InterfaceRating from './interface.vue';

export default defineInterface({
  id: 'cc-rating',
  name: '评分 Rating',
  icon: 'star_rate',
  description: '满意度 1–5、推荐度 0–10 或团队脉搏 1–5,可用键盘操作 / CSAT 1–5, NPS 0–10 or pulse 1–5, keyboard-usable',
  component: InterfaceRating,
  types: ['integer'],
  group: 'selection',
  options: [
    {
      field: 'scale',
      name: '量表 Scale',
      type: 'string',
      meta: {
        width: 'half',
        interface: 'select-dropdown',
        options: { choices: [{ text: 'CSAT 1–5', value: 'csat' }, { text: 'NPS 0–10', value: 'nps' }, { text: 'Pulse 1–5', value: 'pulse' }] },
      },
    },
  ],
});
