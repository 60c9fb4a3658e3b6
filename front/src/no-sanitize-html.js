// Stands in for the npm package sanitize-html (with postcss and htmlparser2, about a quarter of the
// bundle). ipywidgets calls it only from ManagerBase's inline_sanitize, which LightManager replaces
// with the browser's own parser (manager.js); anything else reaching here is a mistake, said loudly.
export default function sanitizeHtml() {
  throw new Error('sanitize-html is not in this bundle: use the manager\'s inline_sanitize');
}
