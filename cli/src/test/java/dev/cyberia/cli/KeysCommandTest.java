package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEV = "test test test test test test test test test test test junk";
    private static final String ETHERS_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    @TempDir
    Path tmp;

    Path home;
    CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        home = tmp.resolve("home");
        cli = new CliRun(tmp.resolve("user"));
        cli.variables.put("CYBERIA_HOME", home.toString());
        cli.variables.put("CYBERIA_PASSPHRASE", "agent-pass-1");
    }

    private Path file(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private List<String> keyFiles() throws IOException {
        Path keys = home.resolve("keys");
        if (!Files.isDirectory(keys)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(keys)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".lock"))
                    .sorted()
                    .toList();
        }
    }

    private static void assertOneLineError(CliRun.Result r, String fragment) {
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("error: ")
                .contains(fragment)
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void keysNew_onATerminal_showsTheMnemonicThereOnly_andAsksThePassphraseTwice() throws IOException {
        cli.variables.remove("CYBERIA_PASSPHRASE");
        cli.terminal = new FakeTerminal(true, "good-pass", "good-pass", "good-pass", "good-pass");
        CliRun.Result r = cli.run("keys", "new", "alice", "--light-kdf");
        assertThat(r.exitCode()).isZero();
        assertThat(cli.terminal.prompts).containsExactly("Passphrase for 'alice': ", "Repeat the passphrase: ");
        String shown = cli.terminal.shown.toString();
        String[] words = shown.substring(shown.indexOf("    ") + 4).strip().split(" ");
        assertThat(words).hasSize(12);
        assertThat(r.out()).contains("Created key 'alice'").doesNotContain(words[0] + " " + words[1]);

        Path wordsFile = file("alice.words", String.join(" ", words));
        cli.run("keys", "import", "alice-again", "--mnemonic-file", wordsFile.toString(), "--light-kdf");
        assertThat(cli.run("--json", "keys", "show", "alice-again").out())
                .contains(
                        JSON.readTree(cli.run("--json", "keys", "show", "alice").out())
                                .get("address")
                                .asText());
    }

    @Test
    void keysNew_withDifferentRepeatedPassphrase_writesNothing() throws IOException {
        cli.variables.remove("CYBERIA_PASSPHRASE");
        cli.terminal = new FakeTerminal(true, "one", "two");
        assertOneLineError(cli.run("keys", "new", "alice", "--light-kdf"), "the two passphrases differ");
        assertThat(keyFiles()).isEmpty();
        assertThat(cli.terminal.shown).isEmpty();
    }

    @Test
    void keysNew_withoutTerminalOrMnemonicOut_refusesBeforeMakingAKey() throws IOException {
        assertOneLineError(cli.run("keys", "new", "alice"), "--mnemonic-out");
        assertThat(keyFiles()).isEmpty();
    }

    @Test
    void keysNew_withMnemonicOut_writesAnOwnerOnlyFileThatRestoresTheKey() throws IOException {
        Path words = tmp.resolve("bob.words");
        CliRun.Result r = cli.run(
                "--json", "keys", "new", "bob", "--words", "24", "--mnemonic-out", words.toString(), "--light-kdf");
        assertThat(r.exitCode()).isZero();
        JsonNode created = JSON.readTree(r.out());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(words)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(words).strip().split(" ")).hasSize(24);
        assertThat(r.out()).doesNotContain(Files.readString(words).strip().split(" ")[0] + " ");

        CliRun.Result restored =
                cli.run("--json", "keys", "import", "bob2", "--mnemonic-file", words.toString(), "--light-kdf");
        assertThat(JSON.readTree(restored.out()).get("address")).isEqualTo(created.get("address"));
        assertThat(created.get("origin").asText()).isEqualTo("generated");
    }

    @Test
    void keysNew_withDefaultKdf_usesGethStandardScrypt() throws IOException {
        CliRun.Result r = cli.run(
                "--json",
                "keys",
                "new",
                "std",
                "--mnemonic-out",
                tmp.resolve("w").toString());
        JsonNode file = JSON.readTree(
                Path.of(JSON.readTree(r.out()).get("file").asText()).toFile());
        JsonNode params = file.get("crypto").get("kdfparams");
        assertThat(params.get("n").asInt()).isEqualTo(262144);
        assertThat(params.get("r").asInt()).isEqualTo(8);
        assertThat(params.get("p").asInt()).isEqualTo(1);
        assertThat(file.get("version").asInt()).isEqualTo(3);
    }

    @Test
    void keysNew_mnemonicOutThatExists_isRefusedAndKept() throws IOException {
        Path words = file("exists.words", "keep me");
        assertOneLineError(cli.run("keys", "new", "c", "--mnemonic-out", words.toString()), "exists already");
        assertThat(Files.readString(words)).isEqualTo("keep me");
        assertThat(keyFiles()).isEmpty();
    }

    @Test
    void keysNew_nameThatExists_isRefused_andNothingChanges() throws IOException {
        cli.run(
                "keys",
                "import",
                "dup",
                "--mnemonic-file",
                file("dev.words", DEV).toString(),
                "--light-kdf");
        List<String> before = keyFiles();
        assertOneLineError(
                cli.run("keys", "new", "dup", "--mnemonic-out", tmp.resolve("w").toString()), "exists already");
        assertThat(keyFiles()).isEqualTo(before);
        assertThat(tmp.resolve("w")).doesNotExist();
    }

    @Test
    void keysNew_emptyPassphrase_isRefused() throws IOException {
        cli.variables.put("CYBERIA_PASSPHRASE", "");
        assertOneLineError(
                cli.run("keys", "new", "e", "--mnemonic-out", tmp.resolve("w").toString()), "passphrase is empty");
        assertThat(keyFiles()).isEmpty();
        assertThat(tmp.resolve("w")).doesNotExist();
    }

    @Test
    void unwritableHome_isBadInput() throws IOException {
        Path notAFolder = file("plain-file", "x");
        CliRun.Result r = cli.run(
                "--home",
                notAFolder.resolve("home").toString(),
                "keys",
                "new",
                "a",
                "--mnemonic-out",
                tmp.resolve("w").toString());
        assertOneLineError(r, "choose another with --home");
        assertThat(tmp.resolve("w")).doesNotExist();
    }

    @Test
    void keysImport_developmentMnemonic_givesTheWellKnownAccounts() throws IOException {
        Path words = file("dev.words", DEV + "\n");
        assertThat(cli.run("keys", "import", "a0", "--mnemonic-file", words.toString(), "--light-kdf")
                        .out())
                .contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assertThat(cli.run("keys", "import", "a1", "--mnemonic-file", words.toString(), "--index", "1", "--light-kdf")
                        .out())
                .contains("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        assertThat(cli.run(
                                "keys",
                                "import",
                                "a2",
                                "--mnemonic-file",
                                words.toString(),
                                "--path",
                                "m/44'/60'/0'/0/2",
                                "--light-kdf")
                        .out())
                .contains("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    }

    @Test
    void keysImport_badMnemonics_areRefusedWithoutAFile() throws IOException {
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "x",
                        "--mnemonic-file",
                        file("bad.words", DEV.replace("junk", "test")).toString()),
                "checksum");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "x",
                        "--mnemonic-file",
                        file("typo.words", DEV.replace("junk", "junck")).toString()),
                "word 12 is not in the BIP-39 English word list");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "x",
                        "--mnemonic-file",
                        tmp.resolve("missing").toString()),
                "does not exist");
        assertThat(keyFiles()).isEmpty();
    }

    @Test
    void keysImport_privateKey_inAndOutOfRange() throws IOException {
        CliRun.Result ok = cli.run(
                "keys",
                "import",
                "pk",
                "--private-key-file",
                file("pk", "0x" + ETHERS_KEY + "\n").toString(),
                "--light-kdf");
        assertThat(ok.out())
                .contains("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
                .doesNotContain(ETHERS_KEY);
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "zero",
                        "--private-key-file",
                        file("zero", "0".repeat(64)).toString()),
                "out of range for secp256k1");
        String n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "n",
                        "--private-key-file",
                        file("n", n).toString()),
                "out of range for secp256k1");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "short",
                        "--private-key-file",
                        file("short", "abcd").toString()),
                "64 hex digits");
        assertThat(keyFiles()).hasSize(1);
    }

    @Test
    void keysImport_keystoreFileFromEthers_keepsItsPassphrase() throws IOException {
        Path source = resource("ethers-keystore-n1024.json");
        assertOneLineError(cli.run("keys", "import", "e", "--keystore-file", source.toString()), "wrong passphrase");
        cli.variables.put("CYBERIA_PASSPHRASE", "correct horse battery staple");
        CliRun.Result r = cli.run("--json", "keys", "import", "e", "--keystore-file", source.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(JSON.readTree(r.out()).get("address").asText())
                .isEqualTo("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
        CliRun.Result signed = cli.run("--json", "keys", "sign", "e", "hello world");
        assertThat(JSON.readTree(signed.out()).get("signature").asText())
                .isEqualTo(
                        "0x0d5df3f9681b000a5b3a1d4252803318136714deba10c578f9b33718ad9c816e5520a6f19168136aa11e38d691d28a422bce4be3bf290fdb8efe45cdaefb20251c");
    }

    @Test
    void keysImport_corruptKeystoreFiles_areRefused() throws IOException {
        String good = Files.readString(resource("ethers-keystore-n1024.json"));
        cli.variables.put("CYBERIA_PASSPHRASE", "correct horse battery staple");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "t",
                        "--keystore-file",
                        file("truncated.json", good.substring(0, good.length() / 3))
                                .toString()),
                "corrupted or truncated");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "k",
                        "--keystore-file",
                        file("kdf.json", good.replace("\"scrypt\"", "\"argon2\""))
                                .toString()),
                "uses kdf 'argon2'");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "c",
                        "--keystore-file",
                        file("cipher.json", good.replace("aes-128-ctr", "aes-256-gcm"))
                                .toString()),
                "uses cipher 'aes-256-gcm'");
        assertThat(keyFiles()).isEmpty();
    }

    @Test
    void keysSignTyped_signsTransferWithAuthorizationLikeEthers() throws IOException {
        cli.run(
                "keys",
                "import",
                "pk",
                "--private-key-file",
                file("pk", ETHERS_KEY).toString(),
                "--light-kdf");
        CliRun.Result r = cli.run(
                "--json",
                "keys",
                "sign-typed",
                "pk",
                resource("transfer-with-authorization.json").toString());
        assertThat(r.exitCode()).isZero();
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("primaryType").asText()).isEqualTo("TransferWithAuthorization");
        assertThat(out.get("signature").asText())
                .isEqualTo(
                        "0x78bb9e8d1268a9c0520fcb2a1c996fc1958a945b696b5d4bf5b957ae75f947542cdb0e0c3c2f8ca7fe17f4a8baf38dbd56984497d4f6e2cfefa324ca9644dd281c");
        assertOneLineError(
                cli.run(
                        "keys",
                        "sign-typed",
                        "pk",
                        file("bad.json", "{\"types\":{}}").toString()),
                "typed data has no");
    }

    @Test
    void keysSign_withWrongPassphrase_isOneLineAndExitCode2_andJsonWhenAsked() throws IOException {
        cli.run(
                "keys",
                "import",
                "pk",
                "--private-key-file",
                file("pk", ETHERS_KEY).toString(),
                "--light-kdf");
        cli.variables.put("CYBERIA_PASSPHRASE", "nope");
        assertOneLineError(cli.run("keys", "sign", "pk", "hi"), "wrong passphrase");
        CliRun.Result json = cli.run("--json", "keys", "sign", "pk", "hi");
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(JSON.readTree(json.out()).get("error").asText()).contains("wrong passphrase");
    }

    @Test
    void keysList_andShow_needNoPassphrase() throws IOException {
        cli.run("keys", "import", "b", "--mnemonic-file", file("dev.words", DEV).toString(), "--light-kdf");
        cli.run(
                "keys",
                "import",
                "a",
                "--private-key-file",
                file("pk", ETHERS_KEY).toString(),
                "--light-kdf");
        cli.variables.remove("CYBERIA_PASSPHRASE");
        JsonNode list = JSON.readTree(cli.run("--json", "keys", "list").out());
        assertThat(list.get("keys")).extracting(k -> k.get("name").asText()).containsExactly("a", "b");
        CliRun.Result show = cli.run("keys", "show", "b");
        assertThat(show.out()).contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "scrypt", "m/44'/60'/0'/0/0");
        assertOneLineError(cli.run("keys", "show", "ghost"), "no key named 'ghost'");
    }

    @Test
    void noPassphraseSource_saysWhereToGiveOne() throws IOException {
        cli.variables.remove("CYBERIA_PASSPHRASE");
        assertOneLineError(
                cli.run(
                        "keys",
                        "import",
                        "x",
                        "--mnemonic-file",
                        file("dev.words", DEV).toString()),
                "use --passphrase-file FILE, set CYBERIA_PASSPHRASE, or run in a terminal");
        Path pw = file("pw.txt", "from-file\n");
        assertThat(cli.run(
                                "keys",
                                "import",
                                "x",
                                "--mnemonic-file",
                                tmp.resolve("dev.words").toString(),
                                "--passphrase-file",
                                pw.toString(),
                                "--light-kdf")
                        .exitCode())
                .isZero();
        cli.variables.put("CYBERIA_PASSPHRASE", "from-file");
        assertThat(cli.run("keys", "sign", "x", "hello").exitCode()).isZero();
    }

    @Test
    void everySubcommand_answersHelp() {
        for (String[] command : new String[][] {
            {"keys", "import"},
            {"treasury", "send"},
            {"devnet", "fund"},
            {"miner", "serve"},
            {"infer"},
            {"treasury", "policy", "x", "set"}
        }) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            CliRun.Result r = cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage: cyberia");
        }
    }

    @Test
    void badUsage_isExitCode2_withAHint() {
        CliRun.Result r = cli.run("keys", "import", "x");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cyberia keys import --help");
        assertThat(cli.run("keys", "new", "x", "--words", "13").err()).contains("--words must be 12 or 24");
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/" + name)) {
            Path f = tmp.resolve(name);
            Files.write(f, in.readAllBytes());
            return f;
        }
    }
}
