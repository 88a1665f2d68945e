package io.caravan.processors.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.caravan.processors.support.ForbiddenException;
import org.junit.jupiter.api.Test;

/** Playlists as served with signed URLs on: every URI signed for its own path with the request's expiry. */
class HlsServingTest {

    private final UrlSigner signer = new UrlSigner("0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8), true);
    private final HlsServing hls = new HlsServing(null, null, null, null, signer, java.time.Duration.ofSeconds(1));

    @Test
    void should_sign_every_uri_of_a_playlist() {
        String variant = "#EXTM3U\n#EXT-X-MAP:URI=\"source.mp4\",BYTERANGE=\"1373@0\"\n#EXTINF:10.0,\n#EXT-X-BYTERANGE:112489@1373\nsource.mp4\n#EXT-X-ENDLIST\n";
        String served = hls.playlist("1-abc.mp4", variant, "2000000000");
        String sig = signer.sign("1-abc.mp4/hls/source.mp4", 2_000_000_000L);
        assertEquals("#EXTM3U\n#EXT-X-MAP:URI=\"source.mp4?expires=2000000000&sig=" + sig + "\",BYTERANGE=\"1373@0\"\n#EXTINF:10.0,\n"
                + "#EXT-X-BYTERANGE:112489@1373\nsource.mp4?expires=2000000000&sig=" + sig + "\n#EXT-X-ENDLIST\n", served);
        // and the signature opens exactly that file
        signer.check(HlsServing.signedName("1-abc.mp4", "source.mp4"), "2000000000", sig, Instant.ofEpochSecond(1_900_000_000L));
        assertThrows(ForbiddenException.class, () -> signer.check(HlsServing.signedName("1-abc.mp4", "audio.mp4"), "2000000000", sig,
                Instant.ofEpochSecond(1_900_000_000L)));
    }

    @Test
    void should_refuse_to_sign_a_uri_that_leaves_the_folder() {
        assertThrows(ForbiddenException.class, () -> hls.playlist("1-abc.mp4", "#EXTM3U\nhttp://elsewhere/x.mp4\n", "2000000000"));
    }
}
