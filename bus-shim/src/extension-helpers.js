/**
 * Entry of `dist/widgets-extension-helpers.js`: the `Cookies` and `URI` that extensions registered
 * through `App.registerExtension` receive as their fourth and fifth arguments (`cookies.js`,
 * `uri.js`). An ES module the shim imports only when a page registers an extension, in parallel
 * with jQuery (`extensions.js`), so pages without extensions download none of it.
 */
import { makeCookie } from './cookies.js';
import { URI } from './uri.js';

export const Cookies = makeCookie();
export { URI };
