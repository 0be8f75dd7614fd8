import { defineInterface } from '@directus/extensions-sdk';
import SlaDue from '../../../../src/ui/SlaDue.vue';

export default defineInterface({
  id: 'cc-sla-due',
  name: '时限 SLA due',
  icon: 'timer',
  description: '截止时间与剩余时间,按紧迫程度着色(只读)/ Due time and time left, coloured by urgency (read-only)',
  component: SlaDue,
  types: ['timestamp', 'dateTime'],
  group: 'presentation',
  options: null,
});
