import { defineComponent, h } from 'vue';
import { defineInterface } from '@directus/extensions-sdk';
import LocalRelation from './interface.vue';

const LocalM2o = defineComponent({ inheritAttrs: false, setup: (_props, { attrs }) => () => h(LocalRelation, { ...attrs, base: 'select-dropdown-m2o' }) });

export default defineInterface({
  id: 'cc-local-m2o',
  name: '下拉选择(按语言) Many to one in the reader’s language',
  icon: 'arrow_right_alt',
  description: '与「下拉菜单(多对一)」相同,英文界面中用英文名称 / Directus’s many-to-one dropdown, naming records by name_en in English',
  component: LocalM2o,
  types: ['integer', 'bigInteger', 'string', 'uuid'],
  localTypes: ['m2o'],
  relational: true,
  group: 'relational',
  options: [{ field: 'template', name: '$t:display_template', type: 'string', meta: { width: 'full', interface: 'input' } }],
});
