// Drives Persona Forge's OpenAI-compatible API with the official `openai` npm client and checks the answers.
// Usage: node scripts/openai-client-check.mjs <baseUrl, e.g. http://localhost:8080/v1> <model id> [api key]
// Exits 0 when every check passes, 1 with a message naming the failed check otherwise.
import OpenAI from 'openai';

const [baseURL, model, apiKey] = process.argv.slice(2);
if (!baseURL || !model) {
  console.error('usage: node scripts/openai-client-check.mjs <baseUrl> <model> [apiKey]');
  process.exit(2);
}

const client = new OpenAI({ baseURL, apiKey: apiKey || 'no-key', maxRetries: 0, timeout: 120_000 });

function check(condition, message, detail) {
  if (!condition) {
    throw new Error(message + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
  }
}

async function main() {
  const models = [];
  for await (const m of client.models.list()) {
    models.push(m);
  }
  check(models.some((m) => m.id === model), `models.list() includes ${model}`, models.map((m) => m.id));
  check(models.every((m) => m.object === 'model' && typeof m.created === 'number' && m.owned_by), 'every model has the OpenAI fields', models);
  console.log(`models.list(): ${models.length} models, ${model} among them`);

  const messages = [{ role: 'user', content: 'Tell me about the cat.' }];
  const chat = await client.chat.completions.create({ model, messages, temperature: 0, max_tokens: 12 });
  const answer = chat.choices[0].message.content;
  check(chat.object === 'chat.completion', 'chat completion object', chat);
  check(chat.choices[0].message.role === 'assistant' && answer.length > 0, 'a non-empty assistant answer', chat);
  check(['stop', 'length'].includes(chat.choices[0].finish_reason), 'a finish reason', chat);
  check(chat.usage.total_tokens === chat.usage.prompt_tokens + chat.usage.completion_tokens
      && chat.usage.completion_tokens <= 12, 'usage adds up within max_tokens', chat.usage);
  console.log(`chat.completions.create(): ${JSON.stringify(answer)} (${chat.choices[0].finish_reason})`);

  const stream = await client.chat.completions.create({
    model, messages, temperature: 0, max_tokens: 12, stream: true, stream_options: { include_usage: true },
  });
  let streamed = '';
  let role = null;
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    check(chunk.object === 'chat.completion.chunk', 'chunk object', chunk);
    const choice = chunk.choices[0];
    if (choice) {
      role = role ?? choice.delta.role ?? null;
      streamed += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
    usage = chunk.usage ?? usage;
  }
  check(role === 'assistant', 'the first streamed delta names the assistant role', role);
  check(streamed === answer, 'the streamed answer equals the non-streamed one (greedy)', { streamed, answer });
  check(finish === chat.choices[0].finish_reason, 'the stream ends with the same finish reason', finish);
  check(usage && usage.completion_tokens === chat.usage.completion_tokens, 'the stream reports usage', usage);
  console.log(`chat.completions.create({stream: true}): ${JSON.stringify(streamed)}`);

  const completion = await client.completions.create({
    model, prompt: 'Once upon a time', max_tokens: 8, temperature: 0, logprobs: 2, echo: false,
  });
  const text = completion.choices[0];
  check(completion.object === 'text_completion' && text.text.length > 0, 'a text completion', completion);
  check(text.logprobs.tokens.length === text.logprobs.token_logprobs.length
      && text.logprobs.tokens.length === text.logprobs.text_offset.length, 'logprobs listings of equal length', text.logprobs);
  check(text.logprobs.token_logprobs.every((l) => l <= 0), 'log-probabilities are at most 0', text.logprobs);
  console.log(`completions.create(): ${JSON.stringify(text.text)} (${text.finish_reason})`);

  try {
    await client.chat.completions.create({ model: 'no-such-persona', messages });
    check(false, 'an unknown model is refused');
  } catch (e) {
    check(e instanceof OpenAI.NotFoundError && e.code === 'model_not_found', 'an unknown model raises NotFoundError', String(e));
  }
  try {
    await client.chat.completions.create({ model, messages, n: 2 });
    check(false, 'n=2 is refused');
  } catch (e) {
    check(e instanceof OpenAI.BadRequestError && e.param === 'n', 'n=2 raises BadRequestError naming n', String(e));
  }
  console.log('errors: NotFoundError and BadRequestError as OpenAI raises them');
  console.log('OK: the openai client works against ' + baseURL);
}

main().catch((e) => {
  console.error('FAILED: ' + (e && e.message ? e.message : e));
  process.exit(1);
});
