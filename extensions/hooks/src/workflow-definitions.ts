import { defineHook } from '@directus/extensions-sdk';
import { guardStateCreate, guardStateDelete, guardStateUpdate, guardTransitionWrite } from '../../../src/workflows/workflow-guards.ts';
import { refreshAnsweredAtForStates } from '../../../src/workflows/answered-at.ts';
import { refreshClosuresForStates } from '../../../src/workflows/case-closure.ts';

type Payload = Record<string, unknown>;
type Keys = Array<number | string>;

/** Workflow definitions are checked when saved: states, and transitions between them. */
export default defineHook(({ filter, action }, { getSchema }) => {
  filter<Payload>('cc_workflow_states.items.create', async (payload, _meta, { database }) => {
    await guardStateCreate(database, payload);
    return payload;
  });
  filter<Payload>('cc_workflow_states.items.update', async (payload, meta, { database }) => {
    await guardStateUpdate(database, meta['keys'] as Keys, payload);
    return payload;
  });
  // The state's owning department answers its handoffs, and a terminal state closes the cases that
  // enter it: the stored answer times and first closures follow a change.
  action('cc_workflow_states.items.update', async ({ keys, payload }, { database }) => {
    if ((payload as Payload)['owner_department'] !== undefined) await refreshAnsweredAtForStates(database, keys as Keys);
    if ((payload as Payload)['is_terminal'] !== undefined) await refreshClosuresForStates(database, keys as Keys);
  });
  filter<Keys>('cc_workflow_states.items.delete', async (keys, _meta, { database }) => {
    await guardStateDelete(database, keys);
    return keys;
  });
  filter<Payload>('cc_workflow_transitions.items.create', async (payload, _meta, { database, schema }) => {
    await guardTransitionWrite(database, schema ?? (await getSchema({ database })), null, payload);
    return payload;
  });
  filter<Payload>('cc_workflow_transitions.items.update', async (payload, meta, { database, schema }) => {
    await guardTransitionWrite(database, schema ?? (await getSchema({ database })), meta['keys'] as Keys, payload);
    return payload;
  });
});
