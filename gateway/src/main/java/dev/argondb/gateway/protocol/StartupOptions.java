package dev.argondb.gateway.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the endpoint a client names in the {@code options} startup parameter and removes it, since
 * Postgres would reject the unknown setting.
 *
 * <p>{@code options} holds backend command-line switches split on unescaped whitespace (a backslash
 * escapes the next character), e.g. {@code -c search_path=app --work_mem=64MB}. A psql URL with
 * {@code ?options=endpoint%3Dmain} sends the bare token {@code endpoint=main}; the switch forms
 * {@code --endpoint=main}, {@code -c endpoint=main} and {@code -cendpoint=main} are accepted too.
 */
public final class StartupOptions {
  private StartupOptions() {}

  static final String ENDPOINT_SETTING = "endpoint=";
  private static final String LONG_SWITCH = "--";
  private static final String SET_SWITCH = "-c";

  /**
   * @param endpoint the endpoint named in the options, or null
   * @param remainingOptions the options without the endpoint, raw (still escaped); null when nothing is left
   */
  public record EndpointSelection(String endpoint, String remainingOptions) {}

  /** One whitespace-separated switch: as the client wrote it and with escapes resolved. */
  private record Token(String raw, String value) {}

  public static EndpointSelection extractEndpoint(String options) throws ProtocolViolation {
    if (options == null) {
      return new EndpointSelection(null, null);
    }
    List<Token> tokens = split(options);
    List<String> kept = new ArrayList<>();
    String endpoint = null;
    for (int i = 0; i < tokens.size(); i++) {
      String value = tokens.get(i).value();
      String named = endpointIn(value);
      if (named == null && value.equals(SET_SWITCH) && i + 1 < tokens.size()) {
        named = bareEndpoint(tokens.get(i + 1).value());
        if (named != null) {
          i++; // the "-c" and its argument go together
        }
      }
      if (named == null) {
        kept.add(tokens.get(i).raw());
        continue;
      }
      if (named.isEmpty()) {
        throw new ProtocolViolation("empty endpoint name in options");
      }
      if (endpoint != null && !endpoint.equals(named)) {
        throw new ProtocolViolation("conflicting endpoints in options: \"" + endpoint + "\" and \"" + named + "\"");
      }
      endpoint = named;
    }
    return new EndpointSelection(endpoint, kept.isEmpty() ? null : String.join(" ", kept));
  }

  /** The endpoint if {@code value} is one complete endpoint switch, else null. */
  private static String endpointIn(String value) {
    if (value.startsWith(LONG_SWITCH)) {
      return bareEndpoint(value.substring(LONG_SWITCH.length()));
    }
    if (value.startsWith(SET_SWITCH)) {
      return bareEndpoint(value.substring(SET_SWITCH.length()));
    }
    return bareEndpoint(value);
  }

  private static String bareEndpoint(String value) {
    return value.startsWith(ENDPOINT_SETTING) ? value.substring(ENDPOINT_SETTING.length()) : null;
  }

  /** Splits like Postgres's pg_split_opts: on unescaped whitespace, a backslash escaping the next character. */
  private static List<Token> split(String options) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = options.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(options.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      int start = i;
      StringBuilder value = new StringBuilder();
      boolean escaped = false;
      while (i < n && (escaped || !Character.isWhitespace(options.charAt(i)))) {
        char c = options.charAt(i);
        if (!escaped && c == '\\') {
          escaped = true;
        } else {
          escaped = false;
          value.append(c);
        }
        i++;
      }
      tokens.add(new Token(options.substring(start, i), value.toString()));
    }
    return tokens;
  }
}
