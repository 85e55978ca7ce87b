package dev.cyberia.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The pages, their script and style, and the chart library, all from this jar (nothing is
 * fetched from anywhere at run time). Pages forbid framing and any script or connection that is
 * not this origin's.
 */
final class Pages {
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

    /** Path → (resource, content type). */
    private static final Map<String, String[]> FILES = Map.of(
            "/favicon.svg", new String[] {"/dev/cyberia/dashboard/static/favicon.svg", "image/svg+xml"},
            "/favicon.ico", new String[] {"/dev/cyberia/dashboard/static/favicon.svg", "image/svg+xml"},
            "/", new String[] {"/dev/cyberia/dashboard/static/index.html", "text/html; charset=utf-8"},
            "/agent", new String[] {"/dev/cyberia/dashboard/static/agent.html", "text/html; charset=utf-8"},
            "/static/dashboard.js",
                    new String[] {"/dev/cyberia/dashboard/static/dashboard.js", "text/javascript; charset=utf-8"},
            "/static/dashboard.css",
                    new String[] {"/dev/cyberia/dashboard/static/dashboard.css", "text/css; charset=utf-8"},
            "/vendor/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/vendor/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private Pages() {}

    static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] file = FILES.get(exchange.getRequestURI().getPath());
            if (file == null || !exchange.getRequestMethod().equals("GET")) {
                byte[] body = "not found".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] body;
            try (InputStream in = Pages.class.getResourceAsStream(file[0])) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard's " + file[0] + " is missing from the jar");
                }
                body = in.readAllBytes();
            }
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", file[1]);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set(
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
