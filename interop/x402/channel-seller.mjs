#!/usr/bin/env node
// Interop fixture: the OFFICIAL x402 v2 `batch-settlement` seller stack (payment channels),
// entirely on 127.0.0.1.
//
//   - an x402 v2 facilitator in-process (@x402/core x402Facilitator + the @x402/evm
//     batch-settlement facilitator scheme, network eip155:<--chain-id>), sending deposit, claim,
//     settle and refund transactions to the channel contract at its canonical address
//     (0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003, hardcoded in @x402/evm) through a viem wallet
//     client holding --facilitator-key. That key is also the facilitator's receiverAuthorizer
//     (advertised in /supported, and signing ClaimBatch / Refund authorizations), unless
//     --receiver-authorizer-key gives the server its own receiverAuthorizer;
//   - an express server whose /item route (GET and POST) is protected by the official
//     @x402/express payment middleware with the @x402/evm batch-settlement server scheme;
//   - POST /admin/claim-and-settle (no payment): the official channel manager claims every
//     outstanding voucher (claimWithSignature), then settles (settle(receiver, token)), now.
//
// Usage:
//   node channel-seller.mjs --rpc http://127.0.0.1:8545 --token 0xTOKEN --pay-to 0xADDR \
//     --price-units 1000 --facilitator-key 0xPRIVKEY --port 0
// Optional: --chain-id N (default 31337), --token-name S / --token-version S (the token's EIP-712
// domain, in the requirement's `extra`; default ComputeToken / 1), --max-timeout-seconds N
// (default 300), --withdraw-delay N (default 900), --min-deposit N (the announced minimum
// deposit, in base units; default 10 x the price), --receiver-authorizer-key 0xPRIVKEY.
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
import { BatchSettlementEvmScheme as BatchSettlementFacilitatorScheme } from "@x402/evm/batch-settlement/facilitator";
import { BatchSettlementEvmScheme as BatchSettlementServerScheme } from "@x402/evm/batch-settlement/server";
import { paymentMiddlewareFromHTTPServer } from "@x402/express";

const DEFAULT_CHAIN_ID = "31337";
const DEFAULT_TOKEN_NAME = "ComputeToken";
const DEFAULT_TOKEN_VERSION = "1";
const KEY_RE = /^0x[0-9a-fA-F]{64}$/;

function log(...args) {
  console.error("[x402-channel-seller]", ...args);
}

function fail(message) {
  console.error(`[x402-channel-seller] error: ${message}`);
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
        "receiver-authorizer-key": { type: "string" },
        "chain-id": { type: "string", default: DEFAULT_CHAIN_ID },
        "token-name": { type: "string", default: DEFAULT_TOKEN_NAME },
        "token-version": { type: "string", default: DEFAULT_TOKEN_VERSION },
        port: { type: "string", default: "0" },
        "max-timeout-seconds": { type: "string", default: "300" },
        "withdraw-delay": { type: "string", default: "900" },
        "min-deposit": { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err.message);
  }
  for (const name of ["rpc", "token", "pay-to", "price-units", "facilitator-key"]) {
    if (!values[name]) fail(`missing --${name}`);
  }
  if (!/^[0-9]+$/.test(values["price-units"]) || BigInt(values["price-units"]) === 0n) {
    fail("--price-units must be a positive integer (base units)");
  }
  if (!KEY_RE.test(values["facilitator-key"])) fail("--facilitator-key must be a 0x-prefixed 32-byte hex key");
  if (values["receiver-authorizer-key"] !== undefined && !KEY_RE.test(values["receiver-authorizer-key"])) {
    fail("--receiver-authorizer-key must be a 0x-prefixed 32-byte hex key");
  }
  const chainId = Number(values["chain-id"]);
  if (!/^[0-9]+$/.test(values["chain-id"]) || chainId <= 0 || !Number.isSafeInteger(chainId)) fail("--chain-id must be a positive integer");
  if (!values["token-name"] || !values["token-version"]) fail("--token-name and --token-version must not be empty");
  const port = Number(values.port);
  if (!/^[0-9]+$/.test(values.port) || port > 65535) fail("--port must be 0..65535");
  if (!/^[0-9]+$/.test(values["max-timeout-seconds"])) fail("--max-timeout-seconds must be a non-negative integer");
  const withdrawDelay = Number(values["withdraw-delay"]);
  if (!/^[0-9]+$/.test(values["withdraw-delay"]) || withdrawDelay < 900 || withdrawDelay > 2592000) {
    fail("--withdraw-delay must be 900..2592000 seconds");
  }
  if (values["min-deposit"] !== undefined && (!/^[0-9]+$/.test(values["min-deposit"]) || BigInt(values["min-deposit"]) === 0n)) {
    fail("--min-deposit must be a positive integer (base units)");
  }
  if (!/^https?:\/\/[^/]/.test(values.rpc)) fail("--rpc must be an http(s) URL");
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
    receiverAuthorizerKey: values["receiver-authorizer-key"],
    chainId,
    network: `eip155:${chainId}`,
    tokenDomain: { name: values["token-name"], version: values["token-version"] },
    port,
    maxTimeoutSeconds: Number(values["max-timeout-seconds"]),
    withdrawDelay,
    minDeposit: values["min-deposit"],
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

