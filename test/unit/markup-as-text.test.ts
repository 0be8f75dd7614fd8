import { describe, expect, it } from 'vitest';
import { markdownText, markdownWithoutHtml } from '../../src/notifications.ts';
import { escapeHtml } from '../../src/ui/escape.ts';
import { activeFileRefusal, extensionOf, servesInline, svgIsActive } from '../../src/files/active-content.ts';
import { scorecardNotification } from '../../src/evaluation/feedback.ts';
import { handoffNotice } from '../../src/workflows/case-workflow.ts';
import { escalationNotice } from '../../src/workflows/sla-escalation.ts';

const MARKUP = `2026年11月<iframe srcdoc="<script src='/assets/ID'></script>"><img src=x onerror=window.__xss=1><b>bold</b>`;

describe('escapeHtml: text for whatever writes HTML', () => {
  it('leaves no tag, attribute quote or entity of the input', () => {
    const escaped = escapeHtml(MARKUP);
    expect(escaped).not.toMatch(/[<>"'`]/);
    expect(escaped).toContain('&lt;img src=x onerror=window.__xss=1&gt;');
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
    expect(escapeHtml(['a<', 'b'])).toBe('a&lt; b');
    expect(escapeHtml(null)).toBe('');
  });
});

describe('markdownText: notification text that Markdown and HTML read literally', () => {
  it('escapes every character that would start markup, on one line', () => {
    const text = markdownText(`${MARKUP}\n# heading\n- [link](javascript:x) **b** _i_ \`c\` www.evil.example a@b.example`);
    expect(text).not.toMatch(/\n/);
    // Every markup character is preceded by a backslash, so none opens a tag, link, emphasis or heading.
    expect(text.replace(/\\[\\`*_[\]<>&!~|:@.#+\-=]/g, '')).not.toMatch(/[<>[\]*_`&:@]/);
    expect(markdownText('# 1. x')).toBe('\\# 1. x');
    expect(markdownText('1. x')).toBe('1\\. x');
    expect(markdownText('studio-x 投诉 (2)')).toBe('studio-x 投诉 (2)');
    expect(markdownText('2025年3月')).toBe('2025年3月');
  });

  it('keeps a notice body Markdown but its raw HTML as text', () => {
    expect(markdownWithoutHtml('**重要** <img src=x onerror=alert(1)>')).toBe('**重要** &lt;img src=x onerror=alert(1)>');
  });

  it('is used for every person-written part of the handoff, escalation and scorecard messages', () => {
    const handoff = handoffNotice('en-US', { id: 1, title: MARKUP }, { name_zh: MARKUP, name_en: MARKUP, key: 'k', owner_department: 'tech' }, { name_zh: MARKUP, name_en: MARKUP }, { name_zh: MARKUP, name_en: MARKUP });
    const escalation = escalationNotice('zh-CN', { case: 1, title: MARKUP, kind: 'resolution', state_name: MARKUP, state_name_en: null, sla_hours: 8 }, new Date());
    const scorecard = scorecardNotification({
      language: 'zh-CN',
      cycle: { name: MARKUP, period_kind: 'monthly', starts_on: '2026-11-01', ends_on: '2026-12-01' },
      scope: { name: MARKUP, name_en: null, kind: 'team' },
      scores: { overall: 50, communication: 40 },
      previous: null,
      threshold: 60,
      causes: { communication: MARKUP },
      link: 'http://localhost/admin/insights/x',
    });
    for (const message of [handoff.message, escalation.message, scorecard.message]) expect(message).not.toMatch(/(^|[^\\])</);
    // The diagnosed cause under a low score is written as text too.
    expect(scorecard.message).toContain('低分原因');
  });
});

describe('files a browser could run', () => {
  it.each([
    ['x.js', 'application/javascript'],
    ['x.js', 'text/plain'],
    ['x.txt', 'text/javascript; charset=utf-8'],
    ['x.html', 'text/html'],
    ['x.HTM.', 'application/octet-stream'],
    ['x.xhtml', 'application/xhtml+xml'],
    ['x.svgz', 'image/svg+xml'],
    ['x.bin', 'application/x-ecmascript'],
  ])('refuses %s declared %s', (filename, type) => {
    expect(activeFileRefusal({ filename, type })?.code).toBe('ACTIVE_FILE_TYPE');
  });

  it.each([
    ['x.png', 'image/png'],
    ['x.svg', 'image/svg+xml'],
    ['export.csv', 'text/csv'],
    ['export.xml', 'text/xml'],
    ['report.pdf', 'application/pdf'],
  ])('takes %s declared %s', (filename, type) => {
    expect(activeFileRefusal({ filename, type })).toBeNull();
  });

  it('reads extensions as browsers would', () => {
    expect(extensionOf('a.b.JS')).toBe('js');
    expect(extensionOf('dir/x.html ')).toBe('html');
    expect(extensionOf('.htaccess')).toBe('');
  });

  it('finds script in SVG, however it is spelled', () => {
    for (const svg of ['<svg><script>1</script></svg>', '<svg><SCRIPT >1</SCRIPT></svg>', '<svg onload="x()">', '<svg><a href="javascript:x()">a</a></svg>', '<svg><a href="jav&#x61;script:x">', '<svg><foreignObject/></svg>', '<svg><set attributeName="onmouseover" to="x"/></svg>', '<svg><use href="http://e.example/x.svg#a"/></svg>']) {
      expect([svg, svgIsActive(svg)]).toEqual([svg, true]);
    }
    expect(svgIsActive('<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/><use href="#a"/></svg>')).toBe(false);
  });

  it('serves passive types inline and nothing else', () => {
    for (const type of ['image/png', 'image/jpeg', 'video/mp4', 'application/pdf', 'text/plain; charset=utf-8', 'text/csv', 'application/json']) expect([type, servesInline(type)]).toEqual([type, true]);
    for (const type of ['text/html', 'text/javascript', 'application/xml', 'text/xml', 'application/octet-stream', 'application/zip', '']) expect([type, servesInline(type)]).toEqual([type, false]);
  });
});
