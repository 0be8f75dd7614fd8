import { defineDisplay } from '@directus/extensions-sdk';
import DisplayLocalName from '../local-name/display.vue';

export default defineDisplay({
  id: 'cc-cycle-name',
  name: '周期名称 Cycle name',
  icon: 'event',
  description: 'Concord 命名的周期按界面语言显示(2026年11月 / November 2026);手填的名称保持原样 / A cycle Concord named, in the reader’s language; a typed name as typed',
  component: DisplayLocalName,
  types: ['string'],
  options: [
    {
      field: 'kind',
      name: '种类 Kind',
      type: 'string',
      meta: { hidden: true, interface: 'input' },
      schema: { default_value: 'cycle' },
    },
  ],
});
