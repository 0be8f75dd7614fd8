import { describe, it, expect } from 'vitest';
import {
  assessComposition,
  boundaryDays,
  dayAfter,
  describeGaps,
  firstWorsenedDay,
  headcountOn,
  isCurrentMembership,
  nestedMembershipChanges,
  projectMemberships,
  toMembershipPatch,
  type CompositionLine,
  type CompositionRule,
  type DatedComposition,
  type DatedMember,
  type DepartmentLabel,
  type MembershipChanges,
  type MembershipRow,
} from '../../src/organisation/composition.ts';

const LABELS = new Map<string, DepartmentLabel>([
  ['marketing', { code: 'marketing', name_zh: '市场部', name_en: 'Marketing' }],
  ['sales', { code: 'sales', name_zh: '销售部', name_en: 'Sales' }],
  ['hr', { code: 'hr', name_zh: '人力资源部', name_en: null }],
]);

const RULES: CompositionRule[] = [
  { department: 'marketing', minimum: 2, recommended: 3 },
  { department: 'sales', minimum: 2, recommended: null },
  { department: 'hr', minimum: 1, recommended: 1 },
];

const NONE: MembershipChanges = { create: [], update: [], delete: [] };

function changes(partial: Partial<MembershipChanges>): MembershipChanges {
  return { ...NONE, ...partial };
}

describe('assessComposition', () => {
  it('is satisfied with no lines when there are no rules', () => {
    const result = assessComposition([], new Map([['marketing', 5]]), LABELS);
    expect(result).toEqual({ lines: [], gaps: [], satisfied: true });
  });

  it('counts a department missing from the headcount as zero and reports every field of the line', () => {
    const result = assessComposition([RULES[0]!], new Map(), LABELS);
    expect(result.lines).toEqual([
      {
        department: 'marketing',
        name_zh: '市场部',
        name_en: 'Marketing',
        minimum: 2,
        recommended: 3,
        members: 0,
        shortfall: 2,
        belowRecommended: 3,
      },
    ]);
    expect(result.gaps).toEqual(result.lines);
    expect(result.satisfied).toBe(false);
  });

  it('is satisfied when every department meets exactly its minimum', () => {
    const result = assessComposition(RULES, new Map([['marketing', 2], ['sales', 2], ['hr', 1]]), LABELS);
    expect(result.satisfied).toBe(true);
    expect(result.gaps).toEqual([]);
    expect(result.lines.map((l) => [l.department, l.members, l.shortfall, l.belowRecommended])).toEqual([
      ['marketing', 2, 0, 1],
      ['sales', 2, 0, 0],
      ['hr', 1, 0, 0],
    ]);
  });

  it('lists only the departments below minimum as gaps, in rule order', () => {
    const result = assessComposition(RULES, new Map([['marketing', 1], ['sales', 5], ['hr', 0]]), LABELS);
    expect(result.satisfied).toBe(false);
    expect(result.gaps.map((g) => [g.department, g.members, g.shortfall])).toEqual([
      ['marketing', 1, 1],
      ['hr', 0, 1],
    ]);
    expect(result.lines).toHaveLength(3);
  });

  it('never reports a negative shortfall or belowRecommended when over-staffed', () => {
    const result = assessComposition(RULES, new Map([['marketing', 9], ['sales', 9], ['hr', 9]]), LABELS);
    for (const line of result.lines) {
      expect(line.shortfall).toBe(0);
      expect(line.belowRecommended).toBe(0);
    }
  });

  it('reports belowRecommended without making it a gap', () => {
    const result = assessComposition([RULES[0]!], new Map([['marketing', 2]]), LABELS);
    expect(result.lines[0]!.belowRecommended).toBe(1);
    expect(result.satisfied).toBe(true);
  });

  it('treats a minimum of zero as always met', () => {
    const result = assessComposition([{ department: 'sales', minimum: 0, recommended: 2 }], new Map(), LABELS);
    expect(result.satisfied).toBe(true);
    expect(result.lines[0]).toMatchObject({ members: 0, shortfall: 0, belowRecommended: 2 });
  });

  it('ignores headcount of departments without a rule', () => {
    const result = assessComposition([RULES[2]!], new Map([['hr', 1], ['finance', 7]]), LABELS);
    expect(result.lines.map((l) => l.department)).toEqual(['hr']);
    expect(result.satisfied).toBe(true);
  });

  it('falls back to the department code when no label exists', () => {
    const result = assessComposition([{ department: 'tech', minimum: 2, recommended: 2 }], new Map([['tech', 1]]), LABELS);
    expect(result.lines[0]).toMatchObject({ department: 'tech', name_zh: 'tech', name_en: null, shortfall: 1 });
  });

  it('keeps a null English label as null', () => {
    const result = assessComposition([RULES[2]!], new Map(), LABELS);
    expect(result.lines[0]).toMatchObject({ name_zh: '人力资源部', name_en: null });
  });
});

