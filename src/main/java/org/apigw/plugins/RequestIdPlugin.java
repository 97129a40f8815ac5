package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;

/**
 * request-id (12015): gives every request an id in a request header (kept when the client sent
 * one) and, unless {@code include_in_response} is false, the same header on the response.
 */
public final class RequestIdPlugin implements Plugin<RequestIdPlugin.Config> {

  static final String NANOID_ALPHABET = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final long KSUID_EPOCH = 1_400_000_000L;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ATTR = "request-id";

  /** Typed conf. */
  public record Config(
      String headerName, boolean includeInResponse, String algorithm, int rangeLength, String charSet) {}

  @Override
  public String name() {
    return "request-id";
  }

  @Override
  public int priority() {
    return 12015;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE, Phase.HEADER_FILTER);
  }

  @Override
  public Config decode(JsonNode conf) {
    JsonNode range = conf.path("range_id");
    return new Config(
        Json.text(conf, "header_name", "X-Request-Id"),
        Json.bool(conf, "include_in_response", true),
        Json.text(conf, "algorithm", "uuid"),
        range.isObject() ? Json.integer(range, "length", 16) : 16,
        range.isObject()
            ? Json.text(range, "char_set", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    String id = ctx.header(conf.headerName());
    if (id == null) {
      id = generate(conf);
      ctx.setHeader(conf.headerName(), id);
    }
    ctx.attr(ATTR, id);
    return PhaseResult.CONTINUE;
  }

  @Override
  public void headerFilter(Config conf, PluginContext ctx) {
    if (!conf.includeInResponse()) {
      return;
    }
    Object id = ctx.attr(ATTR);
    if (id != null && ctx.responseHeader(conf.headerName()) == null) {
      ctx.setResponseHeader(conf.headerName(), (String) id);
    }
  }

  static String generate(Config conf) {
    return switch (conf.algorithm()) {
      case "nanoid" -> randomString(NANOID_ALPHABET, 21);
      case "range_id" -> randomString(conf.charSet(), conf.rangeLength());
      case "ksuid" -> ksuid();
      default -> UUID.randomUUID().toString();
    };
  }

  static String randomString(String alphabet, int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(out);
  }

  /** 27 base62 characters: 4 bytes of seconds since the KSUID epoch, 16 random bytes. */
  static String ksuid() {
    byte[] raw = new byte[20];
    long seconds = System.currentTimeMillis() / 1000 - KSUID_EPOCH;
    raw[0] = (byte) (seconds >>> 24);
    raw[1] = (byte) (seconds >>> 16);
    raw[2] = (byte) (seconds >>> 8);
    raw[3] = (byte) seconds;
    byte[] payload = new byte[16];
    RANDOM.nextBytes(payload);
    System.arraycopy(payload, 0, raw, 4, 16);
    BigInteger n = new BigInteger(1, raw);
    BigInteger base = BigInteger.valueOf(62);
    char[] out = new char[27];
    for (int i = 26; i >= 0; i--) {
      BigInteger[] qr = n.divideAndRemainder(base);
      out[i] = BASE62.charAt(qr[1].intValue());
      n = qr[0];
    }
    return new String(out);
  }
}
