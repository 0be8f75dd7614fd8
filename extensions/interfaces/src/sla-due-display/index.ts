import { defineDisplay } from '@directus/extensions-sdk';
import SlaDue from '../../../../src/ui/SlaDue.vue';

export default defineDisplay({
  id: 'cc-sla-due-display',
  name: '时限 SLA due',
  icon: 'timer',
  description: '截止时间与剩余时间,按紧迫程度着色(事项时限或任务截止)/ Due time and time left, coloured by urgency (case SLA or task due)',
  component: SlaDue,
  types: ['timestamp', 'dateTime'],
  // `task`: a task's due time (cc_tasks.due_at): red once past due unless the row's task is done.
  options: [
    {
      field: 'kind',
      name: '对象 Subject',
      type: 'string',
      meta: {
        width: 'half',
        interface: 'select-dropdown',
        options: {
          choices: [
            { text: '事项时限 Case SLA', value: 'case' },
            { text: '任务截止 Task due', value: 'task' },
          ],
        },
      },
      schema: { default_value: 'case' },
    },
  ],
});