describe('describeGaps', () => {
  const line = (overrides: Partial<CompositionLine>): CompositionLine => ({
    department: 'marketing',
    name_zh: '市场部',
    name_en: 'Marketing',
    minimum: 2,
    recommended: 2,
    members: 1,
    shortfall: 1,
    belowRecommended: 1,
    ...overrides,
  });

  it('is the empty string when there are no gaps', () => {
    expect(describeGaps([])).toBe('');
  });

  it('writes one bilingual part per gap as members/minimum, joined with "; "', () => {
    expect(
      describeGaps([line({}), line({ department: 'hr', name_zh: '人力资源部', name_en: 'Human resources', minimum: 1, members: 0 })]),
    ).toBe('市场部 (Marketing) 1/2; 人力资源部 (Human resources) 0/1');
  });

  it('omits the parentheses when there is no English name', () => {
    expect(describeGaps([line({ name_en: null, members: 0 })])).toBe('市场部 0/2');
    expect(describeGaps([line({ name_en: '', members: 0 })])).toBe('市场部 0/2');
  });

  it('works on the gaps of an assessment', () => {
    const { gaps } = assessComposition(RULES, new Map([['sales', 1]]), LABELS);
    expect(describeGaps(gaps)).toBe('市场部 (Marketing) 0/2; 销售部 (Sales) 1/2; 人力资源部 0/1');
  });
});

describe('isCurrentMembership', () => {
  const today = '2025-03-15';

  it('is current with open start and end', () => {
    expect(isCurrentMembership({ since: null, until: null }, today)).toBe(true);
  });

  it('is current from the day it starts', () => {
    expect(isCurrentMembership({ since: '2025-03-15', until: null }, today)).toBe(true);
    expect(isCurrentMembership({ since: '2025-03-14', until: null }, today)).toBe(true);
  });

  it('is not current when it starts in the future', () => {
    expect(isCurrentMembership({ since: '2025-03-16', until: null }, today)).toBe(false);
  });

  it('is current on the `until` day (the last day of membership) and not after it', () => {
    expect(isCurrentMembership({ since: null, until: '2025-03-15' }, today)).toBe(true);
    expect(isCurrentMembership({ since: '2025-01-01', until: '2025-03-15' }, today)).toBe(true);
    expect(isCurrentMembership({ since: null, until: '2025-03-14' }, today)).toBe(false);
  });

  it('is current when it ends tomorrow', () => {
    expect(isCurrentMembership({ since: null, until: '2025-03-16' }, today)).toBe(true);
  });

  it('is not current when it ended in the past', () => {
    expect(isCurrentMembership({ since: '2024-01-01', until: '2025-01-01' }, today)).toBe(false);
  });

  it('is a one-day membership when since equals until', () => {
    expect(isCurrentMembership({ since: today, until: today }, today)).toBe(true);
    expect(isCurrentMembership({ since: today, until: today }, '2025-03-16')).toBe(false);
  });

  it('compares only the date part of date-time values', () => {
    expect(isCurrentMembership({ since: '2025-03-15T23:59:59.000Z', until: null }, today)).toBe(true);
    expect(isCurrentMembership({ since: null, until: '2025-03-14T23:59:59.000Z' }, today)).toBe(false);
    expect(isCurrentMembership({ since: '2025-03-16T00:00:00Z', until: null }, today)).toBe(false);
    expect(isCurrentMembership({ since: null, until: '2025-03-15 00:00:00' }, today)).toBe(true);
  });

  it('treats an empty string like no bound', () => {
    expect(isCurrentMembership({ since: '', until: '' }, today)).toBe(true);
  });

  it('handles year and month boundaries lexically', () => {
    expect(isCurrentMembership({ since: '2024-12-31', until: '2024-12-31' }, '2024-12-31')).toBe(true);
    expect(isCurrentMembership({ since: '2024-12-31', until: '2024-12-31' }, '2025-01-01')).toBe(false);
    expect(isCurrentMembership({ since: '2025-09-30', until: '2025-10-01' }, '2025-10-01')).toBe(true);
  });
});

