package dev.argondb.pageserver.gc;

import dev.argondb.bus.PageserverGcResult;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What a GC pass did, summed over its timelines (timelines are collected one at a time). */
final class GcTally {
  final AtomicInteger images = new AtomicInteger();
  final AtomicInteger segments = new AtomicInteger();
  final AtomicInteger remoteObjects = new AtomicInteger();
  final AtomicLong localBytes = new AtomicLong();
  final AtomicLong remoteBytes = new AtomicLong();

  void local(TimelineGc.Freed freed, GcMetrics metrics) {
    images.addAndGet(freed.images());
    segments.addAndGet(freed.segments());
    localBytes.addAndGet(freed.imageBytes() + freed.walBytes());
    metrics.freed("local", "image", freed.imageBytes());
    metrics.freed("local", "wal", freed.walBytes());
  }

  void remote(String kind, long bytes, GcMetrics metrics) {
    remoteObjects.incrementAndGet();
    remoteBytes.addAndGet(bytes);
    metrics.freed("remote", kind, bytes);
  }

  PageserverGcResult result(int timelines) {
    return new PageserverGcResult(timelines, images.get(), segments.get(), remoteObjects.get(), localBytes.get(),
        remoteBytes.get());
  }
}
