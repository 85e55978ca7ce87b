#!/usr/bin/env node
// Interop fixture: the OFFICIAL x402 v2 `batch-settlement` client (payment channels) paying a
// seller --count times: @x402/fetch wrapFetchWithPayment + the @x402/evm batch-settlement client
// scheme + a viem local account. The first request deposits into the channel (an EIP-3009
// ReceiveWithAuthorization the seller's facilitator submits); later ones only sign cumulative
// vouchers, until the deposit runs out and the client tops up.
//
// Usage:
//   node channel-pay.mjs --url http://127.0.0.1:PORT/item --private-key 0xPRIVKEY \
//     --rpc http://127.0.0.1:8545 [--chain-id 31337] [--count N] [--deposit-units N] \
//     [--refund] [--refund-units N]
//
// Each request is `POST <url>` with the JSON body {"n":i} (i = 0..N-1), or --body JSON for all of
// them (a chat completion request, say), one after another (the
// official wrapper first gets the 402, then repeats the request with PAYMENT-SIGNATURE). With
// --refund the client then runs the official cooperative refund (a GET of <url> that must answer
// 402, then a GET with a refund payload), for --refund-units or for all the unspent deposit.
//
// stdout carries ONE JSON line at the end:
//   {"ok":true,"requests":N,"statuses":[200,...],"channelId":"0x..","payer":"0x..",
//    "responses":[<decoded PAYMENT-RESPONSE>...],"bodies":[...],"refund":<SettleResponse>?}
// Exits 2 on bad arguments, 1 with one line on stderr on any other failure (a non-200 answer, a
// missing PAYMENT-RESPONSE, a failed refund).

import { parseArgs } from "node:util";
import { createPublicClient, defineChain, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodePaymentResponseHeader, wrapFetchWithPayment, x402Client } from "@x402/fetch";
import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme, computeChannelId } from "@x402/evm/batch-settlement/client";

function fail(code, message) {
  console.error(`[x402-channel-pay] error: ${String(message).split("\n")[0]}`);
  process.exit(code);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: "string" },
        "private-key": { type: "string" },
        rpc: { type: "string" },
        "chain-id": { type: "string", default: "31337" },
        count: { type: "string", default: "1" },
        "deposit-units": { type: "string" },
        refund: { type: "boolean", default: false },
        "refund-units": { type: "string" },
        body: { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(2, err.message);
  }
  for (const name of ["url", "private-key", "rpc"]) {
    if (!values[name]) fail(2, `missing --${name}`);
  }
  if (!/^https?:\/\/[^/]/.test(values.url)) fail(2, "--url must be an http(s) URL");
  if (!/^https?:\/\/[^/]/.test(values.rpc)) fail(2, "--rpc must be an http(s) URL");
  if (!/^0x[0-9a-fA-F]{64}$/.test(values["private-key"])) fail(2, "--private-key must be a 0x-prefixed 32-byte hex key");
  const chainId = Number(values["chain-id"]);
  if (!/^[0-9]+$/.test(values["chain-id"]) || chainId <= 0 || !Number.isSafeInteger(chainId)) fail(2, "--chain-id must be a positive integer");
  const count = Number(values.count);
  if (!/^[0-9]+$/.test(values.count) || count < 1 || count > 100000) fail(2, "--count must be 1..100000");
  for (const name of ["deposit-units", "refund-units"]) {
    if (values[name] !== undefined && (!/^[0-9]+$/.test(values[name]) || BigInt(values[name]) === 0n)) {
      fail(2, `--${name} must be a positive integer (base units)`);
    }
  }
  if (values["refund-units"] !== undefined && !values.refund) fail(2, "--refund-units needs --refund");
  if (values.body !== undefined) {
    try {
      JSON.parse(values.body);
    } catch {
      fail(2, "--body must be JSON");
    }
  }
  return {
    url: values.url,
    privateKey: values["private-key"],
    rpc: values.rpc,
    chainId,
    network: `eip155:${chainId}`,
    count,
    depositUnits: values["deposit-units"],
    refund: values.refund,
    refundUnits: values["refund-units"],
    body: values.body,
  };
}

