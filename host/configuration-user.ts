import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { stableId } from '../src/access/stable-id.ts';

/**
 * The start configures Directus through its API, so that Concord's hooks see every change. It
 * does not borrow the admin's static token, which an admin can change or clear in Studio: it acts
 * as Concord's own configuration user (a fixed id, no e-mail and no password, so nobody signs in
 * as it), holding a policy with admin access. The start writes a fresh token for it under the
 * start lock, before each configuration, and clears it afterwards; whatever was changed on the
 * user or its policy in between is put back first.
 */
export const CONFIGURATION_USER = stableId('user:configuration');
const CONFIGURATION_POLICY = stableId('policy:configuration');
const CONFIGURATION_ACCESS = stableId(`access:user:${CONFIGURATION_USER}:${CONFIGURATION_POLICY}`);

export async function issueConfigurationToken(db: Knex): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (trx) => {
    await upsert(trx, 'directus_policies', CONFIGURATION_POLICY, {
      name: 'Concord configuration',
      icon: 'settings_suggest',
      description: 'Used by Concord while it starts: roles, policies, presets and the demo company are applied with it.',
      ip_access: null,
      enforce_tfa: false,
      admin_access: true,
      app_access: false,
    });
    await upsert(trx, 'directus_users', CONFIGURATION_USER, {
      first_name: 'Concord',
      last_name: '(configuration)',
      email: null,
      password: null,
      tfa_secret: null,
      status: 'active',
      role: null,
      provider: 'default',
      token,
    });
    await upsert(trx, 'directus_access', CONFIGURATION_ACCESS, { role: null, user: CONFIGURATION_USER, policy: CONFIGURATION_POLICY, sort: 1 });
  });
  return token;
}

export async function revokeConfigurationToken(db: Knex): Promise<void> {
  await db('directus_users').where('id', CONFIGURATION_USER).update({ token: null });
}

async function upsert(trx: Knex.Transaction, table: string, id: string, row: Record<string, unknown>): Promise<void> {
  const updated = await trx(table).where('id', id).update(row);
  if (updated === 0) await trx(table).insert({ id, ...row });
}
