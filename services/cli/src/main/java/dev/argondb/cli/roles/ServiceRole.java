package dev.argondb.cli.roles;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * One kind of ArgonDB service process: its section of the service config file and how it is deployed into
 * a (clustered) Vert.x. {@code argon service <name>} runs one role per JVM; the local stack deploys every
 * role into one JVM through the same objects. A new role is one implementation plus one line in
 * {@link ServiceRoles#ALL}.
 *
 * @param <C> the service's config record
 * @param <H> what a deployed service hands back (its ports, its handle)
 */
public interface ServiceRole<C, H> {

  /** The role's name on the command line, which is also its config file section. */
  String name();

  /** The config record as JSON: every key the section accepts, with its value. */
  JsonObject toJson(C config);

  /** The config record from a complete section (defaults, overlaid by the file and the environment). */
  C fromJson(JsonObject section);

  /** The defaults of a service run by {@code argon service}. */
  C defaults();

  Future<H> deploy(Vertx vertx, C config, PrometheusMeterRegistry registry);

  /** One line for the log: where the deployed service listens. */
  String describe(C config, H handle);
}
