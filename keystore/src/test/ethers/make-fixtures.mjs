// Writes ../resources/ethers/*.json: keystore files and signatures made by ethers, so that the
// Java keystore is checked against another implementation. Deterministic except for the
// keystore files' salts and ivs (their decryption is what the tests check).
import { writeFileSync, mkdirSync } from "node:fs";
import { Wallet, HDNodeWallet, Mnemonic, Transaction, TypedDataEncoder, encryptKeystoreJsonSync, getBytes, keccak256, toUtf8Bytes } from "ethers";

const out = new URL("../resources/ethers/", import.meta.url);
mkdirSync(out, { recursive: true });
const write = (name, value) => writeFileSync(new URL(name, out), JSON.stringify(value, null, 2) + "\n");

const keystores = [];
const keys = [
  { password: "correct horse battery staple", key: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", scryptN: 1024 },
  { password: "pässwörd ✓", key: "0x0000000000000000000000000000000000000000000000000000000000000001", scryptN: 2048 },
  { password: "ethers-default", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", scryptN: 131072 },
];
for (const k of keys) {
  const wallet = new Wallet(k.key);
  const json = encryptKeystoreJsonSync({ address: wallet.address, privateKey: k.key }, k.password, { scrypt: { N: k.scryptN } });
  keystores.push({ password: k.password, address: wallet.address, privateKey: k.key, keystore: JSON.parse(json) });
}
write("keystores.json", { made_by: "ethers 6.17.0 encryptKeystoreJsonSync", keystores });

const signer = new Wallet("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
const messages = ["hello world", "", "Cyberia ✓ unicode", "x".repeat(300)];
const personal = [];
for (const m of messages) {
  personal.push({ message: m, signature: signer.signingKey.sign(getBytes(hashMessage(m))).serialized });
}
function hashMessage(m) {
  const bytes = toUtf8Bytes(m);
  return keccak256(new Uint8Array([...toUtf8Bytes("\x19Ethereum Signed Message:\n" + bytes.length), ...bytes]));
}

const typed = {
  types: {
    EIP712Domain: [
      { name: "name", type: "string" }, { name: "version", type: "string" },
      { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" },
    ],
    TransferWithAuthorization: [
      { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" },
    ],
  },
  primaryType: "TransferWithAuthorization",
  domain: { name: "ComputeToken", version: "1", chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
  message: {
    from: signer.address, to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", value: "1250000",
    validAfter: "0", validBefore: "1893456000",
    nonce: "0x" + "ab".repeat(32),
  },
};
const nested = {
  types: {
    Person: [{ name: "name", type: "string" }, { name: "wallets", type: "address[]" }],
    Mail: [{ name: "from", type: "Person" }, { name: "to", type: "Person[]" }, { name: "contents", type: "string" },
           { name: "tags", type: "bytes32[2]" }, { name: "score", type: "int64" }, { name: "ok", type: "bool" }, { name: "blob", type: "bytes" }],
  },
  primaryType: "Mail",
  domain: { name: "Nested", version: "2", chainId: 1, salt: "0x" + "11".repeat(32) },
  message: {
    from: { name: "Cow", wallets: ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"] },
    to: [{ name: "Bob", wallets: ["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"] }],
    contents: "Hello, Bob!", tags: ["0x" + "01".repeat(32), "0x" + "02".repeat(32)], score: "-42", ok: true, blob: "0xdeadbeef",
  },
};
const typedOut = [];
for (const doc of [typed, nested]) {
  const types = { ...doc.types };
  delete types.EIP712Domain;
  const digest = TypedDataEncoder.hash(doc.domain, types, doc.message);
  typedOut.push({ document: doc, digest, signature: signer.signingKey.sign(digest).serialized });
}

const txs = [];
const to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const txInputs = [
  { type: 2, chainId: 31337, nonce: 0, maxPriorityFeePerGas: 1000000000n, maxFeePerGas: 2000000000n, gasLimit: 21000, to, value: 10n ** 18n, data: "0x" },
  { type: 2, chainId: 1, nonce: 77, maxPriorityFeePerGas: 0n, maxFeePerGas: 30000000000n, gasLimit: 100000, to, value: 0n, data: "0xa9059cbb000000000000000000000000" + to.slice(2).toLowerCase() + "0000000000000000000000000000000000000000000000000000000000000064" },
  { type: 2, chainId: 31337, nonce: 3, maxPriorityFeePerGas: 1n, maxFeePerGas: 1n, gasLimit: 500000, to: null, value: 0n, data: "0x6080604052" },
  { type: 0, chainId: 31337, nonce: 5, gasPrice: 1000000000n, gasLimit: 21000, to, value: 123456789n, data: "0x" },
  { type: 0, chainId: 1, nonce: 0, gasPrice: 20000000000n, gasLimit: 21000, to, value: 1n, data: "0x" },
];
for (const input of txInputs) {
  const tx = Transaction.from(input);
  tx.signature = signer.signingKey.sign(tx.unsignedHash);
  const json = { ...input };
  for (const k of Object.keys(json)) if (typeof json[k] === "bigint") json[k] = json[k].toString();
  txs.push({ input: json, unsignedHash: tx.unsignedHash, raw: tx.serialized, hash: tx.hash });
}
write("signatures.json", { made_by: "ethers 6.17.0", privateKey: signer.privateKey, address: signer.address, personal, typed: typedOut, transactions: txs });

const dev = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const derived = [];
for (let i = 0; i < 3; i++) derived.push({ path: `m/44'/60'/0'/0/${i}`, address: HDNodeWallet.fromMnemonic(dev, `m/44'/60'/0'/0/${i}`).address });
write("derivation.json", { mnemonic: dev.phrase, derived });
console.log("fixtures written");
