import { defineComponent, h } from 'vue';
import { defineInterface } from '@directus/extensions-sdk';
import LocalRelation from './interface.vue';

const LocalO2m = defineComponent({ inheritAttrs: false, setup: (_props, { attrs }) => () => h(LocalRelation, { ...attrs, base: 'list-o2m' }) });

export default defineInterface({
  id: 'cc-local-o2m',
  name: '相关列表(按语言) One to many in the reader’s language',
  icon: 'list',
  description: '与「一对多列表」相同,英文界面中用英文名称 / Directus’s one-to-many list, naming records by name_en in English',
  component: LocalO2m,
  types: ['alias'],
  localTypes: ['o2m'],
  relational: true,
  group: 'relational',
  options: [{ field: 'template', name: '$t:display_template', type: 'string', meta: { width: 'full', interface: 'input' } }],
});
