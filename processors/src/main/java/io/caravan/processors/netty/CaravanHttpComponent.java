package io.caravan.processors.netty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.netty.http.HttpServerConsumerChannelFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;

/** netty-http, with each port's requests handed to its routes by a {@link CaravanHttpDispatcher}. */
public class CaravanHttpComponent extends NettyHttpComponent {

    private final Map<Integer, HttpServerConsumerChannelFactory> dispatchers = new ConcurrentHashMap<>();

    @Override
    public HttpServerConsumerChannelFactory getMultiplexChannelHandler(int port) {
        return dispatchers.computeIfAbsent(port, p -> {
            CaravanHttpDispatcher d = new CaravanHttpDispatcher();
            d.init(p);
            return d;
        });
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        dispatchers.clear();
    }
}
