// Fine-tuning pages: live run progress over SSE, loss charts, and the live pre-flight estimate.
import { drawLossChart, seriesOf } from './loss-chart.js';

function formatDuration(seconds) {
  if (seconds == null) return '–';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function setText(selector, text) {
  const node = document.querySelector(selector);
  if (node) node.textContent = text;
}

function followRun(root) {
  const chart = document.getElementById('loss-chart');
  const metricsNode = document.getElementById('run-metrics');
  const byStep = new Map();
  (metricsNode ? JSON.parse(metricsNode.textContent) : []).forEach((m) => byStep.set(m.step, m));
  const redraw = () => drawLossChart(chart, seriesOf([...byStep.values()]));
  redraw();
  window.addEventListener('resize', redraw);

  const status = root.dataset.status;
  if (status !== 'QUEUED' && status !== 'RUNNING') return;
  const source = new EventSource(root.dataset.eventsUrl);
  const log = document.getElementById('run-log');
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === 'progress') {
      const previous = byStep.get(event.step) || {};
      byStep.set(event.step, {
        step: event.step,
        loss: event.loss ?? previous.loss ?? null,
        valLoss: event.valLoss ?? previous.valLoss ?? null,
      });
      setText('[data-progress=step]', `${event.step}/${event.totalSteps}`);
      setText('[data-progress=epoch]', event.epoch.toFixed(2));
      if (event.loss != null) setText('[data-progress=loss]', event.loss.toFixed(3));
      if (event.learningRate != null) setText('[data-progress=lr]', event.learningRate.toExponential(2));
      if (event.tokensPerSecond != null) setText('[data-progress=tps]', Math.round(event.tokensPerSecond).toString());
      setText('[data-progress=eta]', formatDuration(event.etaSeconds));
      redraw();
    } else if (event.type === 'log' && log) {
      const item = document.createElement('li');
      item.textContent = event.message;
      log.append(item);
    } else if (event.type === 'status') {
      const badge = document.getElementById('run-status');
      badge.textContent = event.status;
      badge.className = `status ${event.status}`;
      if (event.status !== 'QUEUED') document.getElementById('queue-position')?.remove();
      if (!['QUEUED', 'RUNNING'].includes(event.status)) {
        source.close();
        window.setTimeout(() => window.location.reload(), 600);
      }
    }
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) setText('#run-status', 'disconnected — reload the page');
  };
}

function drawComparison() {
  const node = document.getElementById('compare-metrics');
  const chart = document.getElementById('compare-chart');
  if (!node || !chart) return;
  const data = JSON.parse(node.textContent);
  const draw = () => drawLossChart(chart, [...seriesOf(data.a), ...seriesOf(data.b, '-b')]);
  draw();
  window.addEventListener('resize', draw);
}

const PRESETS = {
  quick: { epochs: 2, learningRate: 3e-4, batchSize: 8, gradientAccumulation: 1, maxLength: 256, loraRank: 8, loraAlpha: 16, loraDropout: 0.05, weightDecay: 0, warmupSteps: 5, patience: 0 },
  balanced: { epochs: 4, learningRate: 2e-4, batchSize: 8, gradientAccumulation: 1, maxLength: 512, loraRank: 16, loraAlpha: 32, loraDropout: 0.05, weightDecay: 0.01, warmupSteps: 10, patience: 3 },
  thorough: { epochs: 8, learningRate: 1e-4, batchSize: 8, gradientAccumulation: 2, maxLength: 1024, loraRank: 32, loraAlpha: 64, loraDropout: 0.1, weightDecay: 0.01, warmupSteps: 20, patience: 5 },
  'feature-extraction': { method: 'feature-extraction', epochs: 4, learningRate: 3e-4, batchSize: 8, gradientAccumulation: 1, maxLength: 512, weightDecay: 0, warmupSteps: 10, patience: 3 },
};

// Shows the fields of the chosen method only: the LoRA fieldset for LoRA, the layer count for top layers.
function showMethodFields(form) {
  const method = form.elements.namedItem('method')?.value;
  form.querySelectorAll('[data-method-field]').forEach((node) => {
    node.hidden = node.dataset.methodField !== method;
  });
}

function formSettings(form) {
  const data = new FormData(form);
  const settings = { targetModules: data.getAll('targetModules') };
  ['preset', 'method'].forEach((k) => { settings[k] = data.get(k); });
  ['epochs', 'learningRate', 'batchSize', 'gradientAccumulation', 'maxLength', 'loraRank', 'loraAlpha', 'loraDropout',
    'weightDecay', 'warmupSteps', 'validationRatio', 'patience', 'evalEvery', 'seed', 'topLayers'].forEach((k) => {
    const v = data.get(k);
    if (v !== null && v !== '') settings[k] = Number(v);
  });
  return settings;
}

function showEstimate(estimate) {
  const gb = (b) => (b == null ? 'unknown' : `${(b / 1e9).toFixed(2)} GB`);
  setText('[data-estimate=examples]', `${estimate.trainPairs} train · ${estimate.validationPairs} validation`);
  setText('[data-estimate=tokens]', estimate.tokensPerEpoch ?? 'unknown until the tokenizer is here');
  setText('[data-estimate=steps]', `${estimate.stepsPerEpoch} per epoch · ${estimate.totalSteps} in all`);
  setText('[data-estimate=params]', estimate.trainedParameters || 'unknown');
  setText('[data-estimate=time]', estimate.estimatedSeconds == null ? 'unknown' : `about ${formatDuration(estimate.estimatedSeconds)}`);
  setText('[data-estimate=memory]', estimate.memoryBytes == null ? 'unknown' : `${gb(estimate.memoryBytes)} of ${gb(estimate.availableMemoryBytes)} available`);
}

function liveEstimate(form) {
  let timer;
  const update = async () => {
    try {
      const response = await fetch(form.dataset.estimateUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(formSettings(form)),
      });
      if (response.ok) {
        showEstimate(await response.json());
      } else if (response.status === 400) {
        const problems = (await response.json()).problems || [];
        setText('[data-estimate=params]', problems.map((p) => `${p.field}: ${p.message}`).join('; ') || 'unknown');
      }
    } catch (e) {
      // The server-rendered estimate stays; the Estimate button still works.
    }
  };
  form.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });
  form.querySelector('[data-preset]')?.addEventListener('change', (event) => {
    const preset = PRESETS[event.target.value];
    const method = form.elements.namedItem('method');
    if (method && !preset.method && method.value === 'feature-extraction') method.value = 'lora';
    Object.entries(preset).forEach(([name, value]) => {
      const input = form.elements.namedItem(name);
      if (input) input.value = value;
    });
    showMethodFields(form);
    update();
  });
  form.elements.namedItem('method')?.addEventListener('change', () => showMethodFields(form));
  showMethodFields(form);
}

export function enableRuns(root) {
  const run = root.getElementById('run');
  if (run && run.dataset.runId) followRun(run);
  drawComparison();
  const form = root.getElementById('run-form');
  if (form) liveEstimate(form);
}
