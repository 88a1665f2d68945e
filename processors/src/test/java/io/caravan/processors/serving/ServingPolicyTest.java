package io.caravan.processors.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServingPolicyTest {

    @Test
    void should_show_media_inline_and_make_active_or_unknown_content_a_download() {
        assertTrue(ServingPolicy.disposition("audio/mpeg", "a.mp3").startsWith("inline;"));
        assertTrue(ServingPolicy.disposition("video/mp4", "a.mp4").startsWith("inline;"));
        assertTrue(ServingPolicy.disposition("image/png", "a.png").startsWith("inline;"));
        for (String active : new String[] {"text/html", "image/svg+xml", "application/xml", "text/xml",
            "application/javascript", "text/javascript", "application/octet-stream", "application/x-whatever"}) {
            assertTrue(ServingPolicy.disposition(active, "x").startsWith("attachment;"), active);
        }
    }

    @Test
    void should_encode_the_file_name_for_any_language() {
        assertEquals("inline; filename=\"__ Tone.mp3\"; filename*=UTF-8''%E6%B5%8B%E8%AF%95%20Tone.mp3",
                ServingPolicy.disposition("audio/mpeg", "测试 Tone.mp3"));
        assertTrue(ServingPolicy.disposition("audio/mpeg", "a\"b.mp3").contains("filename=\"a_b.mp3\""));
    }

    @Test
    void should_allow_configured_origins_only() {
        Map<String, String> h = new HashMap<>();
        new ServingPolicy("https://player.example").cors("https://player.example", h::put);
        assertEquals("https://player.example", h.get("Access-Control-Allow-Origin"));
        assertTrue(h.get("Access-Control-Expose-Headers").contains("Content-Range"));
        Map<String, String> other = new HashMap<>();
        new ServingPolicy("https://player.example").cors("https://evil.example", other::put);
        assertNull(other.get("Access-Control-Allow-Origin"));
        Map<String, String> any = new HashMap<>();
        new ServingPolicy("*").cors(null, any::put);
        assertEquals("*", any.get("Access-Control-Allow-Origin"));
    }
}
