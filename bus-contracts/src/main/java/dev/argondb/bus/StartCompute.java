package dev.argondb.bus;

import java.util.List;

/** Starts (or returns the address of the already running) compute for an endpoint. */
public record StartCompute(String endpointId, String endpointName, String tenantId, String timelineId,
                           List<RoleSpec> roles) {}
