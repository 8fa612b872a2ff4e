// Inline editing of a pair row through the JSON API; without JavaScript the Edit link opens a page instead.

function el(tag, attrs = {}, text = '') {
  const node = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  if (text) node.textContent = text;
  return node;
}

function splitOptions(current) {
  const select = el('select', { name: 'split', 'aria-label': 'Split' });
  [['auto', 'Auto'], ['train', 'Always train'], ['validation', 'Always validation']].forEach(([value, label]) => {
    const option = el('option', { value }, label);
    if (value === current) option.selected = true;
    select.append(option);
  });
  return select;
}

function renderTags(cell, tags) {
  cell.replaceChildren(...tags.map((t) => el('span', { class: 'tag' }, t)));
}

function renderSplit(cell, pair) {
  const badge = el('span', { class: `badge ${pair.effectiveSplit}` }, pair.effectiveSplit);
  cell.replaceChildren(badge);
  if (pair.split !== 'auto') cell.append(' ', el('span', { class: 'pin', title: 'Pinned by you' }, 'pinned'));
}

function problemText(body, status) {
  if (body && body.problems && body.problems.length) {
    return body.problems.map((p) => `${p.field} ${p.message}`).join('; ');
  }
  if (body && body.message) return body.message;
  return `Saving failed (HTTP ${status}).`;
}

function startEditing(row) {
  if (row.classList.contains('editing')) return;
  const cells = {
    prompt: row.querySelector('td[data-field=prompt]'),
    completion: row.querySelector('td[data-field=completion]'),
    tags: row.querySelector('td[data-field=tags]'),
    split: row.querySelector('td[data-field=split]'),
    actions: row.querySelector('td[data-field=actions]'),
  };
  const original = Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, [...c.childNodes].map((n) => n.cloneNode(true))]));
  const data = JSON.parse(row.dataset.pair);
  row.classList.add('editing');

  const prompt = el('textarea', { name: 'prompt', 'aria-label': 'Prompt' });
  prompt.value = data.prompt;
  const completion = el('textarea', { name: 'completion', 'aria-label': 'Completion' });
  completion.value = data.completion;
  const tags = el('input', { name: 'tags', 'aria-label': 'Tags', placeholder: 'tag, tag' });
  tags.value = data.tags.join(', ');
  const split = splitOptions(data.split);
  const save = el('button', { type: 'button', class: 'button primary small' }, 'Save');
  const cancel = el('button', { type: 'button', class: 'button small' }, 'Cancel');
  const error = el('div', { class: 'row-error', role: 'alert' });

  cells.prompt.replaceChildren(prompt);
  cells.completion.replaceChildren(completion, error);
  cells.tags.replaceChildren(tags);
  cells.split.replaceChildren(split);
  cells.actions.replaceChildren(save, ' ', cancel);
  prompt.focus();

  const restore = () => {
    Object.entries(cells).forEach(([k, c]) => c.replaceChildren(...original[k]));
    row.classList.remove('editing');
    row.querySelector('[data-action=edit]')?.addEventListener('click', onEditClick);
  };
  cancel.addEventListener('click', restore);
  save.addEventListener('click', async () => {
    save.disabled = true;
    error.textContent = '';
    const body = { prompt: prompt.value, completion: completion.value, tags: [tags.value], split: split.value };
    try {
      const response = await fetch(row.dataset.api, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const result = await response.json().catch(() => null);
      if (!response.ok) {
        error.textContent = problemText(result, response.status);
        save.disabled = false;
        return;
      }
      row.dataset.pair = JSON.stringify({ prompt: result.prompt, completion: result.completion, tags: result.tags, split: result.split });
      Object.entries(cells).forEach(([k, c]) => c.replaceChildren(...original[k]));
      cells.prompt.textContent = result.prompt;
      cells.completion.textContent = result.completion;
      renderTags(cells.tags, result.tags);
      renderSplit(cells.split, result);
      row.classList.remove('editing');
      row.querySelector('[data-action=edit]')?.addEventListener('click', onEditClick);
    } catch (e) {
      error.textContent = `Saving failed: ${e.message}`;
      save.disabled = false;
    }
  });
}

function onEditClick(event) {
  event.preventDefault();
  startEditing(event.currentTarget.closest('tr'));
}

export function enableInlineEditing(root) {
  root.querySelectorAll('tr[data-pair] [data-action=edit]').forEach((link) => {
    link.addEventListener('click', onEditClick);
  });
}
