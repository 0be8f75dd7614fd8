import { beforeAll, describe, expect, it } from 'vitest';
import { concord, http, signIn, type Client, type Json } from '../harness/concord.ts';

/**
 * Aggregates and groups Directus would hand to the database as a column that is none (issue 17,
 * hole 10): an o2m alias counted or grouped by, a dotted path through a relation, a sum of text.
 * Each is a 400 UNSUPPORTED_AGGREGATE naming the field, on REST and GraphQL, for staff and admins,
 * on Concord's collections and Directus's own; what Directus supports still answers.
 */

const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const field = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['field'] as string | undefined;

async function tokenOfClient(client: Client): Promise<string> {
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('No access token');
  return token;
}

let staff: string;
const tokens = (): Array<[who: string, token: string]> => [
  ['staff', staff],
  ['admin', concord().adminToken],
];

beforeAll(async () => {
  // Sales staff: reads customers and cases (and published scores of their scopes).
  staff = await tokenOfClient(await signIn('chen.jing@example.com', concord().staffPassword));
});

describe('REST: fields that cannot be aggregated or grouped by are refused with a 400 naming them', () => {
  it.each([
    ['/items/cc_customers?aggregate[count]=cases', 'cases'],
    ['/items/cc_cases?aggregate[count]=id&groupBy[]=events', 'events'],
    ['/items/cc_cases?aggregate[count]=id&groupBy[]=customer.name', 'customer.name'],
    ['/items/cc_evaluation_scores?aggregate[count]=id&groupBy[]=cycle.status', 'cycle.status'],
    ['/items/cc_cases?aggregate[count]=customer.name', 'customer.name'],
    ['/items/cc_customers?aggregate[sum]=name', 'name'],
    ['/items/cc_customers?aggregate[avg]=*', '*'],
    ['/users?aggregate[count]=id&groupBy[]=role.name', 'role.name'],
    ['/users?aggregate[count]=policies', 'policies'],
    ['/items/cc_customers?fields=id,cases.id&deep[cases][_groupBy][]=events', 'events'],
    ['/items/cc_customers?fields=id,cases.id&deep[cases][_aggregate][count]=customer.name', 'customer.name'],
  ])('%s', async (path, named) => {
    for (const [who, token] of tokens()) {
      const result = await http('GET', path, { token });
      expect([result.status, code(result), field(result)], `${who}: ${result.text}`).toEqual([400, 'UNSUPPORTED_AGGREGATE', named]);
    }
  });

  it('what Directus supports still answers', async () => {
    for (const path of ['/items/cc_cases?aggregate[count]=id&groupBy[]=customer', '/items/cc_cases?aggregate[count]=*', '/items/cc_cases?aggregate[count]=id&groupBy[]=year(date_created)']) {
      for (const [who, token] of tokens()) {
        const result = await http('GET', path, { token });
        expect(result.status, `${who} ${path}: ${result.text}`).toBe(200);
      }
    }
  });
});

describe('GraphQL: the same queries are refused the same way', () => {
  it.each([
    ['query { cc_customers_aggregated { count { cases } } }', 'cases'],
    ['query { cc_cases_aggregated(groupBy: ["events"]) { count { id } } }', 'events'],
    ['query { cc_cases_aggregated(groupBy: ["customer.name"]) { count { id } } }', 'customer.name'],
    ['query { cc_evaluation_scores_aggregated(groupBy: ["cycle.status"]) { count { id } } }', 'cycle.status'],
  ])('%s', async (query, named) => {
    for (const [who, token] of tokens()) {
      const result = await http('POST', '/graphql', { token, body: { query } });
      expect([code(result), field(result)], `${who}: ${result.text}`).toEqual(['UNSUPPORTED_AGGREGATE', named]);
      expect(result.status, `${who}: ${result.text}`).toBeLessThan(500);
    }
  });
});
