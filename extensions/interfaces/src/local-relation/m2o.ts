import { computed, defineComponent, h } from 'vue';
import { defineInterface, useStores } from '@directus/extensions-sdk';
import LocalRelation from './interface.vue';
import PeoplePicker from './people-picker.vue';

/**
 * Directus's many-to-one dropdown naming records in the reader's language; with the `people`
 * option on a relation to directus_users, Concord's people picker instead (people-picker.vue).
 * Every other relation keeps Directus's own behaviour.
 */
const LocalM2o = defineComponent({
  inheritAttrs: false,
  setup: (_props, { attrs }) => {
    const relations = useStores()['useRelationsStore']();
    const toUsers = computed(() => {
      const relation = relations.getRelationForField(attrs['collection'], attrs['field']) as { related_collection?: string | null } | null | undefined;
      return relation?.related_collection === 'directus_users';
    });
    return () => (attrs['people'] === true && toUsers.value ? h(PeoplePicker, { ...attrs }) : h(LocalRelation, { ...attrs, base: 'select-dropdown-m2o' }));
  },
});

export default defineInterface({
  id: 'cc-local-m2o',
  name: '下拉选择(按语言) Many to one in the reader’s language',
  icon: 'arrow_right_alt',
  description: '与「下拉菜单(多对一)」相同,英文界面中用英文名称;关联用户时可改用按姓名、部门选人 / Directus’s many-to-one dropdown, naming records by name_en in English; for users, optionally a picker by full name and department',
  component: LocalM2o,
  types: ['integer', 'bigInteger', 'string', 'uuid'],
  localTypes: ['m2o'],
  relational: true,
  group: 'relational',
  options: [
    { field: 'template', name: '$t:display_template', type: 'string', meta: { width: 'full', interface: 'input' } },
    {
      field: 'people',
      name: '按姓名与部门选人 People picker',
      type: 'boolean',
      meta: { width: 'half', interface: 'boolean', note: '仅用于关联用户的字段:列出有部门的人员,一列全名、部门与邮箱,可搜索 / Users only: people with a department, full name, department and e-mail, with a search' },
      schema: { default_value: false },
    },
  ],
});
