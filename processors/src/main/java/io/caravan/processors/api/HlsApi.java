package io.caravan.processors.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.caravan.connectors.catalogue.HlsStore;
import io.caravan.processors.media.HlsPackager;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.support.CaravanHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import org.apache.camel.Header;

/** {@code POST /files/{id}/hls} (bean {@code hlsApi}): package a stored file into HLS again, in the background. */
public class HlsApi {

    private final HlsPackager packager;

    public HlsApi(HlsPackager packager) {
        this.packager = packager;
    }

    /** 202: the packaging is queued (its state is in {@code GET /files/{id}/info}); 404 for a file that is not packaged. */
    public FullHttpResponse repackage(@Header(CaravanHeaders.ID) String id) {
        String fileId = Requests.fileId(id);
        packager.request(fileId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", fileId);
        body.put("hls", Map.of("state", HlsStore.PACKAGING));
        return HttpResponses.json(202, body);
    }
}
