// anywidget's front end (AnyModel, AnyView), built from its npm package into this bundle, so an
// anywidget's page loads nothing from elsewhere. Its widget code (`_esm`) comes with the model's
// state from the kernel and is imported from a blob: URL, as anywidget does in JupyterLab.
import { captured } from './amd-capture.js';
import 'anywidget';
import * as base from '@jupyter-widgets/base';

delete globalThis.define;
if (typeof captured.factory !== 'function') {
  throw new Error('anywidget\'s front end did not register itself');
}
export const anywidget = captured.factory(base);