// The in-process facilitator: x402Facilitator + the @x402/evm batch-settlement scheme, wrapped as
// the FacilitatorClient the resource server and the channel manager call directly. Each result is
// logged, and the latest claim/settle results are kept for /admin/claim-and-settle.
async function inProcessFacilitator(opts) {
  const chain = localChain(opts.chainId, opts.rpc);
  const account = privateKeyToAccount(opts.facilitatorKey);
  const client = createWalletClient({ account, chain, transport: http(opts.rpc) }).extend(publicActions);
  let rpcChainId;
  try {
    rpcChainId = await client.getChainId();
  } catch (err) {
    fail(`RPC ${opts.rpc} not reachable: ${err?.shortMessage ?? err?.message ?? err}`);
  }
  if (rpcChainId !== opts.chainId) fail(`RPC ${opts.rpc} reports chain id ${rpcChainId}, expected ${opts.chainId}`);

  const signer = toFacilitatorEvmSigner({
    address: account.address,
    readContract: (args) => client.readContract({ ...args, args: args.args || [] }),
    verifyTypedData: (args) => client.verifyTypedData(args),
    writeContract: (args) => client.writeContract({ ...args, args: args.args || [] }),
    sendTransaction: (args) => client.sendTransaction(args),
    waitForTransactionReceipt: (args) => client.waitForTransactionReceipt(args),
    getCode: (args) => client.getCode(args),
  });
  // The viem account is the AuthorizerSigner ({address, signTypedData}): the facilitator
  // advertises it as receiverAuthorizer and signs ClaimBatch / Refund with it when the server
  // sends no signature of its own.
  const facilitator = new x402Facilitator().register(opts.network, new BatchSettlementFacilitatorScheme(signer, account));

  const latest = {};
  const logged = (name, call) => async (paymentPayload, paymentRequirements) => {
    const type = paymentPayload?.payload?.type;
    try {
      const result = await call(paymentPayload, paymentRequirements);
      log(`facilitator ${name} ${type}:`, JSON.stringify(result));
      if (name === "settle" && type) latest[type] = result;
      return result;
    } catch (err) {
      log(`facilitator ${name} ${type} error:`, err?.message ?? err);
      throw err;
    }
  };
  return {
    account,
    publicClient: client,
    latest,
    client: {
      verify: logged("verify", (p, r) => facilitator.verify(p, r)),
      settle: logged("settle", (p, r) => facilitator.settle(p, r)),
      getSupported: async () => facilitator.getSupported(),
    },
  };
}

const receiversAbi = [
  {
    type: "function",
    name: "receivers",
    stateMutability: "view",
    inputs: [{ type: "address" }, { type: "address" }],
    outputs: [
      { name: "totalClaimed", type: "uint128" },
      { name: "totalSettled", type: "uint128" },
    ],
  },
];
const BATCH_SETTLEMENT_ADDRESS = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003";

