import { ActiveFileError } from '../errors.ts';

/**
 * Files a browser could run. Studio's Content-Security-Policy allows scripts from its own origin,
 * and uploads are served from that origin (`/assets/:id`), so an uploaded script, page or scripted
 * SVG is one injected `<script src>` or `<iframe>` away from running in an administrator's session.
 * Two layers close that: such uploads are refused (by their declared type and by their file name,
 * and an SVG by what it contains), and `/assets` serves only passive types inline — everything
 * else as an `application/octet-stream` attachment — always with `nosniff`, so a file whose type
 * was later changed cannot run either.
 */

/** Types a browser runs as script or renders as an active document. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'application/xml-dtd',
  'application/xslt+xml',
  'text/xsl',
  'text/xml-external-parsed-entity',
  'application/x-shockwave-flash',
  'application/hta',
  'text/x-component',
  'application/wasm',
]);
const SCRIPT_TYPE = /(java|ecma|j|live|vb)script|^text\/x-(javascript|ecmascript)|^application\/x-(javascript|ecmascript)/;

/** Extensions browsers or operating systems open as script or as a page, whatever the declared type. */
const ACTIVE_EXTENSIONS = new Set([
  'js', 'mjs', 'cjs', 'jsx', 'es', 'vbs', 'jse', 'wsf', 'hta', 'htc',
  'html', 'htm', 'shtml', 'shtm', 'xhtml', 'xht', 'mht', 'mhtml', 'xsl', 'xslt', 'svgz', 'swf', 'wasm',
]);

/** What may be shown inline from /assets; anything else is served as a download. */
const INLINE_TYPES = [
  /^image\/(png|jpeg|pjpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|tiff|heic|heif|svg\+xml)$/,
  /^(audio|video)\/[a-z0-9.+-]+$/,
  /^application\/(pdf|json)$/,
  /^text\/(plain|csv)$/,
];

/** A MIME type's essence: "Text/HTML; charset=utf-8" → "text/html". */
export function typeEssence(type: unknown): string {
  return typeof type === 'string' ? (type.split(';')[0] ?? '').trim().toLowerCase() : '';
}

export function extensionOf(filename: unknown): string {
  if (typeof filename !== 'string') return '';
  const base = filename.trim().replace(/[\s.]+$/, '').split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export function isActiveType(type: unknown): boolean {
  const essence = typeEssence(type);
  return ACTIVE_TYPES.has(essence) || SCRIPT_TYPE.test(essence);
}

export function isSvg(file: { filename?: unknown; type?: unknown }): boolean {
  return typeEssence(file.type) === 'image/svg+xml' || extensionOf(file.filename) === 'svg';
}

/** Character references decoded, as a browser reads attribute values. */
function decodeReferences(text: string): string {
  const char = (code: number) => (Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '');
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => char(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => char(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&(tab|newline);/gi, ' ');
}

/** Script, event handlers, scriptable links, embedded documents or entity tricks in an SVG. */
export function svgIsActive(content: string): boolean {
  const text = decodeReferences(content);
  // Browsers skip whitespace and control characters inside a URL's scheme ("java\tscript:").
  const squashed = text.replace(/[\s\0]+/g, '');
  return (
    /<\s*(script|foreignobject|iframe|embed|object|handler|use\b[^>]*href\s*=\s*(["']\s*)?[^#"'\s])/i.test(text) ||
    /\son[a-z]+\s*=/i.test(text) ||
    /attributeName\s*=\s*["']?\s*(on|href|xlink:href)/i.test(text) ||
    /(java|vb)script:|data:text\/html/i.test(squashed) ||
    /<!ENTITY/i.test(text)
  );
}

export interface FileDeclaration {
  filename?: unknown;
  type?: unknown;
}

/** The refusal for a file that could run in a browser, judged on what is declared; null if none. */
export function activeFileRefusal(file: FileDeclaration): InstanceType<typeof ActiveFileError> | null {
  const filename = typeof file.filename === 'string' ? file.filename : '';
  const type = typeEssence(file.type) || 'application/octet-stream';
  if (isActiveType(file.type)) return new ActiveFileError({ filename, type, reason: 'type' });
  if (ACTIVE_EXTENSIONS.has(extensionOf(file.filename))) return new ActiveFileError({ filename, type, reason: 'extension' });
  return null;
}

export function svgRefusal(file: FileDeclaration, content: string): InstanceType<typeof ActiveFileError> | null {
  if (!svgIsActive(content)) return null;
  return new ActiveFileError({ filename: typeof file.filename === 'string' ? file.filename : '', type: typeEssence(file.type) || 'image/svg+xml', reason: 'content' });
}

/** Whether /assets may serve this type inline; any other type goes out as a neutral attachment. */
export function servesInline(type: unknown): boolean {
  const essence = typeEssence(type);
  return INLINE_TYPES.some((pattern) => pattern.test(essence));
}
