/**
 * Secrets never reach a log or the bus monitor. A command's rejection reason is often a chat
 * server's AJAX error whose `responseText` echoes the session's keys, so whatever is logged or
 * kept is first copied through `redact`: keys that hold secrets (secureKey, userId, alias, chatId,
 * session and member ids, JWTs, tokens, apikey, Authorization) lose their values, and text loses
 * them too, whether JSON, form-encoded or a bare JWT or Bearer token. The copy is bounded and
 * reads page objects defensively (getters may throw).
 */

const HIDDEN = '[redacted]';
const NAMES = 'securekey|userid|alias|chatid|sessionid|conversationid|memberid|jwt|apikey|api_key|authorization|[a-z_]*token';
const SECRET_KEY = new RegExp('^(' + NAMES + ')$', 'i');
const IN_JSON = new RegExp('("(?:' + NAMES + ')"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^,}\\]\\s]+)', 'gi');
const IN_FORM = new RegExp('\\b((?:' + NAMES + ')=)[^&\\s"]*', 'gi');
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\b(Bearer\s+)[^\s"',]+/gi;
const MAX_DEPTH = 6;
const MAX_ITEMS = 100;

function redactText(text) {
  return text
    .replace(IN_JSON, '$1"' + HIDDEN + '"')
    .replace(IN_FORM, '$1' + HIDDEN)
    .replace(JWT, HIDDEN)
    .replace(BEARER, '$1' + HIDDEN);
}

/** A copy of `value` without secrets, safe to log or keep. */
export function redact(value, depth = 0) {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  try {
    if (value instanceof Error) return redactText(String(value.message));
    if (Array.isArray(value)) {
      return value.slice(0, MAX_ITEMS).map((item) => redact(item, depth + 1));
    }
    const copy = {};
    for (const key of Object.keys(value).slice(0, MAX_ITEMS)) {
      const item = SECRET_KEY.test(key) ? HIDDEN : redact(value[key], depth + 1);
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  } catch (_) {
    return '[unreadable]';
  }
}
