import { defineHook } from '@directus/extensions-sdk';
import { refreshDepartmentPolicies, servicePermissionStore, type PermissionsServiceLike } from '../../../src/access/department-policy-refresh.ts';

/** Keeps the generated department policies in step with the authority matrix (Table 2). */
export default defineHook(({ action }, { services, getSchema, database, logger }) => {
  const refresh = async () => {
    try {
      const permissions: PermissionsServiceLike = new services.PermissionsService({ schema: await getSchema(), knex: database });
      await refreshDepartmentPolicies(database, servicePermissionStore(permissions));
    } catch (error) {
      // The matrix edit itself succeeded; native rights catch up at the next start.
      logger.error(error, 'Concord: regenerating department policies from the authority matrix failed');
    }
  };
  for (const event of ['create', 'update', 'delete']) action(`cc_authorities.items.${event}`, refresh);
});
