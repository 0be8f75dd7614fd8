import { defineInterface } from '@directus/extensions-sdk';
import InterfaceSurveyLink from './interface.vue';

export default defineInterface({
  id: 'cc-survey-link',
  name: '客户调查链接 Survey link',
  icon: 'mark_email_read',
  description: '事项的客户满意度调查:重新发送或复制链接 / The case’s customer survey: send again or copy the link',
  component: InterfaceSurveyLink,
  types: ['alias'],
  localTypes: ['presentation'],
  group: 'presentation',
  options: null,
});
