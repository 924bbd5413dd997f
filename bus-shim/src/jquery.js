/**
 * Entry of `dist/jquery.js`: the npm `jquery` package (3.x) as an ES module, for extensions on
 * pages that have no jQuery of their own. Bundled as CommonJS, jQuery sees `module.exports` and
 * so does not set `window.jQuery` or `window.$`: the page's globals stay as they were. The shim
 * imports it only when the configuration has extensions (see `extensions.js`).
 */
import jQuery from 'jquery';

export default jQuery;
