import { describe, expect, it } from 'vitest';
import { wholeRefusal } from '../../src/ui/refusal-dialogs.ts';

const body = { message: '团队「甲」还不能启用:技术部现有 1 人,最少需要 2 人。请先从这些部门补充成员,或让团队保持“组建中”。', extensions: { code: 'COMPOSITION_BELOW_MINIMUM', team: '甲' } };

describe('wholeRefusal', () => {
  it.each([
    ['the error body itself', body],
    ['an SDK error', { errors: [body], response: {} }],
    ['an axios error', { response: { data: { errors: [body] } } }],
  ])('puts a Concord refusal whole in the dialog text and leaves the code below (%s)', (_shape, error) => {
    const notification: { dialog: boolean; text?: string; error: unknown } = { dialog: true, error };
    wholeRefusal(notification);
    expect(notification.text).toBe(body.message);
    expect(notification.error).toEqual({ message: '', extensions: body.extensions });
  });

  it('leaves Directus’s own errors and non-dialog notices as they are', () => {
    const forbidden = { dialog: true, error: { message: 'You don’t have permission', extensions: { code: 'FORBIDDEN' } } };
    wholeRefusal(forbidden);
    expect(forbidden).toEqual({ dialog: true, error: { message: 'You don’t have permission', extensions: { code: 'FORBIDDEN' } } });
    const toast: { dialog: boolean; text?: string; error: unknown } = { dialog: false, error: body };
    wholeRefusal(toast);
    expect(toast.text).toBeUndefined();
  });
});

describe('wholeRefusal, applied twice', () => {
  it('changes nothing the second time', () => {
    const notification: { dialog: boolean; text?: string; error: unknown } = { dialog: true, error: body };
    wholeRefusal(notification);
    wholeRefusal(notification);
    expect(notification.text).toBe(body.message);
  });
});
