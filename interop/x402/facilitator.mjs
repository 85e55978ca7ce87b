#!/usr/bin/env node
// Interop fixture: the OFFICIAL x402 v2 facilitator as a standalone HTTP server on 127.0.0.1.
//
//   - x402Facilitator (@x402/core/facilitator) with the @x402/evm exact scheme registered for
//     eip155:<--chain-id>, settling EIP-3009 transferWithAuthorization through a viem wallet
//     client that holds --key (that account pays the gas);
//   - an express server exposing the x402 v2 facilitator HTTP API, as the official
//     HTTPFacilitatorClient (@x402/core/http) calls it:
//       POST /verify    {x402Version, paymentPayload, paymentRequirements} -> VerifyResponse
//       POST /settle    {x402Version, paymentPayload, paymentRequirements} -> SettleResponse
//       GET  /supported                                                    -> SupportedResponse
//
// Usage:
//   node facilitator.mjs --rpc http://127.0.0.1:8545 --key 0xPRIVKEY [--chain-id 31337] [--port 0]
//
// stdout carries exactly one line, `LISTENING http://127.0.0.1:<port>`, once the server is ready;
// all diagnostics go to stderr. Exits 2 on bad arguments, an unreachable RPC, or an RPC whose
// chain id differs from --chain-id. Exits at once on SIGTERM/SIGINT. No external URL is used: the
// viem chain object is defined locally and talks only to --rpc.

