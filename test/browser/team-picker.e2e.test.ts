import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_PASSWORD, concord, createStaff, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * Issue 18 item 15: choosing a team member in Studio. 孙丽 (HR head, team.build) adds a member to a
 * demo team: the picker lists people by their full Chinese name in one column headed 姓名, with their
 * department, never the admin or anyone else without a department, and its search narrows the list.
 * In English the same picker says Name / Department and puts a Latin given name first. Nothing is saved.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function signInAs(email: string, language: 'zh-CN' | 'en-US'): Promise<Page> {
  const [user] = await rawAdmin<Array<{ id: string }>>('GET', `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=id`);
  await rawAdmin('PATCH', `/users/${user!.id}`, { language });
  return signInToStudio(browser, email, concord().staffPassword);
}

/** The picker's rows as [name, department, e-mail]. */
async function rowsOf(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr.table-row').evaluateAll((rows) =>
    rows.map((row) => ['person-name', 'person-department', 'person-email'].map((part) => (row.querySelector(`[data-cc="${part}"]`)?.textContent ?? '').trim())),
  );
}

describe('the team member picker', () => {
  it('lists people by full name and department under Chinese headers, without system users; search narrows it and a choice fills the field', async () => {
    const [team] = await rawAdmin<Array<{ id: number; members: number[] }>>('GET', `/items/cc_teams?filter[name][_eq]=${encodeURIComponent('新零售客户拓展小组')}&fields=id,members`);
    const withoutDepartment = await rawAdmin<Array<{ email: string | null }>>('GET', '/users?filter[cc_department][_null]=true&fields=email&limit=-1');
    expect(withoutDepartment.map((u) => u.email)).toContain('admin@example.com');

    const page = await signInAs('sun.li@example.com', 'zh-CN');
    try {
      await page.goto(`${concord().url}/admin/content/cc_teams/${team!.id}`);
      await page.locator('[data-field="members"]').getByRole('button', { name: '新建' }).click();
      const userField = page.locator('[data-field="user"]').last();
      await userField.locator('.v-list-item').first().click();

      const drawer = page.locator('.cc-people-drawer');
      await drawer.waitFor({ timeout: 30_000 });
      const table = drawer.locator('.cc-people-table');
      await expect.poll(async () => (await rowsOf(table)).length, { timeout: 30_000 }).toBeGreaterThan(5);

      // One name column headed 姓名, then the department; not Directus's 名 / 姓.
      const headers = (await table.locator('thead th').allInnerTexts()).map((text) => text.trim()).filter(Boolean);
      expect(headers).toEqual(['姓名', '部门', '邮箱']);

      const rows = await rowsOf(table);
      expect(rows).toContainEqual(['陈静', '销售部', 'chen.jing@example.com']);
      expect(rows).toContainEqual(['孙丽', '人力资源部', 'sun.li@example.com']);
      for (const row of rows) expect(row[1], `${row.join(' ')} has a department`).not.toBe('');
      const shown = rows.map((row) => row[2]);
      for (const user of withoutDepartment) expect(shown).not.toContain(user.email);
      await page.screenshot({ path: join(SCREENSHOTS, 'team-picker-zh.png') });

      // The admin is not found even by name; 陈静 is found by her full name.
      const search = drawer.locator('.cc-people-search input');
      await search.fill('admin');
      await expect.poll(async () => drawer.locator('tbody').innerText(), { timeout: 15_000 }).toContain('没有符合条件的人员');
      await search.fill('陈静');
      await expect.poll(async () => rowsOf(table), { timeout: 15_000 }).toEqual([['陈静', '销售部', 'chen.jing@example.com']]);

      await table.locator('tbody tr.table-row').first().click();
      await drawer.waitFor({ state: 'detached', timeout: 15_000 });
      await expect.poll(async () => userField.locator('.v-list-item').first().innerText(), { timeout: 15_000 }).toContain('陈静 (销售部)');
    } finally {
      await page.close();
    }
    // Closed without saving: the team keeps its members.
    const [after] = await rawAdmin<Array<{ members: number[] }>>('GET', `/items/cc_teams?filter[id][_eq]=${team!.id}&fields=members`);
    expect(after!.members).toEqual(team!.members);
  });

  it('speaks English to an English reader: Name / Department, given name first for a Latin name, a Chinese name as written', async () => {
    const builder = await createStaff('hr', { label: 'picker-hr' });
    await rawAdmin('PATCH', `/users/${builder.id}`, { language: 'en-US' });
    const tag = `Picker${Date.now().toString(36)}`;
    const colleague = await rawAdmin<{ id: string }>('POST', '/users', { email: `${tag.toLowerCase()}@example.com`, first_name: 'Jing', last_name: tag, cc_department: 'sales', status: 'active' });
    const team = await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${tag} team`, status: 'forming' });
    const page = await signInToStudio(browser, builder.email, TEST_STAFF_PASSWORD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_teams/${team.id}`);
      await page.locator('[data-field="members"]').getByRole('button', { name: 'Create New' }).click();
      const userField = page.locator('[data-field="user"]').last();
      await userField.locator('.v-list-item').first().click();
      const drawer = page.locator('.cc-people-drawer');
      await drawer.waitFor({ timeout: 30_000 });
      const table = drawer.locator('.cc-people-table');
      await expect.poll(async () => (await rowsOf(table)).length, { timeout: 30_000 }).toBeGreaterThan(5);
      expect((await table.locator('thead th').allInnerTexts()).map((text) => text.trim()).filter(Boolean)).toEqual(['Name', 'Department', 'Email']);
      expect(await rowsOf(table)).toContainEqual(['陈静', 'Sales', 'chen.jing@example.com']);

      await drawer.locator('.cc-people-search input').fill(`jing ${tag}`);
      await expect.poll(async () => rowsOf(table), { timeout: 15_000 }).toEqual([[`Jing ${tag}`, 'Sales', `${tag.toLowerCase()}@example.com`]]);
      await table.locator('tbody tr.table-row').first().click();
      await expect.poll(async () => userField.locator('.v-list-item').first().innerText(), { timeout: 15_000 }).toContain(`Jing ${tag} (Sales)`);
    } finally {
      await page.close();
      await rawAdmin('DELETE', `/items/cc_teams/${team.id}`).catch(() => undefined);
      await rawAdmin('DELETE', `/users/${colleague.id}`).catch(() => undefined);
    }
  });
});
