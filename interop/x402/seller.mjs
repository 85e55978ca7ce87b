#!/usr/bin/env node
// Interop fixture: the OFFICIAL x402 v2 TypeScript seller stack, entirely on 127.0.0.1.
//
//   - by default, an x402 v2 facilitator running in-process (@x402/core x402Facilitator +
//     @x402/evm exact scheme, network eip155:<--chain-id>, default 31337), settling EIP-3009
//     transferWithAuthorization on a local chain through a viem wallet client that holds
//     --facilitator-key;
//   - with --facilitator-url, no in-process facilitator: the official HTTPFacilitatorClient
//     (@x402/core) talks to that x402 v2 HTTP facilitator (e.g. facilitator.mjs) instead;
//   - an express server whose /item route (GET and POST) is protected by the official
//     @x402/express payment middleware (no external URL anywhere).
//
// Usage:
//   node seller.mjs --rpc http://127.0.0.1:8545 --token 0xTOKEN --pay-to 0xADDR \
//     --price-units 250000 --facilitator-key 0xPRIVKEY --port 0
//   node seller.mjs --token 0xTOKEN --pay-to 0xADDR --price-units 250000 \
//     --facilitator-url http://127.0.0.1:PORT [--rpc URL] --port 0
// Optional: --chain-id N (default 31337), --token-name S / --token-version S (the token's EIP-712
// domain, put in the requirement's `extra`; default ComputeToken / 1), --max-timeout-seconds N.
//
// stdout carries exactly one line, `LISTENING http://127.0.0.1:<port>/item`, once the server is
// ready; all diagnostics go to stderr. The process runs until killed.

import { parseArgs } from "node:util";
import express from "express";
import { createPublicClient, createWalletClient, defineChain, getAddress, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Facilitator } from "@x402/core/facilitator";
import { HTTPFacilitatorClient, x402HTTPResourceServer, x402ResourceServer } from "@x402/core/server";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { registerExactEvmScheme as registerExactEvmFacilitatorScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmScheme as ExactEvmServerScheme } from "@x402/evm/exact/server";
import { paymentMiddlewareFromHTTPServer } from "@x402/express";

// Defaults: anvil's chain id, and the EIP-712 domain of the project's ComputeToken
// (contracts/src/ComputeToken.sol): ERC20Permit("ComputeToken"), version "1".
const DEFAULT_CHAIN_ID = "31337";
const DEFAULT_TOKEN_NAME = "ComputeToken";
const DEFAULT_TOKEN_VERSION = "1";

function log(...args) {
  console.error("[x402-seller]", ...args);
}

function fail(message) {
  console.error(`[x402-seller] error: ${message}`);
  process.exit(2);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rpc: { type: "string" },
        token: { type: "string" },
        "pay-to": { type: "string" },
        "price-units": { type: "string" },
        "facilitator-key": { type: "string" },
        "facilitator-url": { type: "string" },
        "chain-id": { type: "string", default: DEFAULT_CHAIN_ID },
        "token-name": { type: "string", default: DEFAULT_TOKEN_NAME },
        "token-version": { type: "string", default: DEFAULT_TOKEN_VERSION },
        port: { type: "string", default: "0" },
        "max-timeout-seconds": { type: "string", default: "300" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err.message);
  }
  const remote = values["facilitator-url"] !== undefined;
  // The in-process facilitator needs the RPC and its key; a remote facilitator needs neither
  // (with --facilitator-url, --rpc is optional and only used to check the chain id).
  const required = remote ? ["token", "pay-to", "price-units"] : ["rpc", "token", "pay-to", "price-units", "facilitator-key"];
  for (const name of required) {
    if (!values[name]) fail(`missing --${name}${remote ? "" : " (or give --facilitator-url)"}`);
  }
  if (remote && !/^https?:\/\/[^/]/.test(values["facilitator-url"])) fail("--facilitator-url must be an http(s) URL");
  if (!/^[0-9]+$/.test(values["price-units"])) fail("--price-units must be a non-negative integer (base units)");
  if (values["facilitator-key"] !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(values["facilitator-key"])) {
    fail("--facilitator-key must be a 0x-prefixed 32-byte hex key");
  }
  const chainId = Number(values["chain-id"]);
  if (!/^[0-9]+$/.test(values["chain-id"]) || chainId <= 0 || !Number.isSafeInteger(chainId)) fail("--chain-id must be a positive integer");
  if (!values["token-name"] || !values["token-version"]) fail("--token-name and --token-version must not be empty");
  const port = Number(values.port);
  if (!/^[0-9]+$/.test(values.port) || port > 65535) fail("--port must be 0..65535");
  if (!/^[0-9]+$/.test(values["max-timeout-seconds"])) fail("--max-timeout-seconds must be a non-negative integer");
  let token, payTo;
  try {
    token = getAddress(values.token);
    payTo = getAddress(values["pay-to"]);
  } catch (err) {
    fail(`bad address: ${err?.shortMessage ?? err?.message ?? err}`);
  }
  return {
    rpc: values.rpc,
    token,
    payTo,
    priceUnits: values["price-units"],
    facilitatorKey: values["facilitator-key"],
    facilitatorUrl: remote ? values["facilitator-url"] : undefined,
    chainId,
    network: `eip155:${chainId}`,
    tokenDomain: { name: values["token-name"], version: values["token-version"] },
    port,
    maxTimeoutSeconds: Number(values["max-timeout-seconds"]),
  };
}

