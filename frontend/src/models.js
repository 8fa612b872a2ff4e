// Live download progress on the models page.

export function enableModels(root) {
  root.querySelectorAll('tr[data-downloading] .download[data-download-url]').forEach((box) => {
    const bar = box.querySelector('progress');
    const state = box.querySelector('.download-state');
    const source = new EventSource(box.dataset.downloadUrl);
    source.onmessage = (message) => {
      const view = JSON.parse(message.data);
      if (view.bytesTotal > 0) bar.value = view.bytesDone / view.bytesTotal;
      const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
      state.textContent = `${view.state}${view.file ? ` · ${view.file}` : ''} · ${mb(view.bytesDone)} of ${mb(view.bytesTotal)}`;
      if (view.state !== 'RUNNING') {
        source.close();
        window.setTimeout(() => window.location.reload(), 500);
      }
    };
    source.onerror = () => source.close();
  });
}

// The base-model picker on the persona form: "Use" copies the model id into the field and marks the row.
export function enableModelPicker(root) {
  const input = root.querySelector('#baseModel');
  if (!input) return;
  const rows = root.querySelectorAll('table.picker tr[data-model]');
  const mark = () => rows.forEach((row) => row.classList.toggle('chosen', row.dataset.model === input.value.trim()));
  root.querySelectorAll('button[data-use-model]').forEach((button) => {
    button.addEventListener('click', () => {
      input.value = button.dataset.useModel;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.focus();
    });
  });
  input.addEventListener('input', mark);
  mark();
}
