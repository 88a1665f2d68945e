package io.caravan.processors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.IdBlockStore;
import io.caravan.connectors.catalogue.MemoryDatabase;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdAllocatorTest {

    private JdbcConnectionPool ds;
    private IdBlockStore blocks;

    @BeforeEach
    void database() throws Exception {
        ds = MemoryDatabase.open();
        blocks = new Catalogue(ds).idBlocks();
    }

    @AfterEach
    void close() {
        ds.dispose();
    }

    @Test
    void should_hand_out_consecutive_values_across_blocks() {
        IdAllocator a = new IdAllocator(blocks, "files", 3);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            values.add(a.next());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), values);
    }

    @Test
    void should_never_overlap_across_8_threads_and_allocators() throws Exception {
        // two allocators stand for two gateways sharing one database
        IdAllocator gatewayA = new IdAllocator(blocks, "files", 7);
        IdAllocator gatewayB = new IdAllocator(blocks, "files", 5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            IdAllocator a = t % 2 == 0 ? gatewayA : gatewayB;
            Callable<List<Long>> task = () -> {
                List<Long> mine = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    mine.add(a.next());
                }
                return mine;
            };
            futures.add(pool.submit(task));
        }
        Set<Long> all = new HashSet<>();
        int count = 0;
        for (Future<List<Long>> f : futures) {
            for (long v : f.get()) {
                count++;
                assertTrue(all.add(v), "value handed out twice: " + v);
            }
        }
        pool.shutdown();
        assertEquals(4000, count);
        assertEquals(4000, all.size());
    }

    @Test
    void should_continue_after_the_last_block_when_a_gateway_restarts() {
        IdAllocator first = new IdAllocator(blocks, "files", 100);
        long before = first.next();
        IdAllocator restarted = new IdAllocator(blocks, "files", 100);
        long after = restarted.next();
        assertTrue(after > before + 99, "a new allocator must start after the block the old one held: " + after);
    }
}