async function main() {
  const opts = readOptions();
  const account = privateKeyToAccount(opts.privateKey);
  const publicClient = createPublicClient({
    chain: defineChain({
      id: opts.chainId,
      name: `Local chain ${opts.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [opts.rpc] } },
    }),
    transport: http(opts.rpc),
  });
  let rpcChainId;
  try {
    rpcChainId = await publicClient.getChainId();
  } catch (err) {
    fail(1, `RPC ${opts.rpc} not reachable: ${err?.shortMessage ?? err?.message ?? err}`);
  }
  if (rpcChainId !== opts.chainId) fail(1, `RPC ${opts.rpc} reports chain id ${rpcChainId}, expected ${opts.chainId}`);

  // The signer reads the channel contract (channels(channelId)) on a cold start or a corrective
  // 402, hence the public client.
  const signer = toClientEvmSigner(account, publicClient);
  const scheme = new BatchSettlementEvmScheme(signer, {
    // With --deposit-units, deposit that much (at least what the request needs) instead of the
    // seller's announced minDeposit (by default 10 x the price).
    ...(opts.depositUnits
      ? {
          depositStrategy: ({ minimumDepositAmount }) =>
            BigInt(opts.depositUnits) > BigInt(minimumDepositAmount) ? opts.depositUnits : minimumDepositAmount,
        }
      : {}),
  });
  // Only eip155:<chain-id> is registered; the local token is not one of @x402's default assets,
  // which `allowedAssets: true` opts in (as in pay-once.mjs).
  const client = new x402Client().register(opts.network, scheme).setSpendControls({ allowedAssets: true });

  let requirements;
  const recordingFetch = async (request) => {
    const response = await fetch(request);
    const required = response.headers.get("payment-required");
    if (required && !requirements) {
      const decoded = JSON.parse(Buffer.from(required, "base64").toString("utf8"));
      requirements = decoded.accepts?.find((a) => a.scheme === "batch-settlement");
    }
    return response;
  };
  const payingFetch = wrapFetchWithPayment(recordingFetch, client);

  const statuses = [];
  const responses = [];
  const bodies = [];
  for (let i = 0; i < opts.count; i++) {
    let response;
    try {
      response = await payingFetch(opts.url, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: opts.body ?? JSON.stringify({ n: i }),
      });
    } catch (err) {
      fail(1, `request ${i}: ${err?.message ?? err}`);
    }
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    statuses.push(response.status);
    bodies.push(body);
    const header = response.headers.get("payment-response") ?? response.headers.get("x-payment-response");
    const settle = header ? decodePaymentResponseHeader(header) : null;
    responses.push(settle);
    if (response.status !== 200) {
      const required = response.headers.get("payment-required");
      const reason = required ? JSON.parse(Buffer.from(required, "base64").toString("utf8")).error : settle?.errorReason;
      fail(1, `request ${i}: HTTP ${response.status}${reason ? ` (${reason})` : ""}`);
    }
    if (!settle?.success) fail(1, `request ${i}: no successful PAYMENT-RESPONSE`);
  }

  let channelId = responses.find((r) => r?.extra?.channelState?.channelId)?.extra.channelState.channelId;
  if (!channelId && requirements) channelId = computeChannelId(scheme.buildChannelConfig(requirements), opts.network);

  const result = {
    ok: true,
    requests: opts.count,
    statuses,
    channelId,
    payer: getAddress(account.address),
    responses,
    bodies,
  };
  if (opts.refund) {
    try {
      result.refund = await scheme.refund(opts.url, opts.refundUnits ? { amount: opts.refundUnits } : undefined);
    } catch (err) {
      fail(1, `refund: ${err?.message ?? err}`);
    }
    if (!result.refund?.success) fail(1, `refund: ${result.refund?.errorReason ?? "failed"}`);
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((err) => fail(1, err?.stack ?? String(err)));
