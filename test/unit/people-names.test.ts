import { describe, expect, it } from 'vitest';
import { createNameLoader } from '../../src/ui/people-names.ts';

describe('createNameLoader', () => {
  it('fetches the ids asked for together in one request, once each, family name first', async () => {
    const requests: string[][] = [];
    const load = createNameLoader(async (ids) => {
      requests.push(ids);
      return ids.filter((id) => id !== 'ghost').map((id) => ({ id, first_name: '静', last_name: id === 'a' ? '陈' : '王' }));
    });
    const [first, second] = await Promise.all([load(['a', 'b']), load(['b', 'ghost'])]);
    expect(first).toEqual(['陈静', '王静']);
    expect(second).toEqual(['王静', 'ghost']);
    expect(requests).toEqual([['a', 'b', 'ghost']]);
    expect(await load(['a'])).toEqual(['陈静']);
    expect(requests).toHaveLength(1);
  });
});
