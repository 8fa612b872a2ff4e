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
