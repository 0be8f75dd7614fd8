import { getActivePinia, type PiniaPluginContext } from 'pinia';

/**
 * Concord's Studio-wide behaviour hooks into Studio's own stores. Extension bundles are loaded
 * when Studio starts, before most stores exist; a store created earlier does not see plugins
 * added later, so one that already exists (pinia keeps them in `_s`) is taken as it is.
 */
export interface StudioStore {
  $id: string;
  $onAction(watcher: (context: { name: string; args: unknown[] }) => void): void;
}

export function onStudioStore(id: string, use: (store: StudioStore) => void): void {
  const pinia = getActivePinia();
  if (!pinia) return;
  const existing = (pinia as unknown as { _s?: Map<string, StudioStore> })._s?.get(id);
  if (existing) use(existing);
  else
    pinia.use(({ store }: PiniaPluginContext) => {
      if (store.$id === id) use(store as unknown as StudioStore);
    });
}
