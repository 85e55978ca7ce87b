#!/usr/bin/env node
// Interop fixture: the OFFICIAL x402 v2 TypeScript seller stack, entirely on 127.0.0.1.
//
//   - an x402 v2 facilitator running in-process (@x402/core x402Facilitator + @x402/evm exact
//     scheme, network eip155:31337), settling EIP-3009 transferWithAuthorization on a local anvil
//     through a viem wallet client that holds --facilitator-key;
//   - an express server whose /item route (GET and POST) is protected by the official
//     @x402/express payment middleware, using that in-process facilitator directly (no HTTP
//     facilitator, no external URL).
//
// Usage:
//   node seller.mjs --rpc http://127.0.0.1:8545 --token 0xTOKEN --pay-to 0xADDR \
//     --price-units 250000 --facilitator-key 0xPRIVKEY --port 0
//
// stdout carries exactly one line, `LISTENING http://127.0.0.1:<port>/item`, once the server is
// ready; all diagnostics go to stderr. The process runs until killed.

import { parseArgs } from "node:util";
import express from "express";
import { createWalletClient, defineChain, getAddress, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Facilitator } from "@x402/core/facilitator";
import { x402HTTPResourceServer, x402ResourceServer } from "@x402/core/server";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { registerExactEvmScheme as registerExactEvmFacilitatorScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmScheme as ExactEvmServerScheme } from "@x402/evm/exact/server";
import { paymentMiddlewareFromHTTPServer } from "@x402/express";

const CHAIN_ID = 31337;
const NETWORK = `eip155:${CHAIN_ID}`;
// EIP-712 domain of the project's ComputeToken (contracts/src/ComputeToken.sol): ERC20Permit("ComputeToken"), version "1".
const TOKEN_DOMAIN = { name: "ComputeToken", version: "1" };

function log(...args) {
  console.error("[x402-seller]", ...args);
}

function fail(message) {
  console.error(`[x402-seller] error: ${message}`);
  process.exit(2);
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string" },
      token: { type: "string" },
      "pay-to": { type: "string" },
      "price-units": { type: "string" },
      "facilitator-key": { type: "string" },
      port: { type: "string", default: "0" },
      "max-timeout-seconds": { type: "string", default: "300" },
    },
    strict: true,
  });
  for (const required of ["rpc", "token", "pay-to", "price-units", "facilitator-key"]) {
    if (!values[required]) fail(`missing --${required}`);
  }
  if (!/^[0-9]+$/.test(values["price-units"])) fail("--price-units must be a non-negative integer (base units)");
  if (!/^0x[0-9a-fA-F]{64}$/.test(values["facilitator-key"])) fail("--facilitator-key must be a 0x-prefixed 32-byte hex key");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("--port must be 0..65535");
  return {
    rpc: values.rpc,
    token: getAddress(values.token),
    payTo: getAddress(values["pay-to"]),
    priceUnits: values["price-units"],
    facilitatorKey: values["facilitator-key"],
    port,
    maxTimeoutSeconds: Number(values["max-timeout-seconds"]),
  };
}

async function main() {
  const opts = readOptions();

  // Our own chain object: anvil, chain id 31337, the given RPC only.
  const anvil = defineChain({
    id: CHAIN_ID,
    name: "Anvil (local)",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [opts.rpc] } },
  });

  const account = privateKeyToAccount(opts.facilitatorKey);
  const client = createWalletClient({ account, chain: anvil, transport: http(opts.rpc) }).extend(publicActions);

  const rpcChainId = await client.getChainId();
  if (rpcChainId !== CHAIN_ID) fail(`RPC ${opts.rpc} reports chain id ${rpcChainId}, expected ${CHAIN_ID}`);

  // FacilitatorEvmSigner over the viem client (the shape @x402/evm's facilitator expects).
  const facilitatorSigner = toFacilitatorEvmSigner({
    address: account.address,
    readContract: (args) => client.readContract({ ...args, args: args.args || [] }),
    verifyTypedData: (args) => client.verifyTypedData(args),
    writeContract: (args) => client.writeContract({ ...args, args: args.args || [] }),
    sendTransaction: (args) => client.sendTransaction(args),
    waitForTransactionReceipt: (args) => client.waitForTransactionReceipt(args),
    getCode: (args) => client.getCode(args),
  });

  // In-process x402 v2 facilitator with the exact EVM scheme on eip155:31337.
  const facilitator = new x402Facilitator()
    .onAfterVerify(async ({ result }) => log("facilitator verify:", JSON.stringify(result)))
    .onVerifyFailure(async ({ error }) => log("facilitator verify error:", error?.message ?? error))
    .onAfterSettle(async ({ result }) => log("facilitator settle:", JSON.stringify(result)))
    .onSettleFailure(async ({ error }) => log("facilitator settle error:", error?.message ?? error));
  registerExactEvmFacilitatorScheme(facilitator, { signer: facilitatorSigner, networks: NETWORK });

  // A local FacilitatorClient: the resource server talks to the facilitator object directly.
  const localFacilitatorClient = {
    verify: (paymentPayload, paymentRequirements) => facilitator.verify(paymentPayload, paymentRequirements),
    settle: (paymentPayload, paymentRequirements) => facilitator.settle(paymentPayload, paymentRequirements),
    getSupported: async () => facilitator.getSupported(),
  };

  const resourceServer = new x402ResourceServer(localFacilitatorClient).register(NETWORK, new ExactEvmServerScheme());

  const accepts = {
    scheme: "exact",
    network: NETWORK,
    payTo: opts.payTo,
    // An AssetAmount price: amount in the token's base units (6 decimals), plus the EIP-712
    // domain the buyer signs the EIP-3009 authorization under.
    price: { amount: opts.priceUnits, asset: opts.token, extra: { ...TOKEN_DOMAIN } },
    maxTimeoutSeconds: opts.maxTimeoutSeconds,
  };
  const routeConfig = { accepts, description: "the item", mimeType: "application/json" };
  const routes = { "GET /item": routeConfig, "POST /item": routeConfig };

  const httpServer = new x402HTTPResourceServer(resourceServer, routes);
  // Sync with the facilitator (getSupported + route validation) before announcing readiness.
  await httpServer.initialize();

  const app = express();
  app.use((req, _res, next) => {
    log(`${req.method} ${req.originalUrl}${req.get("payment-signature") ? " (with PAYMENT-SIGNATURE)" : ""}`);
    next();
  });
  app.use(paymentMiddlewareFromHTTPServer(httpServer, undefined, undefined, false));
  const item = (_req, res) => res.status(200).json({ item: "the item" });
  app.get("/item", item);
  app.post("/item", item);

  const server = app.listen(opts.port, "127.0.0.1", () => {
    const { port } = server.address();
    log(`facilitator ${account.address} on ${opts.rpc} (${NETWORK}); token ${opts.token}; payTo ${opts.payTo}; price ${opts.priceUnits}`);
    process.stdout.write(`LISTENING http://127.0.0.1:${port}/item\n`);
  });
  server.on("error", (err) => fail(err.message));

  // A test fixture: exit at once when killed (nothing to flush; no waiting on keep-alive sockets).
  const shutdown = () => process.exit(0);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => fail(err?.stack ?? String(err)));
