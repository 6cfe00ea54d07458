package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Request targets (RFC 9112 §3.2): a server must accept the absolute form, and the access check
 * must judge the very resource the API routes to — an absolute-form admin call read as an unknown
 * path would have passed with the read role.
 */
class KvRequestTargetTest {

    private static KvRequest request(String method, String target) {
        return new KvRequest(method, target, Map.of(), new byte[0]);
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsPathAndQuery() {
        KvRequest r = request("GET", "http://10.0.0.1:8001/v1/kv/a%2Fb?consistency=lease");

        assertThat(r.uri()).isEqualTo("/v1/kv/a%2Fb?consistency=lease");
        assertThat(r.rawPath()).isEqualTo("/v1/kv/a%2Fb");
        assertThat(r.rawQuery()).isEqualTo("consistency=lease");
        assertThat(request("GET", "HTTPS://host").rawPath()).isEqualTo("/");
        assertThat(request("GET", "http://host?x=1").uri()).isEqualTo("/?x=1");
    }

    @Test
    void otherTargetsAreLeftAsSent() {
        assertThat(request("GET", "/v1/status").uri()).isEqualTo("/v1/status");
        assertThat(request("OPTIONS", "*").uri()).isEqualTo("*");
        assertThat(request("GET", "ftp://host/v1/status").rawPath()).isEqualTo("ftp://host/v1/status");
    }

    @Test
    void theAccessCheckJudgesTheResourceTheApiRoutesTo() {
        for (String target : new String[] {"http://x/v1/members/n2", "http://x:1/v1/snapshot", "https://x/v1/leader?to=n2"}) {
            String routed = request("POST", target).rawPath();
            assertThat(KvRequest.pathOf(target)).isEqualTo(routed);
            assertThat(KvAccess.required("POST", KvRequest.pathOf(target))).contains(KvAccess.Role.ADMIN);
        }
    }
}
