/**
 * The `$` passed to extensions only when neither the page's jQuery nor our `jquery.js` is
 * available (the file failed to load): `$(fn)` runs `fn` once the DOM is ready, `$(selector)`
 * returns an array of matching elements.
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
