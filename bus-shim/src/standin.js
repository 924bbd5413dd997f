/**
 * The `$` passed to extensions when the page has no jQuery of its own. We do not ship jQuery
 * (about 30 KB gzipped): `$(fn)` runs `fn` once the DOM is ready, `$(selector)` returns an
 * array of matching elements. Extensions that need real jQuery need jQuery on the page.
 */
export function dollarStandIn(arg) {
  if (typeof arg === 'function') {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => arg(dollarStandIn), { once: true });
    } else {
      arg(dollarStandIn);
    }
    return undefined;
  }
  if (typeof arg === 'string') {
    try {
      return Array.from(document.querySelectorAll(arg));
    } catch (_) {
      return [];
    }
  }
  return arg == null ? [] : [arg];
}
