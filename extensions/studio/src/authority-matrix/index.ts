import { defineModule } from '@directus/extensions-sdk';
import { presentRefusalsWhole } from '../../../../src/ui/refusal-dialogs.ts';
import MatrixPage from './matrix-page.vue';

// Studio loads every extension bundle when it starts: from then on, refusal dialogs show whole.
presentRefusalsWhole();

export default defineModule({
  id: 'concord-matrix',
  name: '权限矩阵 Authority matrix',
  icon: 'grid_on',
  routes: [{ path: '', component: MatrixPage }],
});
