/** How many ids one statement names (well under SQLite's 32,766 bound parameters). */
const CHUNK = 5000;

/**
 * Runs `work` for the given keys as whole numbers (duplicates and non-integers dropped), a chunk at a
 * time, with the chunk and its placeholder list (`?, ?, …`) for an `in (…)`.
 */
export async function inIdChunks(keys: ReadonlyArray<number | string>, work: (chunk: number[], placeholders: string) => Promise<void>): Promise<void> {
  const ids = [...new Set(keys.map(Number))].filter((id) => Number.isSafeInteger(id));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await work(chunk, chunk.map(() => '?').join(', '));
  }
}
