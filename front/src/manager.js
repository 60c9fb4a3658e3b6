// A widget manager for one kernel: ipywidgets' ManagerBase on a @jupyterlab/services kernel
// connection, without JupyterLab's application.  Every widget module it can draw is in this
// bundle; a page that asks for any other module gets an error in the widget's place and in the
// console, never a script from a CDN.
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { Widget } from '@lumino/widgets';
import { MessageLoop } from '@lumino/messaging';

import { anywidget } from './anywidget.js';
import { OutputModel, OutputView } from './output.js';

// module -> [the protocol version bundled here, its exports].  ipywidgets 8.1's Python side asks
// for base 2.0.0, controls 2.0.0 and output 1.0.0; anywidget 0.11's for "~0.11.0".
const MODULES = {
  '@jupyter-widgets/base': ['2.0.0', base],
  '@jupyter-widgets/controls': ['2.0.0', controls],
  '@jupyter-widgets/output': ['1.0.0', { OutputModel, OutputView }],
  anywidget: ['0.11.0', anywidget],
};

const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'code', 'del', 'dfn', 'em', 'i', 'kbd', 'mark',
  'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var']);

/** Whether ``wanted`` (a version or a ^/~ range) accepts ``have``: the same major, and for 0.x the same minor. */
export function accepts(wanted, have) {
  const want = String(wanted).replace(/^[\^~=v]+/, '').split('.').map(Number);
  const got = have.split('.').map(Number);
  if (Number.isNaN(want[0]) || want[0] !== got[0]) return false;
  return want[0] !== 0 || want[1] === got[1];
}

export class LightManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    this.views = new Set();
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) =>
      this.handle_comm_open(new base.shims.services.Comm(comm), msg));
    window.addEventListener('resize', () => {
      this.views.forEach((view) => MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize));
    });
  }

  loadClass(className, moduleName, moduleVersion) {
    const known = MODULES[moduleName];
    if (!known) {
      return Promise.reject(new Error(`The widget module ${moduleName}@${moduleVersion} is not in this page's bundle`));
    }
    const [version, module] = known;
    if (!accepts(moduleVersion, version)) {
      return Promise.reject(new Error(`${moduleName}@${moduleVersion} asked for; this page's bundle has ${version}`));
    }
    if (!module[className]) {
      return Promise.reject(new Error(`${className} is not in ${moduleName}@${version}`));
    }
    return Promise.resolve(module[className]);
  }

  async _create_comm(target_name, model_id, data, metadata, buffers) {
    const comm = this.kernel.createComm(target_name, model_id);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.comms;
  }

  /** A description that allows HTML (``description_allow_html``), kept to inline text markup: any
   * other element is replaced by its text, and no attribute is kept but a link's http(s) address.
   * ipywidgets does this with sanitize-html; the browser's own parser does it here. */
  inline_sanitize(source) {
    const doc = new DOMParser().parseFromString(`<body>${source}</body>`, 'text/html');
    const clean = (node) => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) continue;
        if (child.nodeType !== Node.ELEMENT_NODE) { child.remove(); continue; }
        clean(child);
        const tag = child.tagName.toLowerCase();
        if (!INLINE.has(tag)) { child.replaceWith(...child.childNodes); continue; }
        for (const attribute of Array.from(child.attributes)) {
          const keep = tag === 'a' && attribute.name === 'href' && /^https?:/i.test(attribute.value);
          if (!keep) child.removeAttribute(attribute.name);
        }
      }
    };
    clean(doc.body);
    return doc.body.innerHTML;
  }

  /** The widgets' states, all in one message from the kernel (ipywidgets' control comm). */
  loadFromKernel() {
    return this._loadFromKernel();
  }

  /** The view of model ``modelId`` drawn into ``place``; an error there if it cannot be. */
  async drawWidget(modelId, place) {
    try {
      const model = await this.get_model(modelId);
      const view = await this.create_view(model, {});
      Widget.attach(view.luminoWidget, place);
      this.views.add(view);
      view.once('remove', () => this.views.delete(view));
    } catch (error) {
      console.error(`Widget ${modelId} could not be drawn`, error);
      const note = document.createElement('pre');
      note.className = 'jp-RenderedText workshop-output-error';
      note.textContent = `Error displaying widget: ${error && error.message ? error.message : error}`;
      place.appendChild(note);
      throw error;
    }
  }
}
