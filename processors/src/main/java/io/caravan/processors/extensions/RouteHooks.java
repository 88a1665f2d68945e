package io.caravan.processors.extensions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.caravan.processors.files.UploadHooks;
import io.caravan.processors.files.UploadRequest;
import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.UnavailableException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload hooks as routes: {@code direct:before-upload} and {@code direct:before-commit}, when an extension
 * has a route that consumes them (none: nothing is asked, at the cost of a look at the route list). The hook
 * gets the upload's headers and no body; it refuses by setting {@code CaravanRejectReason} (and optionally
 * {@code CaravanRejectStatus}, a 4xx, default 403). A hook that fails or takes longer than
 * {@code caravan.hooks.timeout} fails the upload (503, nothing stored): a policy that cannot answer is not a yes.
 */
public class RouteHooks implements UploadHooks {

    public static final String BEFORE_UPLOAD = "direct://before-upload";
    public static final String BEFORE_COMMIT = "direct://before-commit";

    private static final Logger LOG = LoggerFactory.getLogger(RouteHooks.class);

    private final CamelContext context;
    private final Duration timeout;
    private volatile ProducerTemplate template;

    private final CaravanMetrics metrics;

    /** @param timeout how long a hook may take ({@code caravan.hooks.timeout}) */
    public RouteHooks(CamelContext context, Duration timeout) {
        this(context, timeout, new CaravanMetrics(false));
    }

    /** @param metrics counts the uploads a hook refuses */
    public RouteHooks(CamelContext context, Duration timeout, CaravanMetrics metrics) {
        this.context = context;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    public void beforeUpload(UploadRequest request) {
        if (consumed(BEFORE_UPLOAD)) {
            ask(BEFORE_UPLOAD, headers(request));
        }
    }

    @Override
    public void beforeCommit(UploadRequest request, Written written) {
        if (consumed(BEFORE_COMMIT)) {
            Map<String, Object> h = headers(request);
            h.put(CaravanHeaders.HOOK_FILE_ID, written.id());
            h.put(CaravanHeaders.HOOK_GROUP, written.group());
            h.put(CaravanHeaders.HOOK_SIZE, written.size());
            h.put(CaravanHeaders.HOOK_SHA256, written.sha256());
            if (written.node() != null) {
                h.put(CaravanHeaders.NODE, written.node());
            }
            if (written.detectedType() != null) {
                h.put(CaravanHeaders.HOOK_DETECTED_TYPE, written.detectedType());
            }
            ask(BEFORE_COMMIT, h);
        }
    }

    /** The headers every hook gets: name, declared type, group, declared length, {@code X-Meta-*}. */
    static Map<String, Object> headers(UploadRequest request) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(CaravanHeaders.HOOK_FILE_NAME, request.name());
        if (request.contentType() != null) {
            h.put(CaravanHeaders.HOOK_CONTENT_TYPE, request.contentType());
        }
        if (request.group() != null && !request.group().isBlank()) {
            h.put(CaravanHeaders.HOOK_GROUP, request.group());
        }
        if (request.declaredLength() >= 0) {
            h.put(CaravanHeaders.HOOK_DECLARED_SIZE, request.declaredLength());
        }
        request.meta().forEach((k, v) -> h.put(CaravanHeaders.META_PREFIX + k, v));
        return h;
    }

    /** Whether a started route consumes {@code uri}. */
    private boolean consumed(String uri) {
        for (Route r : context.getRoutes()) {
            if (uri.equals(r.getEndpoint().getEndpointUri())) {
                return true;
            }
        }
        return false;
    }

    private void ask(String uri, Map<String, Object> headers) {
        String hook = uri.substring(uri.indexOf("//") + 2);
        Exchange question = new DefaultExchange(context);
        question.getIn().setHeaders(headers);
        Exchange answer;
        try {
            Future<Exchange> f = template().asyncSend(uri, question);
            answer = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("upload hook {} took longer than {} ms: the upload fails", hook, timeout.toMillis());
            throw new UnavailableException("upload hook " + hook + " did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("upload hook " + hook + " was interrupted");
        } catch (ExecutionException e) {
            answer = null;
            question.setException(e.getCause());
        }
        Exchange done = answer != null ? answer : question;
        if (done.getException() != null) {
            LOG.warn("upload hook {} failed: the upload fails: {}", hook, ExtensionFolder.oneLine(done.getException()));
            throw new UnavailableException("upload hook " + hook + " failed");
        }
        String reason = done.getMessage().getHeader(CaravanHeaders.REJECT_REASON, String.class);
        if (reason != null && !reason.isBlank()) {
            Integer status = done.getMessage().getHeader(CaravanHeaders.REJECT_STATUS, Integer.class);
            metrics.hookRejected(hook);
            throw new RejectedException(status != null && status >= 400 && status < 500 ? status : 403, reason.trim());
        }
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }
}
