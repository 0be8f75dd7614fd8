import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidSurveyLinkError, SurveyLinkExpiredError } from '../errors.ts';

/**
 * Customers answer through a signed link, without an account: `<survey>.<expires>.<signature>`,
 * the signature an HMAC-SHA256 over survey and expiry with a key derived from the project's SECRET.
 * A changed character, another survey's id or a later expiry fail the check; the token reveals
 * nothing but the survey id. That is the link e-mailed to the customer; a link handed out by a
 * member of staff (`feedback.collect`) also names them, `<survey>.<expires>.<staff id>.<signature>`
 * under a key of its own, so the answer records who handed it out.
 */

export const DEFAULT_LINK_DAYS = 14;

function keyOf(secret: string): Buffer {
  return createHmac('sha256', secret).update('concord:survey-link:v1').digest();
}

function handedKeyOf(secret: string): Buffer {
  return createHmac('sha256', secret).update('concord:survey-link:handed:v1').digest();
}

function signature(secret: string, survey: number, expires: number, issuedBy: string | null): string {
  if (issuedBy === null) return createHmac('sha256', keyOf(secret)).update(`${survey}.${expires}`).digest('base64url');
  return createHmac('sha256', handedKeyOf(secret)).update(`${survey}.${expires}.${issuedBy}`).digest('base64url');
}

/** The customer's link; with `issuedBy`, a link handed out by that member of staff. */
export function signSurveyToken(secret: string, survey: number, expiresAt: Date, issuedBy: string | null = null): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const staff = issuedBy?.toLowerCase() ?? null;
  return `${survey}.${expires}.${staff === null ? '' : `${staff}.`}${signature(secret, survey, expires, staff)}`;
}

/**
 * The survey a token opens, or INVALID_SURVEY_LINK / SURVEY_LINK_EXPIRED. A token has one spelling,
 * the one `signSurveyToken` writes: numbers without leading zeros, nothing around it.
 */
export function verifySurveyToken(secret: string, token: unknown, now: Date = new Date()): { survey: number; expiresAt: Date; issuedBy: string | null } {
  if (typeof token !== 'string' || token.length > 200) throw new InvalidSurveyLinkError({});
  const match = /^([1-9]\d{0,9})\.([1-9]\d{0,11})\.(?:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.)?([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new InvalidSurveyLinkError({});
  const survey = Number(match[1]);
  const expires = Number(match[2]);
  const issuedBy = match[3] ?? null;
  const expected = Buffer.from(signature(secret, survey, expires, issuedBy));
  const given = Buffer.from(match[4] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidSurveyLinkError({});
  const expiresAt = new Date(expires * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new SurveyLinkExpiredError({ expired_at: expiresAt.toISOString() });
  return { survey, expiresAt, issuedBy };
}

export function linkDays(env: Record<string, unknown>): number {
  const raw = env['CONCORD_SURVEY_LINK_DAYS'];
  if (raw === undefined || raw === null || raw === '') return DEFAULT_LINK_DAYS;
  const days = Number(raw);
  if (!Number.isFinite(days) || days <= 0 || days > 365) throw new RangeError(`CONCORD_SURVEY_LINK_DAYS must be a number of days from 1 to 365, not "${String(raw)}".`);
  return days;
}

export function surveyUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/concord/public/surveys/${token}`;
}
