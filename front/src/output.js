// The Output widget, drawn from its `outputs` state only: text, HTML and other widgets.  Output
// captured with `with out:` in the kernel is not routed here (the participants' pages use no Output
// widget today; JupyterLab's output area is what Voilà's front end would use, and it is heavy).
import * as outputBase from '@jupyter-widgets/output';

const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';

export class OutputModel extends outputBase.OutputModel {
  defaults() {
    return { ...super.defaults(), outputs: [] };
  }
}

export class OutputView extends outputBase.OutputView {
  render() {
    this.el.classList.add('jupyter-widgets-output-area');
    this.listenTo(this.model, 'change:outputs', () => this.draw());
    this.draw();
  }

  draw() {
    this.el.textContent = '';
    for (const output of this.model.get('outputs') || []) {
      const place = document.createElement('div');
      this.el.appendChild(place);
      drawOutput(output, place, this.model.widget_manager);
    }
  }
}

/** One cell output (as nbformat has it) drawn into ``place``; a widget through ``manager``. */
export function drawOutput(output, place, manager) {
  const data = output.data || {};
  if (data[WIDGET_MIME]) {
    return manager.drawWidget(data[WIDGET_MIME].model_id, place);
  }
  if (data['text/html'] !== undefined) {
    place.classList.add('jp-RenderedHTMLCommon', 'jp-RenderedHTML');
    place.innerHTML = [].concat(data['text/html']).join('');  // the page's own server sent it, as in Voilà
  } else if (output.output_type === 'stream') {
    place.appendChild(pre([].concat(output.text).join(''), output.name === 'stderr'));
  } else if (output.output_type === 'error') {
    place.appendChild(pre(`${output.ename}: ${output.evalue}`, true));
  } else if (data['text/plain'] !== undefined) {
    place.appendChild(pre([].concat(data['text/plain']).join(''), false));
  }
  return Promise.resolve();
}

function pre(text, error) {
  const node = document.createElement('pre');
  node.className = error ? 'jp-RenderedText workshop-output-error' : 'jp-RenderedText';
  node.textContent = text;
  return node;
}
