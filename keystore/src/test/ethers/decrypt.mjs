// Decrypts a v3 keystore file with ethers and prints its address: proves that files Cyberia
// writes are readable by another wallet implementation. Usage: node decrypt.mjs FILE PASSPHRASE_FILE
import { readFileSync } from "node:fs";
import { decryptKeystoreJsonSync } from "ethers";

const [file, passphraseFile] = process.argv.slice(2);
const passphrase = readFileSync(passphraseFile, "utf8").replace(/\r?\n$/, "");
const account = decryptKeystoreJsonSync(readFileSync(file, "utf8"), passphrase);
console.log(account.address);
