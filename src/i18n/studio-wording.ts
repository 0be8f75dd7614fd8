import type { Localized } from './language.ts';

/**
 * Studio's own sentences that Concord words differently (Directus translation keys, applied as
 * custom translations, which take precedence over the built-in ones). Directus cannot tell a
 * collection that does not exist from one the user may not read, nor an empty list from one whose
 * rows the user may not see, so these say both.
 */
export const STUDIO_WORDING: Record<string, Localized> = {
  page_not_found: { 'zh-CN': '找不到页面,或你无权查看', 'en-US': 'Not found, or not yours to see' },
  page_not_found_body: {
    'zh-CN': '这个页面不存在,或者你没有查看它的权限。如果工作需要查看这些数据,请联系管理员为你的部门开通。',
    'en-US': "This page doesn't exist, or you may not see it. If your work needs this data, ask an admin to open it to your department.",
  },
  no_items_copy: {
    'zh-CN': '这里没有你可以查看的记录:可能还没有记录,或者记录不在你的查看权限之内。',
    'en-US': 'No records you can see: there are none yet, or none within what you may see.',
  },
};
