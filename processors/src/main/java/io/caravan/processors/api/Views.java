package io.caravan.processors.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.catalogue.DerivedFile;
import io.caravan.connectors.catalogue.HlsStore;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.SegmentHashes;
import io.caravan.processors.extensions.Extension;
import io.caravan.processors.files.FileSearch;
import io.caravan.processors.replication.Scrubber;
import io.caravan.processors.serving.Manifests;
import io.caravan.processors.tracker.ClusterStatus;
import io.caravan.processors.tracker.NodeAdmin;

/** The JSON bodies of the HTTP API, made from the domain's answers: field names and order as docs/http.md shows them. */
final class Views {

    private Views() {
    }

    /** A file with its metadata: what an upload answers and a search lists. */
    static Map<String, Object> file(FileRecord file, Map<String, String> meta) {
        Map<String, Object> m = file.toJson();
        m.put("meta", meta);
        return m;
    }

    static Map<String, Object> info(ClusterStatus.FileInfo info) {
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (ClusterStatus.CopyState c : info.replicas()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", c.node());
            m.put("state", c.state());
            m.put("nodeState", c.nodeState().name());
            m.put("lag", c.lag());
            if (c.offset() != null) {
                m.put("partition", c.partition());
                m.put("offset", c.offset());
            }
            replicas.add(m);
        }
        Map<String, Object> body = file(info.file(), info.meta());
        if (info.derivedFrom() != null) {
            body.put("derivedFrom", info.derivedFrom().sourceId());
            body.put("kind", info.derivedFrom().kind());
        }
        body.put("replicas", replicas);
        List<Map<String, Object>> derived = new ArrayList<>();
        for (DerivedFile d : info.derived()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", d.kind());
            m.put("id", d.file().id());
            m.put("name", d.file().name());
            m.put("contentType", d.file().contentType());
            m.put("size", d.file().size());
            derived.add(m);
        }
        body.put("derived", derived);
        if (info.hls() != null) {
            Map<String, Object> hls = new LinkedHashMap<>();
            hls.put("state", info.hls().state());
            if (info.hls().error() != null) {
                hls.put("error", info.hls().error());
            }
            hls.put("attempts", info.hls().attempts());
            if (HlsStore.READY.equals(info.hls().state())) {
                hls.put("master", "/files/" + info.file().id() + "/hls/master.m3u8");
            }
            body.put("hls", hls);
        }
        return body;
    }

    static Map<String, Object> page(FileSearch.Page page) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", page.files().stream().map(f -> file(f, page.meta().getOrDefault(f.id(), Map.of()))).toList());
        if (page.next() != null) {
            body.put("next", page.next());
        }
        return body;
    }

    static Map<String, Object> cluster(ClusterStatus.ClusterView cluster) {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ClusterStatus.GroupView g : cluster.groups()) {
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (ClusterStatus.NodeView n : g.nodes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", n.name());
                m.put("kind", n.kind());
                m.put("state", n.state().name());
                m.put("freeBytes", n.freeBytes());
                m.put("lastHeartbeat", n.lastHeartbeat() == null ? null : n.lastHeartbeat().toString());
                m.put("files", n.files());
                m.put("lag", n.lag());
                if (n.error() != null) {
                    m.put("error", n.error());
                }
                nodes.add(m);
            }
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g.name());
            gm.put("health", g.health());
            gm.put("nodes", nodes);
            groups.add(gm);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("groups", groups);
        body.put("unpublishedEvents", cluster.unpublishedEvents());
        return body;
    }

    static Map<String, Object> health(ClusterStatus.Health health) {
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", health.database() ? "UP" : "DOWN");
        checks.put("kafka", health.kafka() ? "UP" : "DOWN");
        checks.put("routes", health.routes() ? "UP" : "DOWN");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.up() ? "UP" : "DOWN");
        body.put("checks", checks);
        return body;
    }

    static Map<String, Object> node(NodeAdmin.NodeView node) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", node.name());
        if (node.group() != null) {
            body.put("group", node.group());
            body.put("kind", node.kind());
        }
        body.put("state", node.state().name());
        return body;
    }

    static Map<String, Object> scrub(Scrubber.Report r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("checked", r.checked());
        body.put("missing", r.missing());
        body.put("corrupt", r.corrupt());
        body.put("repaired", r.repaired());
        body.put("failed", r.failed());
        body.put("orphansRemoved", r.orphansRemoved());
        body.put("millis", r.millis());
        return body;
    }

    static Map<String, Object> extensions(String dir, List<Extension> extensions) {
        List<Map<String, Object>> files = new ArrayList<>();
        for (Extension e : extensions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", e.file());
            m.put("state", e.state().name());
            m.put("routes", e.routes());
            if (!e.disabledRoutes().isEmpty()) {
                m.put("switchedOff", e.disabledRoutes());
            }
            m.put("loaded", e.loaded() == null ? null : e.loaded().toString());
            if (e.error() != null) {
                m.put("error", e.error());
            }
            files.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dir", dir);
        body.put("extensions", files);
        return body;
    }

    static Map<String, Object> manifest(Manifests.Manifest manifest) {
        FileRecord file = manifest.file();
        SegmentHashes hashes = manifest.hashes();
        List<Map<String, Object>> segments = new ArrayList<>();
        for (int i = 0; i < hashes.sha256().size(); i++) {
            long offset = i * hashes.segmentSize();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("index", i);
            s.put("offset", offset);
            s.put("length", Math.min(hashes.segmentSize(), file.size() - offset));
            s.put("sha256", hashes.sha256().get(i));
            segments.add(s);
        }
        List<Map<String, Object>> sources = new ArrayList<>();
        for (Manifests.SourceUrl source : manifest.sources()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("node", source.node());
            s.put("url", source.url());
            sources.add(s);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", file.id());
        body.put("name", file.name());
        body.put("size", file.size());
        body.put("sha256", file.sha256());
        body.put("contentType", file.contentType());
        body.put("segmentSize", hashes.segmentSize());
        body.put("segments", segments);
        body.put("sources", sources);
        return body;
    }
}
