package dev.argondb.safekeeper.timeline;

import dev.argondb.bus.PageserverRemoteConsistent;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops WAL the pageserver no longer needs from this safekeeper: when it reports a timeline's remote consistent
 * LSN (a rebuilt pageserver resumes ingest there), whole segments below that LSN minus the configured margin are
 * deleted, never past this safekeeper's own flush LSN. Runs on the safekeeper verticle's event loop.
 */
public final class WalRetention {
  private static final Logger LOG = LoggerFactory.getLogger(WalRetention.class);

  private final SafekeeperConfig config;
  private final TimelineRegistry registry;
  /** The highest keep-from LSN acted on per timeline: a repeated report costs nothing. */
  private final Map<TimelineKey, Long> keptFrom = new HashMap<>();

  public WalRetention(SafekeeperConfig config, TimelineRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  public void remoteConsistent(PageserverRemoteConsistent report) {
    TimelineKey key = new TimelineKey(report.tenantId(), report.timelineId());
    SafekeeperTimeline timeline = registry.get(key);
    if (timeline == null || Long.compareUnsigned(report.lsn(), config.walRetentionMarginBytes()) <= 0) {
      return;
    }
    long keepFrom = report.lsn() - config.walRetentionMarginBytes();
    long flushed = timeline.writer.flushLsn();
    if (Long.compareUnsigned(keepFrom, flushed) > 0) {
      keepFrom = flushed;
    }
    Long before = keptFrom.get(key);
    if (before != null && Long.compareUnsigned(keepFrom, before) <= 0) {
      return;
    }
    keptFrom.put(key, keepFrom);
    long from = keepFrom;
    timeline.writer.deleteSegmentsBelow(from)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Safekeeper {}: deleted {} WAL segment(s) of {}/{} below {} (remote consistent at {})",
                config.id(), n, report.tenantId(), report.timelineId(), Lsn.format(from), Lsn.format(report.lsn()));
          }
        })
        .onFailure(e -> {
          keptFrom.remove(key);
          LOG.warn("Safekeeper {}: deleting WAL of {}/{} below {} failed", config.id(), report.tenantId(),
              report.timelineId(), Lsn.format(from), e);
        });
  }
}
