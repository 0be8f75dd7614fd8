/**
 * Test servers hash passwords with argon2's cheapest settings. Directus's default (argon2's own: 64 MiB,
 * 3 passes, 4 lanes) costs about 180 ms of CPU per hash and 150 ms per sign-in on the 2-core test
 * machine, and a run creates and signs in a few hundred people; what the tests check is who may do
 * what, not the hash's strength. Directus reads the HASH_* settings when it hashes a password (and a
 * stored hash carries its own settings, so it verifies either way). Servers started by `npm start`
 * keep Directus's default: nothing outside the tests sets these.
 */
export const CHEAP_HASHING: Readonly<Record<string, string>> = { HASH_MEMORY_COST: '1024', HASH_TIME_COST: '1', HASH_PARALLELISM: '1' };
