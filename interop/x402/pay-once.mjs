#!/usr/bin/env node
// Smoke test for seller.mjs: buy the item once with the OFFICIAL x402 v2 client
// (@x402/fetch + @x402/evm exact client scheme + a viem local account).
//
// Usage:
//   node pay-once.mjs --url http://127.0.0.1:PORT/item --buyer-key 0xPRIVKEY \
//     [--method POST] [--rpc http://127.0.0.1:8545] [--chain-id 31337]
//
// Prints to stdout one JSON object: the HTTP status and body of the paid response, the decoded
// PAYMENT-REQUIRED (the seller's 402), PAYMENT-SIGNATURE (what the client sent) and
// PAYMENT-RESPONSE (the settlement) headers, and, with --rpc, the token balances of buyer and
// payTo before and after. Exits 0 only when the seller answered 200 and (with --rpc) exactly
// `amount` base units moved from the buyer to payTo.

import { parseArgs } from "node:util";
import { createPublicClient, defineChain, erc20Abi, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { wrapFetchWithPayment, x402Client } from "@x402/fetch";
import { ExactEvmScheme } from "@x402/evm/exact/client";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    "buyer-key": { type: "string" },
    method: { type: "string", default: "POST" },
    rpc: { type: "string" },
    body: { type: "string", default: "{}" },
    "chain-id": { type: "string", default: "31337" },
  },
  strict: true,
});
const CHAIN_ID = Number(values["chain-id"]);
if (!values.url || !values["buyer-key"] || !/^[0-9]+$/.test(values["chain-id"]) || CHAIN_ID <= 0 || !Number.isSafeInteger(CHAIN_ID)) {
  console.error("usage: node pay-once.mjs --url URL --buyer-key 0xKEY [--method POST] [--body JSON] [--rpc RPC] [--chain-id N]");
  process.exit(2);
}
const NETWORK = `eip155:${CHAIN_ID}`;

const decode = (header) => (header ? JSON.parse(Buffer.from(header, "base64").toString("utf8")) : null);

const captured = { paymentRequired: null, paymentSignature: null, paymentResponse: null };

// The fetch handed to the official wrapper: records the x402 headers on the wire.
const recordingFetch = async (request) => {
  const signature = request.headers.get("payment-signature");
  if (signature) captured.paymentSignature = decode(signature);
  const response = await fetch(request);
  const required = response.headers.get("payment-required");
  if (required) captured.paymentRequired = decode(required);
  const settled = response.headers.get("payment-response");
  if (settled) captured.paymentResponse = decode(settled);
  return response;
};

const account = privateKeyToAccount(values["buyer-key"]);
// The local token is not one of @x402's built-in "default assets", which the client's spend
// controls allow by default; `allowedAssets: true` opts non-default assets in. Only
// eip155:<--chain-id> is registered, so nothing else can be paid.
const client = new x402Client().register(NETWORK, new ExactEvmScheme(account)).setSpendControls({ allowedAssets: true });
const payingFetch = wrapFetchWithPayment(recordingFetch, client);

let publicClient;
if (values.rpc) {
  publicClient = createPublicClient({
    chain: defineChain({
      id: CHAIN_ID,
      name: `Local chain ${CHAIN_ID}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [values.rpc] } },
    }),
    transport: http(values.rpc),
  });
}

async function balances(token, payTo) {
  if (!publicClient || !token) return null;
  const of = (who) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [who] });
  const [buyer, seller] = await Promise.all([of(account.address), of(payTo)]);
  return { buyer: buyer.toString(), payTo: seller.toString() };
}

// Probe once (unpaid) to learn asset/payTo for the balance check; the paid call below repeats the
// 402 round-trip through the official wrapper.
const probe = await fetch(values.url, {
  method: values.method,
  headers: { accept: "application/json", "content-type": "application/json" },
  body: values.method === "GET" ? undefined : values.body,
});
const probeRequired = decode(probe.headers.get("payment-required"));
if (probe.status !== 402 || !probeRequired) {
  console.error(`expected a 402 with PAYMENT-REQUIRED, got ${probe.status}`);
  process.exit(1);
}
const requirement = probeRequired.accepts[0];
const token = getAddress(requirement.asset);
const payTo = getAddress(requirement.payTo);
const before = await balances(token, payTo);

const started = Date.now();
const response = await payingFetch(values.url, {
  method: values.method,
  headers: { accept: "application/json", "content-type": "application/json" },
  body: values.method === "GET" ? undefined : values.body,
});
const elapsedMs = Date.now() - started;
const bodyText = await response.text();
let body;
try {
  body = JSON.parse(bodyText);
} catch {
  body = bodyText;
}
const after = await balances(token, payTo);

let moved = null;
if (before && after) {
  moved = {
    buyer: (BigInt(after.buyer) - BigInt(before.buyer)).toString(),
    payTo: (BigInt(after.payTo) - BigInt(before.payTo)).toString(),
  };
}

const result = {
  status: response.status,
  body,
  elapsedMs,
  buyer: account.address,
  balancesBefore: before,
  balancesAfter: after,
  moved,
  paymentRequired: captured.paymentRequired,
  paymentSignature: captured.paymentSignature,
  paymentResponse: captured.paymentResponse,
};
console.log(JSON.stringify(result, null, 2));

const amount = BigInt(requirement.amount);
const ok =
  response.status === 200 &&
  (!moved || (BigInt(moved.payTo) === amount && BigInt(moved.buyer) === -amount));
process.exit(ok ? 0 : 1);
