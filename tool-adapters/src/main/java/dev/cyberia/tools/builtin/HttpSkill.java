package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP GET to the hosts in the definition's {@code policy.httpHosts}, capped in size and time. */
public final class HttpSkill {
    /** The most of a body the skill reads. */
    public static final int MAX_BYTES = 64 * 1024;

    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One client for every agent: a client holds a selector thread. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Tool(name = "http_get", value = "Fetch a URL on an allowed host; returns the status and up to 64 KiB of text.")
    @Skill(sideEffect = SideEffect.EXTERNAL)
    public String get(@P("an http or https URL") String url, CallContext context)
            throws IOException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only http and https URLs, not '" + url + "'");
        }
        if (uri.getHost() == null || !context.definition().policy().httpHosts().contains(uri.getHost())) {
            throw new IllegalArgumentException("host '" + uri.getHost() + "' is not in policy.httpHosts "
                    + context.definition().policy().httpHosts());
        }
        HttpResponse<InputStream> response = HTTP.send(
                HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            boolean cut = bytes.length > MAX_BYTES;
            String text = new String(bytes, 0, Math.min(bytes.length, MAX_BYTES), StandardCharsets.UTF_8);
            return response.statusCode() + "\n" + text + (cut ? "\n[cut at 64 KiB]" : "");
        }
    }
}
