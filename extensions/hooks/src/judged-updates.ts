import { defineHook } from '@directus/extensions-sdk';
import type { EventContext } from '@directus/types';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { judgedUpdate, type JudgedUpdateContext, type Key, type UpdateJudge } from '../../../src/integrity/judged-updates.ts';
import { compositionJudge } from '../../../src/organisation/composition-judge.ts';
import { teamNameJudge } from '../../../src/organisation/team-names.ts';
import { dateOrderJudge } from '../../../src/validation/field-values.ts';
import { stateMoveJudge } from '../../../src/workflows/state-moves.ts';

type Payload = Record<string, unknown>;

/** Every rule that reads the database to decide on an update, judged on the state the update leaves, in its own transaction. */
export const JUDGES: readonly UpdateJudge[] = [compositionJudge, teamNameJudge, dateOrderJudge, stateMoveJudge] as readonly UpdateJudge[];

export default defineHook(({ filter }, { services, emitter, env }) => {
  const { governs } = governedCollections(env);
  // The host's service classes satisfy the slice the judged update declares.
  const directus = services as JudgedUpdateContext['services'];
  const judged = (collection: string, payload: Payload, keys: Key[], { database, schema, accountability }: EventContext) =>
    schema && governs(collection)
      ? judgedUpdate(
          { db: database, schema, accountability, services: directus, emitAction: (event, meta, context) => emitter.emitAction(event, meta, context) },
          JUDGES,
          { collection, primary: schema.collections[collection]?.primary ?? 'id', keys, payload },
        )
      : payload;
  filter<Payload>('items.update', (payload, meta, context) => judged(String(meta['collection']), payload, meta['keys'] as Key[], context));
  filter<Payload>('users.update', (payload, meta, context) => judged('directus_users', payload, meta['keys'] as Key[], context));
});
