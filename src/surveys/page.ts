/**
 * The page a customer opens from the survey link: plain HTML that works without JavaScript and on a
 * phone — CSAT 1–5 as large choices, NPS 0–10 when the survey asks, a comment. Chinese first;
 * English when the browser prefers it (or `?lang=en`).
 */

export type PageLanguage = 'zh-CN' | 'en-US';

export function pageLanguage(acceptLanguage: unknown, override: unknown): PageLanguage {
  if (override === 'en' || override === 'en-US') return 'en-US';
  if (override === 'zh' || override === 'zh-CN') return 'zh-CN';
  const first = typeof acceptLanguage === 'string' ? acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '' : '';
  return first.startsWith('en') ? 'en-US' : 'zh-CN';
}

const TEXT = {
  'zh-CN': {
    title: '服务满意度调查',
    intro: (subject: string) => `关于「${subject}」,您对我们的处理满意吗?`,
    csat: '整体满意度',
    csatLow: '非常不满意',
    csatHigh: '非常满意',
    nps: '您有多大可能把我们推荐给朋友或同事?',
    npsLow: '不可能',
    npsHigh: '极有可能',
    comment: '还有什么想告诉我们的?(选填)',
    submit: '提交',
    thanks: '感谢您的反馈!',
    thanksBody: '您的评价已收到,我们会认真改进。',
    problem: '无法打开此调查',
    answered: '您已经提交过这份调查',
    answeredBody: '此调查已经提交过了,感谢您的反馈!如还有想告诉我们的,欢迎直接联系我们。',
    reach: '联系我们',
    switchTo: 'English',
  },
  'en-US': {
    title: 'How did we do?',
    intro: (subject: string) => `How satisfied are you with how we handled "${subject}"?`,
    csat: 'Overall satisfaction',
    csatLow: 'Very dissatisfied',
    csatHigh: 'Very satisfied',
    nps: 'How likely are you to recommend us to a friend or colleague?',
    npsLow: 'Not at all likely',
    npsHigh: 'Extremely likely',
    comment: 'Anything else you would like to tell us? (optional)',
    submit: 'Send',
    thanks: 'Thank you for your feedback!',
    thanksBody: 'We have your answer and will act on it.',
    problem: 'This survey cannot be opened',
    answered: 'You have already answered this survey',
    answeredBody: 'This survey has already been answered. Thank you for your feedback! If there is more you would like to tell us, please get in touch.',
    reach: 'Contact us',
    switchTo: '中文',
  },
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `
  body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 0; background: #f4f6fa; color: #172940; }
  main { max-width: 560px; margin: 0 auto; padding: 24px 16px 48px; }
  h1 { font-size: 22px; margin: 8px 0 16px; }
  fieldset { border: 0; padding: 0; margin: 0 0 24px; }
  legend { font-weight: 600; margin-bottom: 10px; }
  .scale { display: flex; flex-wrap: wrap; gap: 8px; }
  .scale label { flex: 1 0 40px; }
  .scale input { position: absolute; opacity: 0; }
  .scale span { display: block; text-align: center; padding: 12px 0; border: 2px solid #c9d3e0; border-radius: 10px; background: #fff; font-size: 18px; cursor: pointer; }
  .scale input:checked + span { border-color: #2f80ed; background: #2f80ed; color: #fff; }
  .scale input:focus-visible + span { outline: 3px solid #9cc3f7; }
  .ends { display: flex; justify-content: space-between; font-size: 13px; color: #5f708a; margin-top: 6px; }
  textarea { width: 100%; box-sizing: border-box; min-height: 96px; border: 2px solid #c9d3e0; border-radius: 10px; padding: 10px; font: inherit; }
  button { width: 100%; padding: 14px; font-size: 18px; border: 0; border-radius: 10px; background: #2f80ed; color: #fff; cursor: pointer; }
  .error { background: #fdecee; color: #a4262c; padding: 12px; border-radius: 10px; margin-bottom: 16px; }
  .lang { float: right; font-size: 14px; color: #2f80ed; }
  .company { font-size: 14px; color: #5f708a; margin: 0; }
  footer { margin-top: 32px; padding-top: 12px; border-top: 1px solid #c9d3e0; font-size: 14px; color: #5f708a; }
`;

/** Who the customer is answering, and how to reach them (the project's name and CONCORD_SURVEY_CONTACT). */
export interface Company {
  name: string | null;
  contact: string | null;
}

const NO_COMPANY: Company = { name: null, contact: null };

function page(language: PageLanguage, heading: string, body: string, langLink: string | null, company: Company): string {
  const who = company.name ? `<p class="company">${escapeHtml(company.name)}</p>` : '';
  const reach = company.contact ? `<footer>${TEXT[language].reach}:${escapeHtml(company.contact)}</footer>` : '';
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(heading)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${langLink ? `<a class="lang" href="${escapeHtml(langLink)}">${TEXT[language].switchTo}</a>` : ''}
${who}
<h1>${escapeHtml(heading)}</h1>
${body}
${reach}
</main></body>
</html>`;
}

function scale(name: string, from: number, to: number, low: string, high: string, chosen: number | null): string {
  const options = [];
  for (let n = from; n <= to; n += 1) {
    options.push(`<label><input type="radio" name="${name}" value="${n}"${chosen === n ? ' checked' : ''}${name === 'csat' ? ' required' : ''}><span>${n}</span></label>`);
  }
  return `<div class="scale">${options.join('')}</div><div class="ends"><span>${escapeHtml(low)}</span><span>${escapeHtml(high)}</span></div>`;
}

export interface SurveyForm {
  subject: string;
  askNps: boolean;
  action: string;
  error?: string | null;
  values?: { csat?: number | null; nps?: number | null; comment?: string | null };
}

export function surveyFormPage(language: PageLanguage, form: SurveyForm, company: Company = NO_COMPANY): string {
  const t = TEXT[language];
  const other = language === 'zh-CN' ? 'en' : 'zh';
  const body = `
<p>${escapeHtml(t.intro(form.subject))}</p>
${form.error ? `<p class="error" role="alert">${escapeHtml(form.error)}</p>` : ''}
<form method="post" action="${escapeHtml(form.action)}?lang=${language === 'zh-CN' ? 'zh' : 'en'}">
  <fieldset><legend>${t.csat}</legend>${scale('csat', 1, 5, t.csatLow, t.csatHigh, form.values?.csat ?? null)}</fieldset>
  ${form.askNps ? `<fieldset><legend>${t.nps}</legend>${scale('nps', 0, 10, t.npsLow, t.npsHigh, form.values?.nps ?? null)}</fieldset>` : ''}
  <fieldset><legend><label for="comment">${t.comment}</label></legend><textarea id="comment" name="comment" maxlength="2000">${escapeHtml(form.values?.comment ?? '')}</textarea></fieldset>
  <button type="submit">${t.submit}</button>
</form>`;
  return page(language, t.title, body, `${form.action}?lang=${other}`, company);
}

export function thanksPage(language: PageLanguage, company: Company = NO_COMPANY): string {
  return page(language, TEXT[language].thanks, `<p>${TEXT[language].thanksBody}</p>`, null, company);
}

/** A link already used: the customer answered, so they are thanked, not shown an error. */
export function answeredPage(language: PageLanguage, company: Company = NO_COMPANY): string {
  return page(language, TEXT[language].answered, `<p>${TEXT[language].answeredBody}</p>`, null, company);
}

export function problemPage(language: PageLanguage, message: string, company: Company = NO_COMPANY): string {
  return page(language, TEXT[language].problem, `<p class="error" role="alert">${escapeHtml(message)}</p>`, null, company);
}

/** What the customer reads for each refusal, in their language. */
export function problemMessage(language: PageLanguage, code: string | undefined, fallback: string): string {
  const zh = language === 'zh-CN';
  switch (code) {
    case 'INVALID_SURVEY_LINK':
      return zh ? '此链接无效。请使用邮件中的完整链接,或联系我们获取新的链接。' : fallback;
    case 'SURVEY_LINK_EXPIRED':
      return zh ? '此链接已过期。如仍想评价,请联系我们获取新的链接。' : fallback;
    case 'SURVEY_ANSWERED':
      return zh ? '此调查已经提交过了,感谢您的反馈!' : 'This survey has already been answered. Thank you for your feedback!';
    case 'UNREADABLE_BODY':
    case 'UNSUPPORTED_BODY':
      return zh ? '我们无法读取您提交的答卷。请回到调查页面,重新选择分数后再提交。' : 'We could not read your answer. Please go back to the survey page, choose your scores again and submit.';
    case 'BODY_TOO_LARGE':
      return zh ? '您提交的内容太长了。留言请不超过 2000 字,然后重新提交。' : 'Your answer is too long. Please keep the comment to 2000 characters and submit again.';
    case 'INVALID_PAYLOAD':
      return zh ? '请选择 1 到 5 分的满意度(推荐度为 0 到 10 分),留言不超过 2000 字。' : 'Please choose a satisfaction score from 1 to 5 (and a recommendation score from 0 to 10); comments are at most 2000 characters.';
    default:
      return zh ? '出了点问题,请稍后再试。' : 'Something went wrong; please try again later.';
  }
}
