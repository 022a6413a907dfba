package dev.argondb.pageserver.timeline;

import dev.argondb.pageserver.PageserverException;
import java.util.regex.Pattern;

/** Tenant and timeline ids: 32 lowercase hex digits, as Neon's; they name directories, so nothing else passes. */
public final class TimelineIds {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  private TimelineIds() {}

  public static String check(String what, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw PageserverException.badRequest(what + " id must be 32 lowercase hex digits, got " + id);
    }
    return id;
  }
}