async function main() {
  const opts = readOptions();
  const facilitator = await inProcessFacilitator(opts);

  const code = await facilitator.publicClient.getCode({ address: BATCH_SETTLEMENT_ADDRESS });
  if (!code || code === "0x") log(`warning: no contract at ${BATCH_SETTLEMENT_ADDRESS} (the batch-settlement contract)`);

  const serverScheme = new BatchSettlementServerScheme(opts.payTo, {
    withdrawDelay: opts.withdrawDelay,
    ...(opts.receiverAuthorizerKey ? { receiverAuthorizerSigner: privateKeyToAccount(opts.receiverAuthorizerKey) } : {}),
  });
  const resourceServer = new x402ResourceServer(facilitator.client).register(opts.network, serverScheme);

  const accepts = {
    scheme: "batch-settlement",
    network: opts.network,
    payTo: opts.payTo,
    // An AssetAmount price: the per-request amount in base units, plus the token's EIP-712 domain
    // (the buyer signs its deposit's ReceiveWithAuthorization under it).
    // With --min-deposit, the route's own `extra.minDeposit` (the official server announces
    // max(price, it); without it, 10 x the price).
    price: {
      amount: opts.priceUnits,
      asset: opts.token,
      extra: { ...opts.tokenDomain, ...(opts.minDeposit ? { minDeposit: opts.minDeposit } : {}) },
    },
    maxTimeoutSeconds: opts.maxTimeoutSeconds,
  };
  const routeConfig = { accepts, description: "the item", mimeType: "application/json" };
  const routes = { "GET /item": routeConfig, "POST /item": routeConfig };

  const httpServer = new x402HTTPResourceServer(resourceServer, routes);
  try {
    await httpServer.initialize();
  } catch (err) {
    fail(`facilitator sync failed: ${err?.message ?? err}`);
  }

  const manager = serverScheme.createChannelManager(facilitator.client, opts.network, opts.token);

  const app = express();
  app.use((req, _res, next) => {
    log(`${req.method} ${req.originalUrl}${req.get("payment-signature") ? " (with PAYMENT-SIGNATURE)" : ""}`);
    next();
  });

  // Claims every channel's outstanding charges with the official channel manager, then settles
  // the receiver's claimed balance, and reports what happened. Registered before the payment
  // middleware: it is not a paid route.
  let busy = Promise.resolve();
  app.post("/admin/claim-and-settle", (_req, res) => {
    busy = busy.then(async () => {
      try {
        const read = () =>
          facilitator.publicClient.readContract({
            address: BATCH_SETTLEMENT_ADDRESS,
            abi: receiversAbi,
            functionName: "receivers",
            args: [opts.payTo, opts.token],
          });
        // What the manager is about to claim: per channel, the charged cumulative amount over the
        // mirrored on-chain totalClaimed.
        const claimed = (await serverScheme.getStorage().list())
          .filter((c) => BigInt(c.chargedCumulativeAmount) > BigInt(c.totalClaimed))
          .map((c) => ({
            channelId: c.channelId,
            previousTotalClaimed: c.totalClaimed,
            totalClaimed: c.chargedCumulativeAmount,
            amount: (BigInt(c.chargedCumulativeAmount) - BigInt(c.totalClaimed)).toString(),
          }));
        const claims = await manager.claim();
        const [totalClaimed, totalSettled] = await read();
        let settle = null;
        if (totalClaimed > totalSettled) {
          const result = await manager.settle();
          settle = { transaction: result.transaction, amount: facilitator.latest.settle?.amount ?? null };
        }
        const [claimedAfter, settledAfter] = await read();
        res.status(200).json({
          receiver: opts.payTo,
          token: opts.token,
          claims: claims.map((c) => ({ vouchers: c.vouchers, transaction: c.transaction })),
          claimed,
          settle,
          receiverState: { totalClaimed: claimedAfter.toString(), totalSettled: settledAfter.toString() },
        });
      } catch (err) {
        log("claim-and-settle error:", err?.message ?? err);
        res.status(500).json({ error: String(err?.message ?? err) });
      }
    });
  });

  app.use(paymentMiddlewareFromHTTPServer(httpServer, undefined, undefined, false));
  const item = (_req, res) => res.status(200).json({ item: "the item" });
  app.get("/item", item);
  app.post("/item", item);

  const server = app.listen(opts.port, "127.0.0.1", () => {
    const { port } = server.address();
    const authorizer = opts.receiverAuthorizerKey
      ? privateKeyToAccount(opts.receiverAuthorizerKey).address
      : facilitator.account.address;
    log(
      `in-process batch-settlement facilitator ${facilitator.account.address} on ${opts.rpc} (${opts.network}); ` +
        `receiverAuthorizer ${authorizer}; token ${opts.token} ${JSON.stringify(opts.tokenDomain)}; payTo ${opts.payTo}; price ${opts.priceUnits}`,
    );
    process.stdout.write(`LISTENING http://127.0.0.1:${port}/item\n`);
  });
  // longer than any client's idle pool: a kept-alive connection is never closed as it is reused
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.on("error", (err) => fail(err.message));

  const shutdown = () => process.exit(0);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => fail(err?.stack ?? String(err)));
