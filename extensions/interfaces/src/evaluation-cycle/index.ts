import { defineInterface } from '@directus/extensions-sdk';
import InterfaceEvaluationCycle from './interface.vue';

export default defineInterface({
  id: 'cc-evaluation-cycle',
  name: '评估周期操作 Evaluation cycle',
  icon: 'fact_check',
  description: '计算草稿得分、查看并发布评估周期 / Run a cycle, review its draft scores and publish it',
  component: InterfaceEvaluationCycle,
  types: ['alias'],
  localTypes: ['presentation'],
  group: 'presentation',
  options: null,
});
