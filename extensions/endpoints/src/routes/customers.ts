import { customer360, type ItemsReader } from '../../../../src/customers/customer-360.ts';
import { NotFoundError } from '../../../../src/errors.ts';
import { positiveId, wrap, type RouteContext } from './context.ts';

/** One customer's whole picture, read with the caller's own permissions. */
export function registerCustomerRoutes({ router, services, getSchema }: RouteContext): void {
  router.get(
    '/customers/:id/360',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      const schema = await getSchema();
      const accountability = req.accountability ?? null;
      const readerFor = (collection: string): ItemsReader => new services.ItemsService(collection, { schema, accountability });
      const picture = await customer360(readerFor, id);
      if (!picture) throw new NotFoundError({ collection: 'cc_customers', id: String(id) });
      res.json({ data: picture });
    }),
  );
}
