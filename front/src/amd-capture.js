// anywidget's npm build ends with an AMD call, `define(["@jupyter-widgets/base"], factory)`, for
// JupyterLab's loader.  This module runs first (see anywidget.js): it catches that one call so the
// bundle can hand the factory ipywidgets' base itself.  `define.amd` is left unset, so UMD code
// elsewhere in the bundle does not take this for a real AMD loader; the global is removed again
// as soon as anywidget has been evaluated.
export const captured = { factory: null };
globalThis.define = function (deps, factory) {
  captured.factory = factory;
};
