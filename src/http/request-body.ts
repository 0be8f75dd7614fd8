import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, UnreadableBodyError, UnsupportedBodyError } from '../errors.ts';
import type { Localized } from '../i18n/language.ts';

/**
 * Request bodies of the /concord routes, read by Concord and never by Directus's JSON parser, and
 * only once the caller (or the survey token) has been checked.
 *
 * Why not the usual parsers: Directus's server records each response's byte counts from
 * `req.socket` when the response finishes, and a request stream destroyed before that (which is what
 * `for await` over the request does when the loop throws, or `stream.pipeline` on an error) leaves
 * `req.socket` null there — the TypeError is thrown in an event listener and ends the process. So a
 * body is read with plain 'data'/'end' listeners that never destroy the request, up to a limit,
 * and never throw while it streams: the outcome (read, too large, cut off, too slow) comes back as a
 * value, and a refusal is answered only after the stream is settled. An answer given while body
 * bytes are still unread closes the connection (`Connection: close`) instead of letting Node read
 * an unbounded rest of it.
 */

/** A JSON object of a Concord route fits in this many bytes many times over. */
export const BODY_LIMIT = 64 * 1024;
/** A survey answer is three fields and a comment of at most 2000 characters. */
export const SURVEY_BODY_LIMIT = 16 * 1024;
/** A refusal reads off at most this much of a body it will not use, so the answer arrives on a usable connection. */
const DRAIN_LIMIT = 256 * 1024;
/** A body that has not arrived by then is not waited for (CONCORD_BODY_TIMEOUT_SECONDS changes it). */
const BODY_TIMEOUT_MS = 20_000;

/**
 * How long a /concord body may take to arrive, from CONCORD_BODY_TIMEOUT_SECONDS (1 to 300; 20 when
 * unset). Shorter frees a stalled connection sooner; a slow mobile link needs it long enough.
 */
export function bodyTimeoutMs(env: Record<string, unknown>): number {
  const raw = env['CONCORD_BODY_TIMEOUT_SECONDS'];
  if (raw === undefined || raw === null || raw === '') return BODY_TIMEOUT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) throw new RangeError(`CONCORD_BODY_TIMEOUT_SECONDS must be a number of seconds from 1 to 300, not "${String(raw)}".`);
  return seconds * 1000;
}

export type BodyOutcome =
  | { kind: 'read'; bytes: Buffer }
  | { kind: 'too_large'; limit: number }
  | { kind: 'cut_off' }
  | { kind: 'too_slow' };

type Deferred = IncomingMessage & { _body?: boolean; body?: unknown };

const RECEIVING = Symbol.for('concord.request-body.receiving');
const DEFERRED = Symbol.for('concord.request-body.deferred');
/** Set once Concord has stopped reading a body (too slow, or more than it reads off): it is not waited for again. */
const GIVEN_UP = Symbol.for('concord.request-body.given-up');
/** How long this request's body is waited for (set by `deferBody`). */
const TIMEOUT = Symbol.for('concord.request-body.timeout');

type Tracked = Deferred & { [RECEIVING]?: Promise<BodyOutcome>; [DEFERRED]?: true; [GIVEN_UP]?: true; [TIMEOUT]?: number };

/** Whether the request carries a body at all (a declared length above 0, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

function declaredLength(req: IncomingMessage): number | null {
  const length = req.headers['content-length'];
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
}

/**
 * Installed before Directus's own body parser for /concord: that parser leaves the body alone (it
 * skips requests marked as read), and any answer given before the body has fully arrived closes
 * the connection instead of having Node read and discard the rest of it.
 */
export function deferBody(req: IncomingMessage, res: ServerResponse, timeoutMs: number = BODY_TIMEOUT_MS): void {
  const tracked = req as Tracked;
  tracked._body = true;
  tracked[DEFERRED] = true;
  tracked[TIMEOUT] = timeoutMs;
  if (!hasBody(req)) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete && !this.headersSent) this.setHeader('Connection', 'close');
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}

/** Whether Directus's parser was kept off this request (the hook ran); otherwise JSON bodies are already in `req.body`. */
export function isDeferred(req: IncomingMessage): boolean {
  return (req as Tracked)[DEFERRED] === true;
}

/**
 * Reads what is left of the body with plain listeners: chunks are handed to `take` until it
 * returns false, the body ends, the client goes away, or it takes too long. Never destroys the
 * request; a reading that stops early leaves the rest unread (paused).
 */
function consume(req: IncomingMessage, take: (chunk: Buffer) => boolean): Promise<'ended' | 'stopped' | 'cut_off' | 'too_slow'> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve('ended');
    // A request already cut off emits nothing more.
    if (req.destroyed) return resolve('cut_off');
    let done = false;
    const settle = (how: 'ended' | 'stopped' | 'cut_off' | 'too_slow') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onCutOff);
      req.off('close', onClose);
      req.off('error', onCutOff);
      if (how !== 'ended') req.pause();
      if (how === 'too_slow') (req as Tracked)[GIVEN_UP] = true;
      resolve(how);
    };
    const onData = (chunk: Buffer) => {
      if (!take(chunk)) settle('stopped');
    };
    const onEnd = () => settle('ended');
    const onCutOff = () => settle('cut_off');
    const onClose = () => {
      if (!req.readableEnded) settle('cut_off');
    };
    const timer = setTimeout(() => settle('too_slow'), (req as Tracked)[TIMEOUT] ?? BODY_TIMEOUT_MS);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onCutOff);
    req.on('close', onClose);
    req.on('error', onCutOff);
    req.resume();
  });
}