import { parseArgs } from "node:util";
import express from "express";
import { createWalletClient, defineChain, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { registerExactEvmScheme } from "@x402/evm/exact/facilitator";

function log(...args) {
  console.error("[x402-facilitator]", ...args);
}

function fail(message) {
  console.error(`[x402-facilitator] error: ${message}`);
  process.exit(2);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rpc: { type: "string" },
        key: { type: "string" },
        "chain-id": { type: "string", default: "31337" },
        port: { type: "string", default: "0" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${err.message}\nusage: node facilitator.mjs --rpc URL --key 0xPRIVKEY [--chain-id N] [--port N]`);
  }
  for (const required of ["rpc", "key"]) {
    if (!values[required]) fail(`missing --${required}`);
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(values.key)) fail("--key must be a 0x-prefixed 32-byte hex key");
  if (!/^[0-9]+$/.test(values["chain-id"]) || Number(values["chain-id"]) <= 0 || !Number.isSafeInteger(Number(values["chain-id"]))) {
    fail("--chain-id must be a positive integer");
  }
  if (!/^[0-9]+$/.test(values.port) || Number(values.port) > 65535) fail("--port must be 0..65535");
  return { rpc: values.rpc, key: values.key, chainId: Number(values["chain-id"]), port: Number(values.port) };
}

// A short, one-line description of a /verify or /settle body for the log.
function describe(body) {
  const p = body?.paymentPayload;
  const r = body?.paymentRequirements;
  const auth = p?.payload?.authorization;
  return JSON.stringify({
    x402Version: body?.x402Version ?? p?.x402Version,
    scheme: r?.scheme,
    network: r?.network,
    asset: r?.asset,
    amount: r?.amount,
    payTo: r?.payTo,
    from: auth?.from,
    value: auth?.value,
    nonce: auth?.nonce,
  });
}

async function main() {
  const opts = readOptions();
  const network = `eip155:${opts.chainId}`;

  // Our own chain object: the given chain id, the given RPC only (no public RPC defaults).
  const chain = defineChain({
    id: opts.chainId,
    name: `Local chain ${opts.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [opts.rpc] } },
  });

  const account = privateKeyToAccount(opts.key);
  const client = createWalletClient({ account, chain, transport: http(opts.rpc) }).extend(publicActions);

  let rpcChainId;
  try {
    rpcChainId = await client.getChainId();
  } catch (err) {
    fail(`RPC ${opts.rpc} not reachable: ${err?.shortMessage ?? err?.message ?? err}`);
  }
  if (rpcChainId !== opts.chainId) fail(`RPC ${opts.rpc} reports chain id ${rpcChainId}, expected ${opts.chainId}`);

  // FacilitatorEvmSigner over the viem client (the shape @x402/evm's facilitator expects).
  const signer = toFacilitatorEvmSigner({
    address: account.address,
    readContract: (args) => client.readContract({ ...args, args: args.args || [] }),
    verifyTypedData: (args) => client.verifyTypedData(args),
    writeContract: (args) => client.writeContract({ ...args, args: args.args || [] }),
    sendTransaction: (args) => client.sendTransaction(args),
    waitForTransactionReceipt: (args) => client.waitForTransactionReceipt(args),
    getCode: (args) => client.getCode(args),
  });

  const facilitator = new x402Facilitator()
    .onVerifyFailure(async ({ error }) => log("verify failure:", error?.message ?? error))
    .onSettleFailure(async ({ error }) => log("settle failure:", error?.message ?? error));
  registerExactEvmScheme(facilitator, { signer, networks: network });

  const app = express();
  app.use(express.json({ limit: "1mb" }));

  // POST /verify: 200 with a VerifyResponse ({isValid, invalidReason?, invalidMessage?, payer?})
  // whether or not the payment is valid; 400 {error} on a body without paymentPayload or
  // paymentRequirements; 500 {error} when the facilitator throws (e.g. unsupported scheme/network).
  app.post("/verify", async (req, res) => {
    log("POST /verify", describe(req.body));
    const { paymentPayload, paymentRequirements } = req.body ?? {};
    if (!paymentPayload || !paymentRequirements) {
      log("verify -> 400: missing paymentPayload or paymentRequirements");
      return res.status(400).json({ error: "Missing paymentPayload or paymentRequirements" });
    }
    try {
      const result = await facilitator.verify(paymentPayload, paymentRequirements);
      log("verify ->", JSON.stringify(result));
      res.status(200).json(result);
    } catch (err) {
      log("verify -> 500:", err?.message ?? err);
      res.status(500).json({ error: err instanceof Error ? err.message : "Unknown error" });
    }
  });

  // POST /settle: 200 with a SettleResponse ({success, errorReason?, errorMessage?, payer?,
  // transaction, network, amount?}) whether or not it settled; 400 {error} on a bad body; 500
  // {error} when the facilitator throws.
  app.post("/settle", async (req, res) => {
    log("POST /settle", describe(req.body));
    const { paymentPayload, paymentRequirements } = req.body ?? {};
    if (!paymentPayload || !paymentRequirements) {
      log("settle -> 400: missing paymentPayload or paymentRequirements");
      return res.status(400).json({ error: "Missing paymentPayload or paymentRequirements" });
    }
    try {
      const result = await facilitator.settle(paymentPayload, paymentRequirements);
      log("settle ->", JSON.stringify(result));
      res.status(200).json(result);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message.includes("Settlement aborted:")) {
        // A before-settle hook abort is a settle failure, not a server error (as in the official example).
        const result = {
          success: false,
          errorReason: message.replace("Settlement aborted: ", ""),
          transaction: "",
          network: paymentPayload?.accepted?.network ?? paymentRequirements?.network ?? "unknown",
        };
        log("settle ->", JSON.stringify(result));
        return res.status(200).json(result);
      }
      log("settle -> 500:", message);
      res.status(500).json({ error: message });
    }
  });

  // GET /supported: 200 {kinds: [{x402Version, scheme, network, extra?}], extensions: [], signers: {"eip155:*": [address]}}.
  app.get("/supported", (_req, res) => {
    try {
      const result = facilitator.getSupported();
      log("GET /supported ->", JSON.stringify({ kinds: result.kinds.length, signers: result.signers }));
      res.status(200).json(result);
    } catch (err) {
      log("supported -> 500:", err?.message ?? err);
      res.status(500).json({ error: err instanceof Error ? err.message : "Unknown error" });
    }
  });

  app.use((req, res) => {
    log(`${req.method} ${req.originalUrl} -> 404`);
    res.status(404).json({ error: `Not found: ${req.method} ${req.path}` });
  });
  // A body that is not JSON (express.json throws) -> 400 {error}, not express's HTML page.
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, _next) => {
    const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
    log(`${req.method} ${req.originalUrl} -> ${status}:`, err?.message ?? err);
    res.status(status).json({ error: status === 400 ? `Invalid JSON body: ${err.message}` : err?.message ?? "Unknown error" });
  });

  const server = app.listen(opts.port, "127.0.0.1", () => {
    const { port } = server.address();
    log(`signer ${account.address} on ${opts.rpc} (${network})`);
    process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);
  });
  // longer than any client's idle pool: a kept-alive connection is never closed as it is reused
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.on("error", (err) => fail(err.message));

  // A test fixture: exit at once when killed (nothing to flush; no waiting on keep-alive sockets).
  const shutdown = () => process.exit(0);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => fail(err?.stack ?? String(err)));
