import type { Pinia, PiniaPluginContext } from 'pinia';

/**
 * Concord's Studio-wide behaviour hooks into Studio's own stores. Studio loads extension bundles
 * while it starts, before it mounts; the store container (pinia) extensions can import is not
 * reliably Studio's own then, so it is taken from the mounted app. A store that already exists
 * (pinia keeps them in `_s`) is used as it is, and a plugin takes every store created from then on
 * (Studio also creates some anew when people sign out and in).
 */
export interface StudioStore {
  $id: string;
  $onAction(watcher: (context: { name: string; args: unknown[] }) => void, detached?: boolean): void;
}

export function onStudioStore(id: string, use: (store: StudioStore) => void): void {
  whenPinia((pinia) => {
    const existing = (pinia as unknown as { _s?: Map<string, StudioStore> })._s?.get(id);
    if (existing) use(existing);
    pinia.use(({ store }: PiniaPluginContext) => {
      if (store.$id === id) use(store as unknown as StudioStore);
    });
  });
}

function whenPinia(use: (pinia: Pinia) => void): void {
  const started = Date.now();
  const poll = () => {
    const app = (document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: { $pinia?: Pinia } } } }) | null)?.__vue_app__;
    const pinia = app?.config.globalProperties.$pinia;
    if (pinia) use(pinia);
    else if (Date.now() - started < 60_000) setTimeout(poll, 50);
  };
  poll();
}
