import { describe, expect, it } from 'vitest';
import { signSurveyToken, verifySurveyToken } from '../../src/surveys/links.ts';

const SECRET = 'unit-secret';
const later = new Date(Date.now() + 86_400_000);
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('survey links', () => {
  it('opens the survey it was signed for', () => {
    expect(verifySurveyToken(SECRET, signSurveyToken(SECRET, 42, later))).toMatchObject({ survey: 42 });
  });

  it('accepts one spelling of a token only', () => {
    const token = signSurveyToken(SECRET, 42, later);
    const [id, expires, signature] = token.split('.') as [string, string, string];
    for (const spelling of [`0${id}.${expires}.${signature}`, `${id}.0${expires}.${signature}`, `+${id}.${expires}.${signature}`, ` ${token}`, `${token}\n`, `${token}.`]) {
      expect([spelling, codeOf(() => verifySurveyToken(SECRET, spelling))]).toEqual([spelling, 'INVALID_SURVEY_LINK']);
    }
  });

});
