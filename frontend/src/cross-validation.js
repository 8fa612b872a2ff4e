// Cross-validation page: polls the cross-validation while folds wait or train and fills in each fold's progress,
// validation loss and the mean ± sample standard deviation as folds finish; reloads once all have finished so the
// page shows the keep buttons.

const ACTIVE = ['QUEUED', 'RUNNING'];
const POLL_MS = 1500;

const fixed3 = (v) => (v == null ? '–' : v.toFixed(3));

function setStatus(node, status) {
  if (!node) return;
  node.textContent = status;
  node.className = `status ${status}`;
}

function render(root, cv) {
  setStatus(document.getElementById('cv-status'), cv.status);
  const mean = root.ownerDocument.querySelector('[data-cv=mean]');
  if (mean) mean.textContent = cv.std == null ? fixed3(cv.mean) : `${fixed3(cv.mean)} ± ${fixed3(cv.std)}`;
  const done = root.ownerDocument.querySelector('[data-cv=done]');
  if (done) done.textContent = `${cv.succeededFolds}/${cv.k}`;
  const base = root.ownerDocument.querySelector('[data-cv=base]');
  if (base) base.textContent = fixed3(cv.meanBaseLoss);
  cv.folds.forEach((fold) => {
    const row = root.ownerDocument.querySelector(`tr[data-fold="${fold.index}"]`);
    if (!row) return;
    setStatus(row.querySelector('[data-fold-status]'), fold.status);
    const steps = row.querySelector('[data-fold-steps]');
    if (steps) steps.textContent = `${fold.step}/${fold.totalSteps}`;
    const baseLoss = row.querySelector('[data-fold-base]');
    if (baseLoss) baseLoss.textContent = fixed3(fold.baseLoss);
    const loss = row.querySelector('[data-fold-loss]');
    if (loss) loss.textContent = fixed3(fold.valLoss);
  });
}

function follow(root) {
  if (!ACTIVE.includes(root.dataset.status)) return;
  const poll = async () => {
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: 'application/json' } });
      if (response.ok) {
        const cv = await response.json();
        render(root, cv);
        if (!ACTIVE.includes(cv.status)) {
          // Without the query: the "queued" notice no longer applies.
          window.setTimeout(() => window.location.replace(window.location.pathname), 600);
          return;
        }
      }
    } catch (e) {
      // A missed poll is retried; the server-rendered table stays meanwhile.
    }
    window.setTimeout(poll, POLL_MS);
  };
  window.setTimeout(poll, POLL_MS);
}

export function enableCrossValidation(root) {
  const page = root.getElementById('cross-validation');
  if (page && page.dataset.crossValidationId) follow(page);
}
