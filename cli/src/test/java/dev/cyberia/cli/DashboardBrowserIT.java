package dev.cyberia.cli;

import static dev.cyberia.cli.AgentNodeIT.cli;
import static dev.cyberia.cli.AgentNodeIT.newAgent;
import static dev.cyberia.cli.AgentNodeIT.startNode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium, which {@code scripts/test-browser}
 * installs), against a node running real agents on the devnet: the pages load without console
 * errors, a chart holds the agent's real data points, the action stream shows a new event as it
 * happens, and approving a waiting payment from the page sends it. Screenshots go to {@code
 * target/screenshots}.
 */
class DashboardBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void devnetUp() throws IOException {
        assertThat(new File("/usr/bin/chromium"))
                .as("Chromium for the browser tests: run scripts/test-browser (.ci/run does)")
                .exists();
        assertThat(new File("/usr/bin/chromedriver"))
                .as("ChromeDriver for the browser tests: run scripts/test-browser (.ci/run does)")
                .exists();
        AgentNodeIT.devnetUp();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void devnetDown() throws IOException {
        AgentNodeIT.devnetDown_andNoSecretIsLeftInTheHomeOrTheNodesLogs();
    }

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void shoot(WebDriver browser, String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    private static List<LogEntry> consoleErrors(WebDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
    }

    @Test
    void aPersonWatchesTheAgents_seesTheirDataLive_andApprovesAWaitingPayment() throws Exception {
        newAgent("ticker", """
                purpose: Look around every two seconds.
                heartbeat: 2s
                """);
        newAgent("spender", """
                purpose: Pay my friend once an hour.
                heartbeat: 1h
                skills: [dev.cyberia.cli.skills.TestSkills]
                policy:
                  payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
                routine:
                  - skill: pay
                    args: {to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", amount: "0.2", purpose: services}
                """);
        assertThat(cli.run("treasury", "policy", "spender", "set", "--approval-above", "0.1")
                        .exitCode())
                .isZero();
        for (String name : List.of("ticker", "spender")) {
            assertThat(cli.run("agent", "launch", name, "--detach").exitCode()).isZero();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process node = startNode("--shop-port", "0", "--dashboard-port", Integer.toString(port));
        Path profile = Files.createTempDirectory("cyberia-chromium");
        WebDriver browser = null;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            JsonNode waiting;
            do { // the spender's payment is held for a person
                assertThat(System.nanoTime()).as("a payment waits for approval").isLessThan(deadline);
                Thread.sleep(300);
                waiting = JSON.readTree(cli.run("--json", "treasury", "approvals", "list")
                                .out())
                        .path("waiting");
            } while (waiting.isEmpty());
            long paymentId = waiting.get(0).path("id").asLong();
            String token = Files.readString(AgentNodeIT.home.resolve("dashboard.token"))
                    .trim();

            browser = chromium(profile);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://127.0.0.1:" + port + "/#token=" + token);
            wait.until(b -> b.findElements(By.cssSelector("#agents tbody tr")).size() >= 2);
            assertThat(browser.findElement(By.id("agents")).getText()).contains("ticker", "spender");
            assertThat(browser.getCurrentUrl())
                    .as("the token leaves the address bar")
                    .doesNotContain(token);
            WebElement row = wait.until(
                    b -> b.findElements(By.cssSelector("#approvals tr[data-payment='" + paymentId + "']")).stream()
                            .findFirst()
                            .orElse(null));
            shoot(browser, "agents");
            row.findElement(By.cssSelector("button.approve")).click();
            wait.until(b -> b.findElement(By.id("token-state")).getText().contains("payment #" + paymentId + ": "));
            String decided = browser.findElement(By.id("token-state")).getText();
            assertThat(decided).doesNotContain("error").doesNotContain("AWAITING");
            assertThat(JSON.readTree(cli.run("--json", "treasury", "approvals", "list")
                                    .out())
                            .path("waiting"))
                    .as("approved from the page: nothing waits")
                    .isEmpty();
            CliRun.Result ledger = cli.run("--json", "treasury", "ledger", "spender");
            assertThat(ledger.out())
                    .as("the approved payment was sent and booked")
                    .contains("expenses:services");
            assertThat(consoleErrors(browser))
                    .as("console errors on the agents page")
                    .isEmpty();

            browser.get("http://127.0.0.1:" + port + "/agent?name=spender");
            WebElement paid = wait.until(
                    b -> b.findElements(By.cssSelector("#payments tr[data-payment='" + paymentId + "']")).stream()
                            .findFirst()
                            .orElse(null));
            assertThat(paid.getText())
                    .as("the approved payment, in its journal state")
                    .contains("CONFIRMED");
            JavascriptExecutor page = (JavascriptExecutor) browser;
            String lastOf = "const c = window.cyberiaCharts['%s']; return c ? String(c[%d][c[%d].length - 1]) : '0';";
            assertThat(new java.math.BigDecimal((String) page.executeScript(lastOf.formatted("flows-chart", 2, 2))))
                    .as("this hour's spend in the books chart: the approved 0.2")
                    .isEqualByComparingTo("0.2");
            assertThat(new java.math.BigDecimal((String) page.executeScript(lastOf.formatted("gas-chart", 1, 1))))
                    .as("this hour's gas, in ether")
                    .isPositive();
            browser.findElement(By.cssSelector("input[name=period][value=day]")).click();
            assertThat(((Number) page.executeScript("return window.cyberiaCharts['flows-chart'][0].length;"))
                            .intValue())
                    .as("by day: the last 30 days and today")
                    .isEqualTo(31);
            page.executeScript("document.getElementById('flows-chart').scrollIntoView();");
            shoot(browser, "books");

            browser.get("http://127.0.0.1:" + port + "/agent?name=ticker");
            wait.until(b -> ((Number) ((JavascriptExecutor) b)
                                    .executeScript("const c = window.cyberiaCharts['balance-chart'];"
                                            + " return c ? c[0].length : 0;"))
                            .intValue()
                    > 0);
            Number points = (Number) ((JavascriptExecutor) browser)
                    .executeScript("return window.cyberiaCharts['balance-chart'][1].length;");
            assertThat(points.intValue())
                    .as("the balance chart has the ticker's own points")
                    .isPositive();
            assertThat(browser.findElements(By.cssSelector("#balance-chart canvas")))
                    .isNotEmpty();
            wait.until(b -> !b.findElements(By.cssSelector("#events li")).isEmpty());
            long newest = Long.parseLong(
                    browser.findElement(By.cssSelector("#events li")).getDomAttribute("data-seq"));
            wait.until(b ->
                    Long.parseLong(b.findElement(By.cssSelector("#events li")).getDomAttribute("data-seq"))
                            > newest); // a tick happened while we looked, and the page showed it
            assertThat(browser.findElement(By.id("chain")).getText()).contains("intact");
            assertThat(browser.findElement(By.id("ladder-toward")).getText())
                    .as("the ladder's next tier, with each rule's figures")
                    .startsWith("AGENT");
            assertThat(browser.findElements(By.cssSelector("#ladder li"))).isNotEmpty();
            shoot(browser, "agent");
            assertThat(consoleErrors(browser))
                    .as("console errors on the agent page")
                    .isEmpty();
        } finally {
            if (browser != null) {
                browser.quit();
            }
            for (String name : List.of("ticker", "spender")) {
                cli.run("agent", "stop", name);
            }
            node.destroy();
            node.waitFor();
        }
    }
}
