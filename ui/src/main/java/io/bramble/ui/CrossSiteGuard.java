package io.bramble.ui;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * Keeps other sites from reading the UI through a person's browser or making it change anything (a
 * resume). A UI that listens on this machine only answers requests that name it by an address,
 * {@code localhost} or the name it listens on ({@code Host}): a site whose name is made to point at
 * it (DNS rebinding) gets nothing, the token below included. (A UI listening on other interfaces
 * was exposed on purpose: it answers any name; put it behind your own authentication.) A request
 * that changes something must also carry this server's token in {@value #HEADER}, which only pages
 * of the UI's own origin can read (from {@code /api/info}; the API sends no CORS headers), and,
 * when the browser says where it comes from ({@code Origin}, {@code Sec-Fetch-Site}), come from the
 * UI's own origin.
 */
final class CrossSiteGuard {
  static final String HEADER = "X-Bramble-Token";

  private final String token;
  private final String listenHost;
  private final boolean thisMachineOnly;

  CrossSiteGuard(String listenHost) {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    this.listenHost = listenHost.toLowerCase(Locale.ROOT);
    this.thisMachineOnly = loopback(this.listenHost);
  }

  String token() {
    return token;
  }

  /** Why a request must be refused whatever it asks, or null when it may be read. */
  String hostRefusal(Headers headers) {
    String host = headers.getFirst("Host");
    if (host == null || (thisMachineOnly && !trustedHost(hostName(host)))) {
      return "the UI does not answer requests for host "
          + host
          + " (it listens on "
          + listenHost
          + "; open it as localhost or by its address)";
    }
    return null;
  }

  /**
   * Why a request that changes something must be refused, or null when it may go on; on top of
   * {@link #hostRefusal}, which the server applies to every request.
   */
  String refusal(Headers headers) {
    String host = headers.getFirst("Host");
    String site = headers.getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin")) {
      return "a request from another site (" + site + ") may not change anything";
    }
    String origin = headers.getFirst("Origin");
    if (origin != null && !sameHostAndPort(origin, host)) {
      return "a request from origin " + origin + " may not change anything";
    }
    String given = headers.getFirst(HEADER);
    if (given == null
        || !MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      return "the request lacks the UI's token (" + HEADER + "): send it from the UI's page";
    }
    return null;
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private boolean trustedHost(String name) {
    return name.equals("localhost")
        || name.equals(listenHost)
        || name.startsWith("[") // an IPv6 address
        || name.matches("[0-9.]+"); // an IPv4 address
  }

  private static String hostName(String hostHeader) {
    String h = hostHeader.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      return h.substring(0, h.indexOf(']') + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static boolean sameHostAndPort(String origin, String hostHeader) {
    try {
      URI o = URI.create(origin);
      String authority = o.getAuthority();
      return authority != null && authority.equalsIgnoreCase(hostHeader);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
