// Progressive enhancement of the server-rendered pages: every form works without this file.
import { enableInlineEditing } from './inline-edit.js';
import { enableRuns } from './runs.js';
import { enableChat } from './chat.js';
import { enableModels, enableModelPicker } from './models.js';
import { enableCrossValidation } from './cross-validation.js';

function enableConfirmations(root) {
  root.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
}

function enableSelectAll(root) {
  root.querySelectorAll('input[data-select-all]').forEach((master) => {
    const formId = master.dataset.selectAll;
    const boxes = () => root.querySelectorAll(`input[type=checkbox][name=ids][form="${formId}"]`);
    const counter = root.querySelector(`[data-selected-count="${formId}"]`);
    const update = () => {
      const checked = [...boxes()].filter((b) => b.checked).length;
      if (counter) counter.textContent = checked ? `${checked} selected` : '';
      master.checked = checked > 0 && checked === boxes().length;
      master.indeterminate = checked > 0 && checked < boxes().length;
    };
    master.addEventListener('change', () => {
      boxes().forEach((b) => { b.checked = master.checked; });
      update();
    });
    boxes().forEach((b) => b.addEventListener('change', update));
    update();
  });
}

function enableAutoSubmit(root) {
  root.querySelectorAll('select[data-autosubmit]').forEach((select) => {
    select.addEventListener('change', () => select.form.requestSubmit());
  });
}

document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', () => {
  enableConfirmations(document);
  enableSelectAll(document);
  enableAutoSubmit(document);
  enableInlineEditing(document);
  enableRuns(document);
  enableChat(document);
  enableModels(document);
  enableModelPicker(document);
  enableCrossValidation(document);
});
