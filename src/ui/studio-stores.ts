import { useStores } from '@directus/extensions-sdk';

/**
 * The parts of Studio's stores Concord's components use, typed (the SDK hands them out untyped).
 * Call inside a component's setup, like any composable.
 */
export interface StudioField {
  field: string;
  name: string;
  type: string;
  meta: { readonly?: boolean; hidden?: boolean; special?: string[] | null; interface?: string | null } | null;
  schema: { is_primary_key?: boolean } | null;
}

export interface StudioStores {
  fields: {
    getField(collection: string, field: string): StudioField | undefined | null;
    getFieldsForCollection(collection: string): StudioField[];
  };
  collections: {
    getCollection(collection: string): { collection: string; name: string; icon: string } | null;
  };
  permissions: {
    hasPermission(collection: string, action: 'create' | 'read' | 'update' | 'delete'): boolean;
  };
  user: { isAdmin: boolean };
}

export function useStudioStores(): StudioStores {
  const stores = useStores();
  // The SDK declares the stores as Record<string, any>; these are the shapes Studio 11 provides.
  const fields = stores['useFieldsStore']() as StudioStores['fields'];
  const collections = stores['useCollectionsStore']() as StudioStores['collections'];
  const permissions = stores['usePermissionsStore']() as StudioStores['permissions'];
  const user = stores['useUserStore']() as StudioStores['user'];
  return { fields, collections, permissions, user };
}

/** A field's label as Studio shows it (translated), or its key. */
export function fieldLabel(stores: StudioStores, collection: string, field: string): string {
  return stores.fields.getField(collection, field)?.name ?? field;
}