describe('composition over the days to come', () => {
  const today = '2025-03-15';
  const SMALL: CompositionRule[] = [
    { department: 'marketing', minimum: 2, recommended: null },
    { department: 'hr', minimum: 1, recommended: null },
  ];
  const member = (user: string, department: string, since: string | null = null, until: string | null = null): DatedMember => ({ user, department, since, until });
  const atMinimum = (): DatedMember[] => [member('m1', 'marketing'), member('m2', 'marketing'), member('h1', 'hr')];
  const team = (members: DatedMember[], rules: CompositionRule[] = SMALL): DatedComposition => ({ rules, members });

  it('dayAfter crosses months, years and leap days', () => {
    expect(dayAfter('2025-03-15')).toBe('2025-03-16');
    expect(dayAfter('2025-01-31')).toBe('2025-02-01');
    expect(dayAfter('2024-12-31')).toBe('2025-01-01');
    expect(dayAfter('2024-02-28')).toBe('2024-02-29');
    expect(dayAfter('2025-02-28')).toBe('2025-03-01');
  });

  it('the boundary days are today, later first days and the days after last days from today on, once each, in order', () => {
    const days = boundaryDays(
      [
        { since: '2025-04-01', until: null },
        { since: '2025-01-01', until: '2025-03-15' },
        { since: null, until: '2025-03-31' },
        { since: null, until: '2025-03-10' },
        { since: '2025-04-01', until: '2025-06-30' },
      ],
      today,
    );
    expect(days).toEqual(['2025-03-15', '2025-03-16', '2025-04-01', '2025-07-01']);
  });

  it('counts each person once per department on a day, within [since, until]', () => {
    const members = [member('m1', 'marketing'), member('m1', 'marketing', null, '2025-03-20'), member('m2', 'marketing', '2025-03-16'), member('h1', 'hr', null, '2025-03-14'), member('x', '')];
    expect([...headcountOn(members, today)]).toEqual([['marketing', 1]]);
    expect([...headcountOn(members, '2025-03-16')]).toEqual([['marketing', 2]]);
  });

  it('a membership ending tomorrow on a team at its minimum worsens the day after tomorrow', () => {
    const before = team(atMinimum());
    const after = team([member('m1', 'marketing', null, '2025-03-16'), member('m2', 'marketing'), member('h1', 'hr')]);
    const worse = firstWorsenedDay(before, after, LABELS, today);
    expect(worse?.day).toBe('2025-03-17');
    expect(worse?.gaps.map((g) => [g.department, g.members, g.shortfall])).toEqual([['marketing', 1, 1]]);
  });

  it('a membership ending today still counts today (its last day) and worsens tomorrow', () => {
    const after = team([member('m1', 'marketing', null, today), member('m2', 'marketing'), member('h1', 'hr')]);
    expect(firstWorsenedDay(team(atMinimum()), after, LABELS, today)?.day).toBe('2025-03-16');
  });

  it('a replacement who joins by the day after the last day keeps every day at the minimum', () => {
    const after = team([member('m1', 'marketing', null, '2025-03-31'), member('m3', 'marketing', '2025-04-01'), member('m2', 'marketing'), member('h1', 'hr')]);
    expect(firstWorsenedDay(team(atMinimum()), after, LABELS, today)).toBeNull();
    const late = team([member('m1', 'marketing', null, '2025-03-31'), member('m3', 'marketing', '2025-04-02'), member('m2', 'marketing'), member('h1', 'hr')]);
    expect(firstWorsenedDay(team(atMinimum()), late, LABELS, today)?.day).toBe('2025-04-01');
  });

  it('an ending already scheduled does not make an unrelated change worse; moving it earlier does', () => {
    const scheduled = [member('m1', 'marketing', null, '2025-05-31'), member('m2', 'marketing'), member('h1', 'hr'), member('h2', 'hr')];
    const unrelated = [...scheduled.slice(0, 3)];
    expect(firstWorsenedDay(team(scheduled), team(unrelated), LABELS, today)).toBeNull();
    const earlier = [member('m1', 'marketing', null, '2025-04-30'), ...scheduled.slice(1)];
    expect(firstWorsenedDay(team(scheduled), team(earlier), LABELS, today)?.day).toBe('2025-05-01');
  });

  it('memberships that ended in the past play no part', () => {
    const withPast = [...atMinimum(), member('old', 'hr', '2024-01-01', '2024-12-31')];
    expect(boundaryDays(withPast, today)).toEqual([today]);
    expect(firstWorsenedDay(team(withPast), team(atMinimum()), LABELS, today)).toBeNull();
  });

  it('activating (no state to compare with) needs every minimum met on every day to come', () => {
    expect(firstWorsenedDay(null, team(atMinimum()), LABELS, today)).toBeNull();
    const leaving = team([member('m1', 'marketing'), member('m2', 'marketing'), member('h1', 'hr', null, '2025-06-30')]);
    const gap = firstWorsenedDay(null, leaving, LABELS, today);
    expect([gap?.day, gap?.gaps.map((g) => g.department)]).toEqual(['2025-07-01', ['hr']]);
    const joiningLater = team([member('m1', 'marketing'), member('m2', 'marketing', '2025-03-20'), member('h1', 'hr')]);
    expect(firstWorsenedDay(null, joiningLater, LABELS, today)?.day).toBe(today);
  });

  it('a raised minimum is judged on the days to come with the new rules', () => {
    const raised = team(atMinimum(), [{ department: 'marketing', minimum: 3, recommended: null }, SMALL[1]!]);
    expect(firstWorsenedDay(team(atMinimum()), raised, LABELS, today)?.day).toBe(today);
  });
});

