import { defineHook } from '@directus/extensions-sdk';
import {
  guardAuthorityCreate,
  guardCompositionRule,
  guardAuthorityUpdate,
  guardDepartmentScope,
  guardMemberCreate,
  guardMemberDelete,
  guardMemberUpdate,
  guardSelfAppointment,
  guardTeamCreate,
  guardTeamStatus,
} from '../../../src/organisation/guards.ts';
import { judgeMembershipRemoval, judgeNewRule } from '../../../src/organisation/composition-judge.ts';

type Payload = Record<string, unknown>;

/** Composition rules (Table 1) and the duty/authority matrix (Table 2), guarded on every write path. */
export default defineHook(({ filter }) => {
  filter<Payload>('cc_teams.items.create', async (payload, _meta, { database, accountability }) => {
    guardSelfAppointment(accountability, payload);
    await guardTeamCreate(database, payload);
    return payload;
  });
  filter<Payload>('cc_teams.items.update', async (payload, meta, { database, accountability }) => {
    guardSelfAppointment(accountability, payload);
    await guardTeamStatus(database, accountability, meta['keys'] as Array<number | string>, payload);
    return payload;
  });

  filter<Payload>('cc_team_members.items.create', async (payload, _meta, { database, accountability }) => {
    await guardMemberCreate(database, accountability, payload);
    return payload;
  });
  filter<Payload>('cc_team_members.items.update', async (payload, _meta, { database, accountability }) => {
    await guardMemberUpdate(database, accountability, payload);
    return payload;
  });
  filter<Array<number | string>>('cc_team_members.items.delete', async (keys, _meta, { database }) => {
    await guardMemberDelete(database, keys);
    return keys;
  });
  // Directus records a delete's activity inside the delete's transaction, after the rows are gone:
  // the place to judge a removal against concurrent ones.
  filter<Payload>('activity.create', async (activity, _meta, { database }) => {
    if (activity['collection'] === 'cc_team_members' && activity['action'] === 'delete') await judgeMembershipRemoval(database, activity['item'] as string);
    return activity;
  });

  for (const event of ['cc_composition_rules.items.create', 'cc_composition_rules.items.update']) {
    filter<Payload>(event, (payload) => {
      guardCompositionRule(payload);
      return payload;
    });
  }
  // Creates run inside their transaction; updates of rules are judged in judged-updates.ts.
  filter<Payload>('cc_composition_rules.items.create', async (payload, _meta, { database }) => {
    await judgeNewRule(database, payload);
    return payload;
  });

  for (const collection of ['cc_duties', 'cc_authorities']) {
    filter<Payload>(`${collection}.items.create`, async (payload, _meta, { database, accountability }) => {
      await guardDepartmentScope(database, accountability, collection, payload);
      if (collection === 'cc_authorities') await guardAuthorityCreate(database, payload);
      return payload;
    });
    filter<Payload>(`${collection}.items.update`, async (payload, meta, { database, accountability }) => {
      await guardDepartmentScope(database, accountability, collection, payload);
      if (collection === 'cc_authorities') await guardAuthorityUpdate(database, meta['keys'], payload);
      return payload;
    });
  }
});
