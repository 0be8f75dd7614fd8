import { describe, expect, it } from 'vitest';
import { signSurveyToken, verifySurveyToken } from '../../src/surveys/links.ts';

const SECRET = 'unit-secret';
const later = new Date(Date.now() + 86_400_000);
const STAFF = '3f2a9c4e-1b7d-4e8a-9c0f-5d6e7f8a9b0c';
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('survey links', () => {
  it('opens the survey it was signed for, and says who handed it out', () => {
    expect(verifySurveyToken(SECRET, signSurveyToken(SECRET, 42, later))).toMatchObject({ survey: 42, issuedBy: null });
    expect(verifySurveyToken(SECRET, signSurveyToken(SECRET, 42, later, STAFF))).toMatchObject({ survey: 42, issuedBy: STAFF });
  });

  it('accepts one spelling of a token only', () => {
    const token = signSurveyToken(SECRET, 42, later);
    const [id, expires, signature] = token.split('.') as [string, string, string];
    for (const spelling of [`0${id}.${expires}.${signature}`, `${id}.0${expires}.${signature}`, `+${id}.${expires}.${signature}`, ` ${token}`, `${token}\n`, `${token}.`]) {
      expect([spelling, codeOf(() => verifySurveyToken(SECRET, spelling))]).toEqual([spelling, 'INVALID_SURVEY_LINK']);
    }
    const handed = signSurveyToken(SECRET, 42, later, STAFF);
    expect(codeOf(() => verifySurveyToken(SECRET, handed.replace(STAFF, STAFF.toUpperCase())))).toBe('INVALID_SURVEY_LINK');
  });

  it('refuses a customer link turned into a handed-out one, or handed out by someone else', () => {
    const [id, expires, signature] = signSurveyToken(SECRET, 42, later).split('.') as [string, string, string];
    expect(codeOf(() => verifySurveyToken(SECRET, `${id}.${expires}.${STAFF}.${signature}`))).toBe('INVALID_SURVEY_LINK');
    const handed = signSurveyToken(SECRET, 42, later, STAFF);
    expect(codeOf(() => verifySurveyToken(SECRET, handed.replace(STAFF, '00000000-0000-4000-8000-000000000000')))).toBe('INVALID_SURVEY_LINK');
    expect(codeOf(() => verifySurveyToken(SECRET, handed.replace(`${STAFF}.`, '')))).toBe('INVALID_SURVEY_LINK');
  });
});
