package dev.argondb.compute.basebackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChunkPipeTest {
  @Test
  void reportsFullAtTheHighWaterMarkAndResumesOnceDrainedToTheLowOne() throws Exception {
    AtomicInteger resumes = new AtomicInteger();
    ChunkPipe pipe = new ChunkPipe(10, 4, resumes::incrementAndGet);
    assertFalse(pipe.offer(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6})));
    assertTrue(pipe.offer(ByteBuffer.wrap(new byte[] {7, 8, 9, 10})), "10 bytes buffered: full");
    byte[] got = new byte[10];
    assertEquals(5, pipe.read(got, 0, 5));
    assertEquals(0, resumes.get(), "5 bytes left: still above the low-water mark");
    assertEquals(1, pipe.read(got, 5, 5), "a read returns what the head chunk holds");
    assertEquals(1, resumes.get(), "4 bytes left: the producer may go on");
    pipe.offer(ByteBuffer.wrap(new byte[] {11}));
    pipe.end();
    assertEquals(4, pipe.read(got, 6, 4));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, got);
    assertEquals(11, pipe.read());
    assertEquals(-1, pipe.read());
    assertEquals(1, resumes.get());
  }

  @Test
  void aProducerFailureReachesTheReaderAndAnAbortDropsChunks() throws Exception {
    ChunkPipe pipe = new ChunkPipe(10, 4, () -> { });
    IOException refused = new IOException("refused");
    pipe.fail(refused);
    assertSame(refused, assertThrows(IOException.class, pipe::read));

    ChunkPipe aborted = new ChunkPipe(10, 4, () -> { });
    aborted.offer(ByteBuffer.wrap(new byte[8]));
    aborted.abort();
    assertFalse(aborted.offer(ByteBuffer.wrap(new byte[20])), "an aborted pipe never asks for a pause");
    assertEquals(-1, aborted.read());
  }

  @Test
  void aReaderWaitsForChunksFromAnotherThread() throws Exception {
    ChunkPipe pipe = new ChunkPipe(1 << 20, 1 << 10, () -> { });
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 100; i++) {
        pipe.offer(ByteBuffer.wrap(new byte[] {(byte) i}));
      }
      pipe.end();
    });
    producer.start();
    byte[] all = pipe.readAllBytes();
    producer.join();
    assertEquals(100, all.length);
    for (int i = 0; i < 100; i++) {
      assertEquals((byte) i, all[i]);
    }
  }
}
