// Side-by-side chat: streams every column's reply live over server-sent events. Without this file the chat form
// still posts and the server answers in one go.

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

function describeError(body, fallback) {
  if (body && Array.isArray(body.problems) && body.problems.length) {
    return body.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  }
  return (body && body.message) || fallback;
}

function finishText(done) {
  const reasons = {
    EOS: 'finished',
    STOP_STRING: 'finished at a stop string',
    MAX_TOKENS: 'stopped at the token limit',
    CONTEXT_LENGTH: 'stopped: the model\'s context is full',
    CANCELLED: 'stopped',
  };
  return `${reasons[done.finishReason] || done.finishReason} · ${done.tokens} tokens`;
}

/** Splits a server-sent-events buffer into complete events; returns the events and the unfinished rest. */
function parseEvents(buffer) {
  const events = [];
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop();
  blocks.forEach((block) => {
    let name = 'message';
    const data = [];
    block.split('\n').forEach((line) => {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    });
    if (data.length) {
      try {
        events.push({ name, data: JSON.parse(data.join('\n')) });
      } catch (e) {
        events.push({ name: 'error', data: { message: `Unreadable event from the server: ${data.join('\n')}` } });
      }
    }
  });
  return { events, rest };
}

function setupChat(form) {
  const api = `/api/chat/sessions/${encodeURIComponent(form.dataset.session)}`;
  const columns = [...form.querySelectorAll('[data-column]')];
  const logOf = (col) => col.querySelector('[data-log]');
  const statusOf = (col) => col.querySelector('[data-status]');
  const errorBox = document.querySelector('[data-chat-error]');
  const state = form.querySelector('[data-chat-state]');
  const message = form.querySelector('textarea[name=message]');
  let busy = false;

  const showError = (text) => {
    errorBox.textContent = text || '';
    errorBox.hidden = !text;
  };
  const setBusy = (value) => {
    busy = value;
    form.classList.toggle('busy', value);
    form.querySelectorAll('[data-send], [data-busy-off]').forEach((b) => { b.disabled = value; });
    state.textContent = value ? 'Answering…' : '';
  };
  const bubble = (col, role, text) => {
    const div = document.createElement('div');
    div.className = `bubble ${role}`;
    div.textContent = text;
    logOf(col).appendChild(div);
    return div;
  };
  const scroll = () => columns.forEach((col) => { logOf(col).scrollTop = logOf(col).scrollHeight; });
  const settings = () => {
    const number = (name) => {
      const input = form.querySelector(`[name=${name}]`);
      return input && input.value.trim() !== '' ? Number(input.value) : undefined;
    };
    return {
      temperature: number('temperature'),
      topP: number('topP'),
      maxTokens: number('maxTokens'),
      seed: number('seed'),
      systemPrompt: form.querySelector('[name=systemPrompt]').value,
    };
  };

  async function stream(url, body, undo) {
    showError('');
    setBusy(true);
    const replies = columns.map((col) => bubble(col, 'assistant pending', ''));
    columns.forEach((col) => { statusOf(col).textContent = 'Waiting…'; });
    let failed = false;
    const fail = (text) => {
      failed = true;
      showError(text);
      replies.forEach((r) => r.remove());
      undo();
      columns.forEach((col) => { statusOf(col).textContent = ''; });
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        const error = await response.json().catch(() => null);
        fail(describeError(error, `The server answered ${response.status}.`));
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        parsed.events.forEach(({ name, data }) => {
          if (name === 'status') {
            columns.forEach((col) => { statusOf(col).textContent = data.message; });
          } else if (name === 'token') {
            replies[data.column].textContent += data.text;
            statusOf(columns[data.column]).textContent = 'Answering…';
            scroll();
          } else if (name === 'done') {
            replies[data.column].classList.remove('pending');
            replies[data.column].textContent = data.text;
            statusOf(columns[data.column]).textContent = finishText(data);
          } else if (name === 'error') {
            fail(data.message);
          }
        });
      }
    } catch (e) {
      if (!failed) fail(`The connection to the server broke: ${e.message}`);
    } finally {
      replies.forEach((r) => r.classList.remove('pending'));
      setBusy(false);
      scroll();
    }
  }

  async function post(path) {
    const response = await fetch(`${api}/${path}`, { method: 'POST', headers: JSON_HEADERS, body: '{}' });
    const body = await response.json().catch(() => null);
    if (!response.ok) showError(describeError(body, `The server answered ${response.status}.`));
    return response.ok;
  }

  function send() {
    const text = message.value;
    if (busy || !text.trim()) return;
    const asked = columns.map((col) => bubble(col, 'user', text));
    message.value = '';
    stream(`${api}/messages`, { message: text, ...settings() }, () => {
      asked.forEach((b) => b.remove());
      message.value = text;
    });
  }

  // Regenerating moves the shared seed on by one, as the server does, so a sampled reply comes out different.
  function regenerate() {
    if (busy) return;
    const seed = form.querySelector('[name=seed]');
    if (seed && seed.value.trim() !== '' && Number.isInteger(Number(seed.value))) {
      seed.value = String(Number(seed.value) + 1);
    }
    const removed = columns.map((col) => {
      const last = logOf(col).lastElementChild;
      if (last && last.classList.contains('assistant')) {
        last.remove();
        return last;
      }
      return null;
    });
    stream(`${api}/regenerate`, settings(), () => {
      removed.forEach((b, i) => { if (b) logOf(columns[i]).appendChild(b); });
    });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const action = event.submitter ? event.submitter.value : 'send';
    if (action === 'stop') {
      await post('stop');
    } else if (action === 'clear') {
      if (await post('clear')) {
        columns.forEach((col) => { logOf(col).replaceChildren(); statusOf(col).textContent = ''; });
      }
    } else if (action === 'regenerate') {
      regenerate();
    } else {
      send();
    }
  });

  // Enter sends; Shift+Enter is a new line. While an input method composes (Korean, Japanese…) Enter confirms
  // the syllable instead of sending half a word.
  message.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  });
  // Keep the session in the address so reloading the page shows the same conversation.
  const here = new URL(window.location.href);
  if (here.searchParams.get('session') !== form.dataset.session) {
    here.searchParams.set('session', form.dataset.session);
    window.history.replaceState(null, '', here);
  }
  scroll();
}

export function enableChat(root) {
  root.querySelectorAll('form[data-chat]').forEach(setupChat);
}
