import { defineDisplay } from '@directus/extensions-sdk';
import SlaDue from '../../../../src/ui/SlaDue.vue';

export default defineDisplay({
  id: 'cc-sla-due-display',
  name: '时限 SLA due',
  icon: 'timer',
  description: '截止时间与剩余时间,按紧迫程度着色 / Due time and time left, coloured by urgency',
  component: SlaDue,
  types: ['timestamp', 'dateTime'],
  options: null,
});