describe('projectMemberships', () => {
  const existing: MembershipRow[] = [
    { id: 1, team: 10, user: 'u1', since: '2025-01-01', until: null },
    { id: 2, team: 10, user: 'u2', since: null, until: null },
    { id: 3, team: 10, user: 'u3', since: null, until: '2026-01-01' },
  ];

  it('returns the existing rows unchanged when there are no changes', () => {
    expect(projectMemberships(10, existing, NONE)).toEqual(existing);
  });

  it('returns nothing for an empty team with no changes', () => {
    expect(projectMemberships(10, [], NONE)).toEqual([]);
  });

  it('drops deleted rows, matching ids across number and string', () => {
    const result = projectMemberships(10, existing, changes({ delete: ['2', 3] }));
    expect(result.map((r) => r.id)).toEqual([1]);
  });

  it('ignores deletes of rows that are not in the team', () => {
    expect(projectMemberships(10, existing, changes({ delete: [99] }))).toEqual(existing);
  });

  it('merges updates into existing rows, keeping fields the update does not mention', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 1, until: '2025-03-01' }] }));
    expect(result[0]).toEqual({ id: 1, team: 10, user: 'u1', since: '2025-01-01', until: '2025-03-01' });
    expect(result.slice(1)).toEqual(existing.slice(1));
  });

  it('matches an update to an existing row when the ids differ only in number/string spelling', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: '2', user: 'u9' }] }));
    expect(result.map((r) => r.user)).toEqual(['u1', 'u9', 'u3']);
    expect(result).toHaveLength(3);
  });

  it('lets an update set a date back to null', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 3, until: null }] }));
    expect(result[2]).toEqual({ id: 3, team: 10, user: 'u3', since: null, until: null });
  });

  it('drops a row moved away to another team', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 2, team: 11 }] }));
    expect(result.map((r) => r.id)).toEqual([1, 3]);
  });

  it('drops a row whose team is set to null', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 2, team: null }] }));
    expect(result.map((r) => r.id)).toEqual([1, 3]);
  });

  it('keeps a row whose team is set to the same team given as a string', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 2, team: '10' }] }));
    expect(result.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('delete wins over update for the same row', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 1, user: 'u9' }], delete: [1] }));
    expect(result.map((r) => r.id)).toEqual([2, 3]);
  });

  it('adds a row moved in from another team, with only the updated fields known', () => {
    const result = projectMemberships(10, existing, changes({ update: [{ id: 42, team: 10, user: 'u42' }] }));
    expect(result).toHaveLength(4);
    expect(result[3]).toEqual({ id: 42, team: 10, user: 'u42', since: null, until: null });
  });

  it('adds a moved-in row with its dates and keeps the team id as given by the caller', () => {
    const result = projectMemberships('10', [], changes({ update: [{ id: 42, team: 10, user: 'u42', since: '2025-02-01', until: '2025-12-01' }] }));
    expect(result).toEqual([{ id: 42, team: '10', user: 'u42', since: '2025-02-01', until: '2025-12-01' }]);
  });

  it('ignores updates of unknown rows that do not target this team', () => {
    expect(projectMemberships(10, existing, changes({ update: [{ id: 42, user: 'u42' }] }))).toEqual(existing);
    expect(projectMemberships(10, existing, changes({ update: [{ id: 42, team: 11, user: 'u42' }] }))).toEqual(existing);
  });

  it('ignores a moved-in row that is also deleted', () => {
    expect(projectMemberships(10, [], changes({ update: [{ id: 42, team: 10, user: 'u42' }], delete: ['42'] }))).toEqual([]);
  });

  it('adds created rows, defaulting their team to this team', () => {
    const result = projectMemberships(10, [], changes({ create: [{ user: 'u5' }, { user: 'u6', team: 10, since: '2025-01-01' }] }));
    expect(result).toEqual([
      { team: 10, user: 'u5', since: null, until: null },
      { team: 10, user: 'u6', since: '2025-01-01', until: null },
    ]);
  });

  it('defaults a created row with team null to this team', () => {
    expect(projectMemberships(10, [], changes({ create: [{ user: 'u5', team: null }] }))).toEqual([
      { team: 10, user: 'u5', since: null, until: null },
    ]);
  });

  it('skips created rows for another team', () => {
    expect(projectMemberships(10, [], changes({ create: [{ user: 'u5', team: 11 }] }))).toEqual([]);
  });

  it('matches a created row whose team is the same id as a string', () => {
    expect(projectMemberships(10, [], changes({ create: [{ user: 'u5', team: '10' }] }))).toEqual([
      { team: '10', user: 'u5', since: null, until: null },
    ]);
  });

  it('drops existing rows that do not belong to the team even without changes', () => {
    const mixed: MembershipRow[] = [...existing, { id: 7, team: 11, user: 'u7', since: null, until: null }];
    expect(projectMemberships(10, mixed, NONE).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('applies create, update and delete together in order existing, moved in, created', () => {
    const result = projectMemberships(
      10,
      existing,
      changes({
        create: [{ user: 'u8' }],
        update: [
          { id: 1, until: '2025-02-01' },
          { id: 50, team: 10, user: 'u50' },
        ],
        delete: [3],
      }),
    );
    expect(result.map((r) => r.user)).toEqual(['u1', 'u2', 'u50', 'u8']);
    expect(result[0]!.until).toBe('2025-02-01');
  });

  it('does not mutate its inputs', () => {
    const copy = structuredClone(existing);
    const change = changes({ update: [{ id: 1, until: '2025-02-01' }], delete: [2] });
    const changeCopy = structuredClone(change);
    projectMemberships(10, existing, change);
    expect(existing).toEqual(copy);
    expect(change).toEqual(changeCopy);
  });
});

describe('toMembershipPatch', () => {
  it('is empty for an empty entry', () => {
    expect(toMembershipPatch({})).toEqual({});
  });

  it('copies only the fields present and ignores unknown ones', () => {
    const patch = toMembershipPatch({ id: 4, until: '2025-05-01', role: 'lead', sort: 3 });
    expect(patch).toEqual({ id: 4, until: '2025-05-01' });
    expect('user' in patch).toBe(false);
    expect('team' in patch).toBe(false);
    expect('since' in patch).toBe(false);
  });

  it('reduces nested relational objects to their keys', () => {
    expect(toMembershipPatch({ team: { id: 10, name: 'A' }, user: { id: 'u1', first_name: 'Ann' } })).toEqual({ team: 10, user: 'u1' });
  });

  it('keeps bare relational keys', () => {
    expect(toMembershipPatch({ team: '10', user: 'u1' })).toEqual({ team: '10', user: 'u1' });
  });

  it('turns null or key-less relational values into null, keeping the field', () => {
    expect(toMembershipPatch({ team: null, user: null })).toEqual({ team: null, user: null });
    expect(toMembershipPatch({ user: { first_name: 'Ann' } })).toEqual({ user: null });
  });

  it('turns present-but-undefined dates into null', () => {
    expect(toMembershipPatch({ since: undefined, until: null })).toEqual({ since: null, until: null });
  });

  it('keeps the id even when it is null', () => {
    expect(toMembershipPatch({ id: null })).toEqual({ id: null });
  });
});

describe('nestedMembershipChanges', () => {
  it('returns null when the payload does not mention members', () => {
    expect(nestedMembershipChanges(undefined, [1, 2], 10)).toBeNull();
  });

  it('returns null for a scalar payload', () => {
    expect(nestedMembershipChanges(5, [1], 10)).toBeNull();
    expect(nestedMembershipChanges('x', [1], 10)).toBeNull();
  });

  describe('array form', () => {
    it('deletes every existing row for an empty array', () => {
      expect(nestedMembershipChanges([], [1, 2], 10)).toEqual({ create: [], update: [], delete: [1, 2] });
    });

    it('keeps rows listed by bare id and deletes the omitted ones', () => {
      expect(nestedMembershipChanges([1, '3'], [1, 2, 3], 10)).toEqual({ create: [], update: [], delete: [2] });
    });

    it('keeps ids regardless of number/string spelling and returns omitted ids as given', () => {
      expect(nestedMembershipChanges(['1'], [1, '2'], 10)).toEqual({ create: [], update: [], delete: ['2'] });
    });

    it('treats objects with an id as updates (kept) and objects without one as creates', () => {
      const result = nestedMembershipChanges(
        [{ id: 1, until: '2025-06-01' }, { user: 'u9', since: '2025-01-01' }, { id: null, user: { id: 'u10' } }],
        [1, 2],
        10,
      );
      expect(result).toEqual({
        create: [{ user: 'u9', since: '2025-01-01', team: 10 }, { id: null, user: 'u10', team: 10 }],
        update: [{ id: 1, until: '2025-06-01', team: 10 }],
        delete: [2],
      });
    });

    it('ignores entries that are neither keys nor objects', () => {
      expect(nestedMembershipChanges([null, true, [1]], [1], 10)).toEqual({ create: [], update: [], delete: [1] });
    });

    it('creates nothing and deletes nothing on a new team', () => {
      expect(nestedMembershipChanges([{ user: 'u1' }], [], 10)).toEqual({ create: [{ user: 'u1', team: 10 }], update: [], delete: [] });
    });

    it('projects to the listed rows only (omitted existing ids become deletes)', () => {
      const existing: MembershipRow[] = [
        { id: 1, team: 10, user: 'u1', since: null, until: null },
        { id: 2, team: 10, user: 'u2', since: null, until: null },
      ];
      const c = nestedMembershipChanges([2, { user: 'u3' }], [1, 2], 10)!;
      expect(projectMemberships(10, existing, c).map((r) => r.user)).toEqual(['u2', 'u3']);
    });
  });

  describe('detailed form', () => {
    it('reads create, update and delete', () => {
      const result = nestedMembershipChanges(
        {
          create: [{ user: 'u5', team: 10, since: '2025-01-01' }],
          update: [{ id: 2, until: '2025-04-01', user: { id: 'u2' } }],
          delete: [3, '4'],
        },
        [1, 2, 3, 4],
        10,
      );
      expect(result).toEqual({
        create: [{ user: 'u5', team: 10, since: '2025-01-01' }],
        update: [{ id: 2, until: '2025-04-01', user: 'u2', team: 10 }],
        delete: [3, '4'],
      });
    });

    it('does not delete rows it does not name (unlike the array form)', () => {
      expect(nestedMembershipChanges({ create: [{ user: 'u5' }] }, [1, 2], 10)).toEqual({
        create: [{ user: 'u5', team: 10 }],
        update: [],
        delete: [],
      });
    });

    it('is an empty change set for an empty object', () => {
      expect(nestedMembershipChanges({}, [1], 10)).toEqual({ create: [], update: [], delete: [] });
    });

    it('skips updates without an id, malformed entries and non-key deletes', () => {
      expect(
        nestedMembershipChanges(
          { create: [null, 5, { user: 'u1' }], update: [{ until: '2025-01-01' }, 'x'], delete: [{ id: 1 }, null, 2] },
          [1, 2],
          10,
        ),
      ).toEqual({ create: [{ user: 'u1', team: 10 }], update: [], delete: [2] });
    });

    it('ignores create/update/delete that are not arrays', () => {
      expect(nestedMembershipChanges({ create: { user: 'u1' }, update: 'x', delete: 3 }, [3], 10)).toEqual({
        create: [],
        update: [],
        delete: [],
      });
    });

    it('keeps a nested row in the team even when the update names another team (Directus re-links it)', () => {
      const existing: MembershipRow[] = [{ id: 1, team: 10, user: 'u1', since: null, until: null }];
      const c = nestedMembershipChanges({ update: [{ id: 1, team: { id: 11 } }] }, [1], 10)!;
      expect(projectMemberships(10, existing, c).map((r) => r.user)).toEqual(['u1']);
    });
  });

  /*
   * Directus's own processing of a nested O2M payload (PayloadService.processO2M, directus 11):
   *  - a falsy value (e.g. `members: null`) is handled like an empty array: every current row is
   *    unlinked or deleted;
   *  - in the array form, every listed id/object that belongs to another team gets its foreign key set
   *    to this team (it is moved in);
   *  - in the detailed form, every `update` entry whose row is in another team is moved into this team;
   *  - `create` entries always get this team, whatever team they carry.
   * The following tests check that the pure functions reproduce what Directus will actually write.
   */
  describe('agreement with Directus nested O2M semantics', () => {
    const existing: MembershipRow[] = [
      { id: 1, team: 10, user: 'u1', since: null, until: null },
      { id: 2, team: 10, user: 'u2', since: null, until: null },
    ];

    it('members: null removes every current row, as Directus does', () => {
      expect(nestedMembershipChanges(null, [1, 2], 10)).toEqual({ create: [], update: [], delete: [1, 2] });
    });

    it('array form: an object with the id of another team\'s row moves that row into the team', () => {
      const c = nestedMembershipChanges([1, 2, { id: 99, user: 'u99', since: null, until: null }], [1, 2], 10)!;
      expect(projectMemberships(10, existing, c).map((r) => r.user)).toEqual(['u1', 'u2', 'u99']);
    });

    it('detailed form: updating another team\'s row moves it into the team', () => {
      const c = nestedMembershipChanges({ update: [{ id: 99, user: 'u99' }] }, [1, 2], 10)!;
      expect(projectMemberships(10, existing, c).map((r) => r.user)).toEqual(['u1', 'u2', 'u99']);
    });

    it('detailed form: a created row belongs to this team whatever team it names', () => {
      const c = nestedMembershipChanges({ create: [{ user: 'u5', team: 11 }] }, [1, 2], 10)!;
      expect(projectMemberships(10, existing, c).map((r) => r.user)).toEqual(['u1', 'u2', 'u5']);
    });
  });
});