// Our own chain object: the given chain id, the given RPC only (no public RPC defaults).
function localChain(chainId, rpc) {
  return defineChain({
    id: chainId,
    name: `Local chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
}

async function checkChainId(client, opts) {
  let rpcChainId;
  try {
    rpcChainId = await client.getChainId();
  } catch (err) {
    fail(`RPC ${opts.rpc} not reachable: ${err?.shortMessage ?? err?.message ?? err}`);
  }
  if (rpcChainId !== opts.chainId) fail(`RPC ${opts.rpc} reports chain id ${rpcChainId}, expected ${opts.chainId}`);
}

// The in-process facilitator (the default): x402Facilitator + the @x402/evm exact scheme on
// opts.network, wrapped as a FacilitatorClient the resource server calls directly.
async function inProcessFacilitatorClient(opts) {
  const chain = localChain(opts.chainId, opts.rpc);
  const account = privateKeyToAccount(opts.facilitatorKey);
  const client = createWalletClient({ account, chain, transport: http(opts.rpc) }).extend(publicActions);
  await checkChainId(client, opts);

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

  const facilitator = new x402Facilitator()
    .onAfterVerify(async ({ result }) => log("facilitator verify:", JSON.stringify(result)))
    .onVerifyFailure(async ({ error }) => log("facilitator verify error:", error?.message ?? error))
    .onAfterSettle(async ({ result }) => log("facilitator settle:", JSON.stringify(result)))
    .onSettleFailure(async ({ error }) => log("facilitator settle error:", error?.message ?? error));
  registerExactEvmFacilitatorScheme(facilitator, { signer: facilitatorSigner, networks: opts.network });

  return {
    description: `in-process facilitator ${account.address} on ${opts.rpc}`,
    client: {
      verify: (paymentPayload, paymentRequirements) => facilitator.verify(paymentPayload, paymentRequirements),
      settle: (paymentPayload, paymentRequirements) => facilitator.settle(paymentPayload, paymentRequirements),
      getSupported: async () => facilitator.getSupported(),
    },
  };
}

// A remote x402 v2 HTTP facilitator through the official HTTPFacilitatorClient; its results are
// logged like the in-process facilitator's.
async function httpFacilitatorClient(opts) {
  if (opts.rpc) {
    await checkChainId(createPublicClient({ chain: localChain(opts.chainId, opts.rpc), transport: http(opts.rpc) }), opts);
  }
  const remote = new HTTPFacilitatorClient({ url: opts.facilitatorUrl });
  const logged = (name, call) => async (...args) => {
    try {
      const result = await call(...args);
      log(`facilitator ${name}:`, JSON.stringify(result));
      return result;
    } catch (err) {
      log(`facilitator ${name} error:`, err?.message ?? err);
      throw err;
    }
  };
  return {
    description: `HTTP facilitator ${opts.facilitatorUrl}`,
    client: {
      verify: logged("verify", (p, r) => remote.verify(p, r)),
      settle: logged("settle", (p, r) => remote.settle(p, r)),
      getSupported: () => remote.getSupported(),
    },
  };
}

async function main() {
  const opts = readOptions();

  const facilitator = opts.facilitatorUrl ? await httpFacilitatorClient(opts) : await inProcessFacilitatorClient(opts);

  const resourceServer = new x402ResourceServer(facilitator.client).register(opts.network, new ExactEvmServerScheme());

  const accepts = {
    scheme: "exact",
    network: opts.network,
    payTo: opts.payTo,
    // An AssetAmount price: amount in the token's base units (6 decimals), plus the EIP-712
    // domain the buyer signs the EIP-3009 authorization under.
    price: { amount: opts.priceUnits, asset: opts.token, extra: { ...opts.tokenDomain } },
    maxTimeoutSeconds: opts.maxTimeoutSeconds,
  };
  const routeConfig = { accepts, description: "the item", mimeType: "application/json" };
  const routes = { "GET /item": routeConfig, "POST /item": routeConfig };

  const httpServer = new x402HTTPResourceServer(resourceServer, routes);
  // Sync with the facilitator (getSupported + route validation) before announcing readiness.
  try {
    await httpServer.initialize();
  } catch (err) {
    fail(`facilitator sync failed (${facilitator.description}): ${err?.message ?? err}`);
  }

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
    log(
      `${facilitator.description} (${opts.network}); token ${opts.token} ${JSON.stringify(opts.tokenDomain)}; payTo ${opts.payTo}; price ${opts.priceUnits}`,
    );
    process.stdout.write(`LISTENING http://127.0.0.1:${port}/item\n`);
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
