// Draws loss curves as SVG: training and validation loss by step, for one run or two.

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}

/**
 * Renders series into the container. Each series: { points: [{step, value}], className }.
 */
export function drawLossChart(container, series) {
  const width = container.clientWidth || 800;
  const height = 280;
  const pad = { left: 48, right: 12, top: 10, bottom: 28 };
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.value));
  container.replaceChildren();
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'loss-svg' });
  container.append(svg);
  if (all.length === 0) {
    const text = svgEl('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' });
    text.textContent = 'The curve appears with the first training step.';
    svg.append(text);
    return;
  }
  const maxStep = Math.max(1, ...all.map((p) => p.step));
  const minY = Math.min(...all.map((p) => p.value));
  const maxY = Math.max(...all.map((p) => p.value));
  const spanY = maxY - minY || 1;
  const x = (step) => pad.left + (step / maxStep) * (width - pad.left - pad.right);
  const y = (v) => pad.top + (1 - (v - minY) / spanY) * (height - pad.top - pad.bottom);

  for (let i = 0; i <= 4; i++) {
    const v = minY + (spanY * i) / 4;
    svg.append(svgEl('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    const label = svgEl('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = v.toFixed(2);
    svg.append(label);
  }
  const stepLabel = svgEl('text', { x: width - pad.right, y: height - 6, 'text-anchor': 'end', class: 'tick' });
  stepLabel.textContent = `step ${maxStep}`;
  svg.append(stepLabel);

  series.forEach((s) => {
    const pts = s.points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.step - b.step);
    if (pts.length === 0) return;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    svg.append(svgEl('path', { d, class: `curve ${s.className}` }));
    if (pts.length === 1) {
      svg.append(svgEl('circle', { cx: x(pts[0].step), cy: y(pts[0].value), r: 3, class: `dot ${s.className}` }));
    }
  });
}

/** Training and validation series from metrics [{step, loss, valLoss}]. */
export function seriesOf(metrics, suffix = '') {
  return [
    { className: `train${suffix}`, points: metrics.filter((m) => m.loss != null).map((m) => ({ step: m.step, value: m.loss })) },
    { className: `validation${suffix}`, points: metrics.filter((m) => m.valLoss != null).map((m) => ({ step: m.step, value: m.valLoss })) },
  ];
}
