// Neutralises untrusted (PBX-supplied) strings before they reach a log line or a terminal: CWE-117 (CR/LF) and
// CWE-150 (ESC and other control sequences), plus the JavaScript line separators U+2028/U+2029.

/** C0 controls, DEL, C1 controls, U+2028/U+2029 and lone surrogates: everything that can break a line or a terminal. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function toEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The character appended to a truncated string. */
export const TRUNCATION_MARK = '…';

/**
 * Makes an untrusted string safe to log: control characters (C0, C1, DEL, ESC), U+2028/U+2029 and lone surrogates
 * become `\uXXXX`, and the result is cut to at most `max` characters of the original plus `…`.
 *
 * Only the first `max` characters are examined, so a 1 MB string costs no more than a short one.
 */
export function escapeForLog(s: string, max = 200): string {
  const limit = Math.max(0, Math.floor(max));
  const cut = s.length > limit;
  let head = cut ? s.slice(0, limit) : s;
  // Do not split a surrogate pair at the cut (it would show as a lone surrogate).
  if (cut && head.length > 0) {
    const last = head.charCodeAt(head.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  }
  const escaped = head.replace(UNSAFE, toEscape);
  return cut ? escaped + TRUNCATION_MARK : escaped;
}
