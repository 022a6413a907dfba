package dev.argondb.gateway;

import dev.argondb.gateway.auth.AuthThrottle;

/**
 * The state all verticle instances of one gateway share: meters (registered once), per-endpoint activity
 * counts (one count per gateway id for the idle policy), the connection limit and the login throttle.
 */
record GatewayShared(GatewayMetrics metrics, EndpointActivity activity, ConnectionLimiter limiter,
                     AuthThrottle throttle) {}
