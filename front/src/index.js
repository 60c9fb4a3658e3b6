// The workshop's light participant front end (issue #17): the page's widgets drawn from its
// kernel over one WebSocket, without Voilà's JupyterLab application.  Loaded by the template
// (index.html.j2) in place of Voilà's voila.js when the page's config says "workshopFront": "light".
import { ServerConnection, PageConfig, URLExt } from './services.js';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';

import { LightManager } from './manager.js';
import { drawOutput } from './output.js';
import './light.css';

const OUTPUT_MIME = 'script[type="application/vnd.voila.cell-output+json"]';

function connected(kernel) {
  if (kernel.connectionStatus === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const changed = (_, status) => {
      if (status === 'connected') {
        kernel.connectionStatusChanged.disconnect(changed);
        resolve();
      }
    };
    kernel.connectionStatusChanged.connect(changed);
  });
}

/** Each cell output the template left as data, in its place: [output, the element to draw it in]. */
function takeOutputs() {
  const found = [];
  document.querySelectorAll(OUTPUT_MIME).forEach((node) => {
    let output;
    try {
      output = JSON.parse(node.textContent);
    } catch (error) {
      return;
    }
    const place = document.createElement('div');
    place.className = 'lm-Widget jp-OutputArea-output';
    node.replaceWith(place);
    found.push([output, place]);
  });
  return found;
}

function shutDownOnLeave(kernel) {
  // As Voilà's front end does: the page's kernel is let go when the page is left (the server checks
  // the request comes from the kernel's owner, kernel_doors.py).
  window.addEventListener('beforeunload', () => {
    const data = new FormData();
    const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
    data.append('_xsrf', (xsrf && xsrf[1]) || '');
    navigator.sendBeacon(URLExt.join(PageConfig.getBaseUrl(), 'voila/api/shutdown', kernel.id), data);
    kernel.dispose();
  });
}

async function start() {
  const kernelId = PageConfig.getOption('kernelId');
  const serverSettings = ServerConnection.makeSettings();
  // Comms stay on the kernel's main shell: Voilà's kernel socket refuses the messages that would open
  // a subshell (JupyterLab's services ask for one per comm target when the kernel offers them).
  const kernel = new KernelConnection({
    model: { id: kernelId, name: '' }, serverSettings, handleComms: true, commsOverSubshells: 'disabled',
  });
  const manager = new LightManager(kernel);
  window.workshopLight = { kernel, manager };
  shutDownOnLeave(kernel);
  const outputs = takeOutputs();
  await connected(kernel);
  await manager.loadFromKernel();
  const drawn = await Promise.allSettled(outputs.map(([output, place]) => drawOutput(output, place, manager)));
  const loading = document.getElementById('loading');
  if (loading) loading.remove();
  const failed = drawn.filter((d) => d.status === 'rejected').length;
  document.body.dataset.workshopFront = failed ? `ready, ${failed} failed` : 'ready';
}

start().catch((error) => {
  console.error('The page could not start', error);
  const loading = document.getElementById('loading_text');
  if (loading) loading.textContent = 'The exercises could not start. Reload the page; answers saved so far are safe.';
  document.body.dataset.workshopFront = 'failed';
});
