/**
 * Names of users by id, for displays that show many rows at once: the ids asked for during one
 * tick are fetched in one request, and each name is fetched once per page.
 */
export type FetchPeople = (ids: string[]) => Promise<Array<{ id: string; first_name: string | null; last_name: string | null }>>;

export function personName(person: { first_name: string | null; last_name: string | null }): string {
  // Chinese order: family name first, no space.
  return `${person.last_name ?? ''}${person.first_name ?? ''}`.trim();
}

export function createNameLoader(fetchPeople: FetchPeople): (ids: readonly string[]) => Promise<string[]> {
  const names = new Map<string, Promise<string>>();
  let queue: Array<{ id: string; resolve: (name: string) => void }> = [];
  let scheduled = false;

  const flush = async () => {
    const batch = queue;
    queue = [];
    scheduled = false;
    const found = await fetchPeople([...new Set(batch.map((entry) => entry.id))]).catch(() => []);
    const byId = new Map(found.map((person) => [person.id, personName(person)]));
    // Someone the reader may not see, or who no longer exists, shows as their id.
    for (const entry of batch) entry.resolve(byId.get(entry.id) || entry.id);
  };

  return (ids) =>
    Promise.all(
      ids.map((id) => {
        let name = names.get(id);
        if (!name) {
          name = new Promise<string>((resolve) => queue.push({ id, resolve }));
          names.set(id, name);
          if (!scheduled) {
            scheduled = true;
            setTimeout(() => void flush(), 0);
          }
        }
        return name;
      }),
    );
}

let shared: ReturnType<typeof createNameLoader> | null = null;

/** One loader for the whole page, so every cell of a list asks for its people in the same request. */
export function sharedNameLoader(fetchPeople: FetchPeople): ReturnType<typeof createNameLoader> {
  shared ??= createNameLoader(fetchPeople);
  return shared;
}
