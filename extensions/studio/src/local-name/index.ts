import { defineDisplay } from '@directus/extensions-sdk';
import DisplayLocalName from './display.vue';

export default defineDisplay({
  id: 'cc-local-name',
  name: '名称(按语言) Name in the reader’s language',
  icon: 'translate',
  description: '部门、状态、流程按界面语言显示中文或英文名称;周期按其期间命名 / Departments, states and workflows by their English name in English; cycles named from their period',
  component: DisplayLocalName,
  types: ['integer', 'bigInteger', 'string', 'uuid'],
  localTypes: ['m2o'],
  // The related record's names (or a cycle's period), read with the row. No key: departments are
  // keyed by `code`, and a field the related collection lacks fails the whole list's query.
  fields: (options: { kind?: string } | null) => (options?.kind === 'cycle' ? ['name', 'period_kind', 'starts_on'] : ['name_zh', 'name_en']),
  options: [
    {
      field: 'kind',
      name: '种类 Kind',
      type: 'string',
      meta: { width: 'half', interface: 'select-dropdown', options: { choices: [{ text: 'vocabulary', value: 'vocabulary' }, { text: 'cycle', value: 'cycle' }] } },
      schema: { default_value: 'vocabulary' },
    },
  ],
});
