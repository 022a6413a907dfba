package dev.argondb.bus;

import java.util.List;

/**
 * Before a compute starts under {@code term}: the safekeeper accepts the term (refusing a lower one),
 * cuts its WAL where it diverges from {@code termHistory} (the new leader's, ending with
 * ({@code term}, {@code endLsn})), copies WAL it lacks up to {@code endLsn} from {@code donor}, and
 * replies with its state. A timeline it does not know yet is created starting at {@code startLsn}.
 */
public record PrepareTerm(String tenantId, String timelineId, long term, List<TermStart> termHistory, long endLsn,
                          long startLsn, SafekeeperRef donor) {}
