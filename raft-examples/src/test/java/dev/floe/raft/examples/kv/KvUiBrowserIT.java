package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The {@code /ui} page in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs): it shows every member and the leader,
 * and after the leader is killed it shows the new leader and the old one down. Leaves a
 * screenshot in {@code target/ui-screenshot.png}.
 */
class KvUiBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static WebDriver browser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,720");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static String leaderShown(WebDriver page) {
        return page.findElement(By.id("leader")).getText();
    }

    private static WebElement row(WebDriver page, NodeId id) {
        return page.findElement(By.cssSelector("tr[data-member='" + id.value() + "']"));
    }

    /** The applied index the page shows for {@code id} (its third number column), -1 when it shows none. */
    private static long applied(WebDriver page, NodeId id) {
        String text = row(page, id).findElements(By.cssSelector("td.num")).get(2).getText();
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    @Test
    void pageShowsEveryMemberAndTheLeaderAndFollowsAFailover() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver; .ci/run does)");
        Path profile = Files.createTempDirectory("floe-chromium-");
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).startAll()) {
            KvNode leader = cluster.awaitLeader();
            KvNode watched = cluster.follower();
            WebDriver page = browser(profile);
            try {
                WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(10));
                // The page redraws its table every second: an element found just before a redraw is stale; look again.
                wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
                page.get(watched.url() + "/ui");
                wait.until(p -> leaderShown(p).equals(leader.id().value()));
                List<WebElement> rows = page.findElements(By.cssSelector("#members tr[data-member]"));
                assertThat(rows).extracting(r -> r.getAttribute("data-member")).containsExactly("n1", "n2", "n3");
                assertThat(row(page, leader.id()).getAttribute("class")).contains("leader");
                assertThat(row(page, leader.id()).findElement(By.className("role")).getText()).isEqualTo("leader");
                assertThat(page.findElement(By.id("events")).getText()).contains("starts an election");

                cluster.stop(leader.id()); // the leader dies
                wait.until(p -> !leaderShown(p).equals(leader.id().value()) && !leaderShown(p).equals("unknown"));
                KvNode next = cluster.awaitLeader();
                wait.until(p -> leaderShown(p).equals(next.id().value()));
                wait.until(p -> row(p, leader.id()).getAttribute("class").contains("down"));
                assertThat(row(page, next.id()).getAttribute("class")).contains("leader");
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 5; i++) {
                    http.send(HttpRequest.newBuilder(URI.create(next.url() + "/v1/kv/after-failover-" + i))
                            .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.discarding());
                }
                long commit = next.server().status().commitIndex();
                wait.until(p -> applied(p, watched.id()) >= commit); // the page follows the writes

                File shot = ((ChromeDriver) page).getScreenshotAs(OutputType.FILE);
                Path target = Path.of("target", "ui-screenshot.png");
                Files.createDirectories(target.getParent());
                Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
                assertThat(Files.size(target)).isPositive();
            } finally {
                page.quit();
            }
        }
    }

    @Test
    void pageShowsEachGroupsLeaderAndFollowsTheirFailover(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver; .ci/run does)");
        int groups = 4;
        List<Member> members = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            members.add(Member.parse("n" + i + "=127.0.0.1:" + dev.floe.raft.testkit.FreePorts.next() + ":" + dev.floe.raft.testkit.FreePorts.next()));
        }
        ClusterSpec spec = new ClusterSpec(members);
        java.util.Map<String, KvNode> nodes = new java.util.LinkedHashMap<>();
        Path profile = Files.createTempDirectory("floe-chromium-");
        WebDriver page = null;
        try {
            for (Member m : members) {
                nodes.put(m.id().value(), KvNode.start(m.id(), spec, root.resolve(m.id().value()), KvTestCluster.fastOptions(),
                        dev.floe.raft.server.SnapshotOptions.defaults(), false, KvSecurity.plaintext(), groups));
            }
            page = browser(profile);
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            page.get(nodes.get("n1").url() + "/ui");
            wait.until(p -> groupLeaders(p).size() == groups && groupLeaders(p).values().stream().allMatch(l -> l.matches("n[123]")));
            assertThat(page.findElement(By.id("led")).getText()).startsWith("groups led: n1 ");

            // The node leading the most groups dies: the page shows every group led by a survivor.
            String victim = nodes.entrySet().stream().max(java.util.Comparator.comparingLong(e -> e.getValue().shards().all().stream()
                    .filter(sh -> sh.server().status().isLeader()).count())).orElseThrow().getKey();
            if (victim.equals("n1")) page.get(nodes.get("n2").url() + "/ui"); // keep watching through a survivor
            nodes.remove(victim).close();
            wait.until(p -> groupLeaders(p).size() == groups && groupLeaders(p).values().stream()
                    .allMatch(l -> l.matches("n[123]") && !l.equals(victim)));
        } finally {
            if (page != null) page.quit();
            nodes.values().forEach(KvNode::close);
        }
    }

    /** The leader the page's groups table shows for each group. */
    private static java.util.Map<String, String> groupLeaders(WebDriver page) {
        java.util.Map<String, String> leaders = new java.util.TreeMap<>();
        for (WebElement row : page.findElements(By.cssSelector("#groups tr[data-group]"))) {
            leaders.put(row.getAttribute("data-group"), row.findElement(By.className("group-leader")).getText());
        }
        return leaders;
    }
}