/**
 * Receives the body, keeping at most `limit` bytes; a body declared larger is not read at all.
 * Resolves, never rejects; called twice, it returns the first outcome.
 */
export function receiveBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  const tracked = req as Tracked;
  tracked[RECEIVING] ??= (async (): Promise<BodyOutcome> => {
    if (req.readableEnded || !hasBody(req)) return { kind: 'read', bytes: Buffer.alloc(0) };
    const declared = declaredLength(req);
    if (declared !== null && declared > limit) return { kind: 'too_large', limit };
    const chunks: Buffer[] = [];
    let size = 0;
    const how = await consume(req, (chunk) => {
      size += chunk.length;
      if (size > limit) return false;
      chunks.push(chunk);
      return true;
    });
    if (how === 'ended') return { kind: 'read', bytes: Buffer.concat(chunks) };
    if (how === 'stopped') return { kind: 'too_large', limit };
    return { kind: how };
  })();
  return tracked[RECEIVING];
}

/**
 * Before answering a refusal: a body nobody will read is read off when what is left is small (so
 * the answer arrives and the connection stays usable); a large one is left unread, and the answer
 * closes the connection.
 */
export async function settleBody(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.complete || req.readableEnded || req.destroyed || !hasBody(req)) return;
  const declared = declaredLength(req);
  if (!(req as Tracked)[GIVEN_UP] && (declared === null || declared <= DRAIN_LIMIT)) {
    let drained = 0;
    await consume(req, (chunk) => (drained += chunk.length) <= DRAIN_LIMIT);
    (req as Tracked)[GIVEN_UP] = true;
  }
  if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
}

const mediaType = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
const charsetOf = (req: IncomingMessage) => /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase() ?? null;

export type BodyKind = 'json' | 'form';

/** What the request declares, checked from its headers alone, before a byte of the body is read. */
export function checkBodyHeaders(req: IncomingMessage, accepted: readonly BodyKind[]): BodyKind | null {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') throw new UnsupportedBodyError({ reason: REASONS.encoding });
  if (!hasBody(req)) return null;
  const type = mediaType(req);
  const charset = charsetOf(req);
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedBodyError({ reason: REASONS.charset });
  if (accepted.includes('json') && (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type))) return 'json';
  if (accepted.includes('form') && type === 'application/x-www-form-urlencoded') return 'form';
  throw new UnsupportedBodyError({ reason: accepted.includes('form') ? REASONS.jsonOrForm : REASONS.json });
}

const REASONS = {
  encoding: { 'zh-CN': '请不要压缩请求内容(不支持 Content-Encoding)', 'en-US': 'send it uncompressed (no Content-Encoding)' },
  charset: { 'zh-CN': '请使用 UTF-8 编码', 'en-US': 'encode it as UTF-8' },
  json: { 'zh-CN': '请以 JSON 发送(Content-Type: application/json)', 'en-US': 'send JSON (Content-Type: application/json)' },
  jsonOrForm: { 'zh-CN': '请以 JSON 或网页表单发送', 'en-US': 'send JSON or a web form' },
  utf8: { 'zh-CN': '内容不是有效的 UTF-8 文本', 'en-US': 'it is not valid UTF-8 text' },
  syntax: { 'zh-CN': '内容不是有效的 JSON', 'en-US': 'it is not valid JSON' },
  cutOff: { 'zh-CN': '连接在内容传完之前中断了', 'en-US': 'the connection ended before all of it arrived' },
  slow: { 'zh-CN': '内容迟迟没有传完', 'en-US': 'it did not arrive in time' },
} satisfies Record<string, Localized>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses the body of a request whose caller has been checked: `{}` for none, the JSON
 * value, or a form's fields. Refuses (BODY_TOO_LARGE, UNREADABLE_BODY, UNSUPPORTED_BODY) only
 * after the stream is settled.
 */
export async function readBody(req: IncomingMessage, res: ServerResponse, options: { limit: number; accept: readonly BodyKind[] }): Promise<unknown> {
  const tracked = req as Tracked;
  // Without the hook, Directus's parser has already read a JSON body.
  if (!isDeferred(req) && tracked._body === true && mediaType(req).includes('json')) return tracked.body ?? {};
  let kind: BodyKind | null;
  try {
    kind = checkBodyHeaders(req, options.accept);
  } catch (error) {
    await settleBody(req, res);
    throw error;
  }
  if (kind === null) return {};
  const outcome = await receiveBody(req, options.limit);
  if (outcome.kind !== 'read') {
    await settleBody(req, res);
    if (outcome.kind === 'too_large') throw new BodyTooLargeError({ limit: outcome.limit });
    throw new UnreadableBodyError({ reason: outcome.kind === 'cut_off' ? REASONS.cutOff : REASONS.slow });
  }
  let text: string;
  try {
    text = utf8.decode(outcome.bytes);
  } catch {
    throw new UnreadableBodyError({ reason: REASONS.utf8 });
  }
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UnreadableBodyError({ reason: REASONS.syntax });
  }
}
