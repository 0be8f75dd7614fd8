import { defineInterface } from '@directus/extensions-sdk';
import InterfaceWeights from './interface.vue';

export default defineInterface({
  id: 'cc-evaluation-weights',
  name: '权重与目标 Weights and targets',
  icon: 'tune',
  description: '五个维度的权重(显示占比)或评估目标,按服务器规则校验 / The five weights with their shares, or the evaluation targets, checked as the server checks them',
  component: InterfaceWeights,
  types: ['json'],
  group: 'other',
  options: [
    {
      field: 'kind',
      name: '编辑 Edits',
      type: 'string',
      meta: { width: 'half', interface: 'select-dropdown', options: { choices: [{ text: '权重 Weights', value: 'weights' }, { text: '目标 Targets', value: 'targets' }] } },
    },
  ],
});
