package dev.cyberia.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code cyberia miner serve --model models/tiny-chat --port <free> ARGS} in a process of its own,
 * as a person starts it; {@link #banner} is the line it prints once it serves.
 */
final class MinerProcess implements AutoCloseable {
    final int port;
    final String banner;
    private final Process process;

    private MinerProcess(int port, String banner, Process process) {
        this.port = port;
        this.banner = banner;
        this.process = process;
    }

    static MinerProcess start(Map<String, String> environment, String... args) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.cyberia.cli.Main",
                "miner",
                "serve",
                "--model",
                Path.of("../models/tiny-chat").toAbsolutePath().normalize().toString(),
                "--port",
                Integer.toString(port)));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process process = pb.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.contains("serving")) { // log lines may come first
            line = out.readLine();
        }
        return new MinerProcess(port, line == null ? "" : line, process);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
