/**
 * One customer's whole picture, read with the caller's own permissions: every section comes from
 * Directus's items service under the caller's accountability, so it shows exactly what that person
 * may see (contact fields, cases, satisfaction). A section the caller may not read at all is null.
 */

type Item = Record<string, unknown>;

/** The part of Directus's ItemsService used here. */
export interface ItemsReader {
  readByQuery(query: Record<string, unknown>): Promise<Item[]>;
}

export type ReaderFor = (collection: string) => ItemsReader;

export interface Customer360 {
  customer: Item;
  purchases: Item[] | null;
  serviceRecords: Item[] | null;
  openCases: Item[] | null;
  closedCases: Item[] | null;
  projects: Item[] | null;
  satisfaction: { responses: number; meanCsat: number | null; satisfiedShare: number | null } | null;
}

const RECENT = 50;

export async function customer360(readerFor: ReaderFor, customerId: number): Promise<Customer360 | null> {
  const [customer] = await readerFor('cc_customers').readByQuery({
    filter: { id: { _eq: customerId } },
    fields: ['*', 'team.id', 'team.name'],
    limit: 1,
  });
  if (!customer) return null;
  const byCustomer = { customer: { _eq: customerId } };
  const [purchases, serviceRecords, cases, projects, satisfaction] = await Promise.all([
    section(() => readerFor('cc_purchases').readByQuery({ filter: byCustomer, fields: ['*', 'product.id', 'product.name'], sort: ['-purchased_on'], limit: RECENT })),
    section(() =>
      readerFor('cc_service_records').readByQuery({ filter: byCustomer, fields: ['*', 'staff.first_name', 'staff.last_name'], sort: ['-occurred_at'], limit: RECENT }),
    ),
    section(() =>
      readerFor('cc_cases').readByQuery({
        filter: byCustomer,
        fields: ['id', 'title', 'priority', 'opened_at', 'resolved_at', 'closed_at', 'reopened_count', 'team.name', 'workflow.case_type', 'state.name_zh', 'state.name_en', 'state.is_terminal', 'state.owner_department.code', 'state.owner_department.name_zh'],
        sort: ['-opened_at'],
        limit: -1,
      }),
    ),
    section(() => readerFor('cc_projects').readByQuery({ filter: byCustomer, fields: ['id', 'name', 'status', 'progress', 'start_on', 'due_on', 'team.name'], sort: ['-start_on'], limit: -1 })),
    section(() => satisfactionOf(readerFor, customerId)),
  ]);
  const isClosed = (c: Item) => Boolean((c['state'] as Item | null)?.['is_terminal']);
  return {
    customer,
    purchases,
    serviceRecords,
    openCases: cases?.filter((c) => !isClosed(c)) ?? null,
    closedCases: cases?.filter(isClosed) ?? null,
    projects,
    satisfaction,
  };
}

/**
 * CSAT over the customer's cases, aggregated by the database: distinct responses per score, so a
 * permission filter that joins through a one-to-many relation cannot count a response twice.
 */
async function satisfactionOf(readerFor: ReaderFor, customerId: number): Promise<Customer360['satisfaction']> {
  const groups = await readerFor('cc_survey_responses').readByQuery({
    filter: { _and: [{ csat: { _nnull: true } }, { survey: { case: { customer: { _eq: customerId } } } }] },
    aggregate: { countDistinct: ['id'] },
    group: ['csat'],
  });
  let responses = 0;
  let total = 0;
  let satisfied = 0;
  for (const group of groups) {
    const score = Number(group['csat']);
    const count = Number((group['countDistinct'] as Item | undefined)?.['id'] ?? 0);
    responses += count;
    total += score * count;
    if (score >= 4) satisfied += count;
  }
  return {
    responses,
    meanCsat: responses === 0 ? null : Math.round((total / responses) * 100) / 100,
    satisfiedShare: responses === 0 ? null : satisfied / responses,
  };
}

/** A section the caller has no read permission for at all is null rather than failing the page. */
async function section<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if (isForbidden(error)) return null;
    throw error;
  }
}

function isForbidden(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'FORBIDDEN';
}
