#!/usr/bin/env node
// Interop check: the official OpenAI TypeScript client against a free Cyberia miner
// (`cyberia miner serve --price 0`): model list, a tool call, the same streamed, the tool's result
// sent back, and a plain streamed answer.
//
// Usage: node tools.mjs --base-url http://127.0.0.1:PORT/v1 --model tiny-chat
// Prints one JSON object with what the client saw; exits non-zero when a call throws.

import { parseArgs } from "node:util";
import OpenAI from "openai";

const { values } = parseArgs({
  options: { "base-url": { type: "string" }, model: { type: "string", default: "tiny-chat" } },
});
const client = new OpenAI({ baseURL: values["base-url"], apiKey: "not-needed", maxRetries: 0 });
const model = values.model;
const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Get the weather for a city.",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
  {
    type: "function",
    function: {
      name: "define_word",
      description: "Look up the definition of a word.",
      parameters: { type: "object", properties: { word: { type: "string" } }, required: ["word"] },
    },
  },
];
const ask = [{ role: "user", content: "What is the weather in Oslo?" }];
const weatherOnly = tools.slice(0, 1); // the protocol is under test here, not the tiny model's choice

const out = {};
const list = await client.models.list();
out.models = list.data.map((m) => m.id);

const called = await client.chat.completions.create({ model, messages: ask, tools: weatherOnly, max_tokens: 64 });
out.call = {
  finish_reason: called.choices[0].finish_reason,
  tool_calls: called.choices[0].message.tool_calls,
  content: called.choices[0].message.content,
};

// streamed: tool call deltas assembled as the client library's users do
const stream = await client.chat.completions.create({
  model,
  messages: ask,
  tools: weatherOnly,
  max_tokens: 64,
  stream: true,
});
const assembled = [];
let finish = null;
let text = "";
for await (const chunk of stream) {
  const choice = chunk.choices?.[0];
  if (!choice) continue;
  text += choice.delta?.content ?? "";
  for (const d of choice.delta?.tool_calls ?? []) {
    assembled[d.index] ??= { id: d.id, name: "", arguments: "" };
    assembled[d.index].name += d.function?.name ?? "";
    assembled[d.index].arguments += d.function?.arguments ?? "";
  }
  finish = choice.finish_reason ?? finish;
}
out.streamedCall = { finish_reason: finish, tool_calls: assembled, content: text };

// the tool's result goes back; the model ends its turn
const first = called.choices[0].message;
const after = await client.chat.completions.create({
  model,
  tools: weatherOnly,
  max_tokens: 32,
  messages: [...ask, first, { role: "tool", tool_call_id: first.tool_calls?.[0]?.id ?? "x", content: "12 C, clear" }],
});
out.afterResult = { finish_reason: after.choices[0].finish_reason, content: after.choices[0].message.content };

// plain text, streamed
const plain = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "ping" }],
  max_tokens: 8,
  stream: true,
});
let plainText = "";
for await (const chunk of plain) plainText += chunk.choices?.[0]?.delta?.content ?? "";
out.plain = plainText;

console.log(JSON.stringify(out));
