package org.apigw.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apigw.store.ConfigEntry;

/**
 * One consistent read of a whole etcd prefix: paginated range calls, every page pinned to the
 * revision of the first, so the result is exactly the prefix at one revision (a key written
 * between pages is left out, not half-included). Each call has a deadline; the caller's thread
 * blocks, so never call this on an event loop.
 */
public final class PrefixReader {

  /** Keys per range page. */
  static final int PAGE_SIZE = 1000;

  private PrefixReader() {}

  /**
   * The prefix at one revision.
   *
   * @param revision etcd's header revision of the read (not a key's mod revision)
   * @param entries every key under the prefix, in etcd's (byte) order
   */
  public record Listing(long revision, long clusterId, List<ConfigEntry> entries) {
    public Listing {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Reads every key under {@code prefix + "/"}.
   *
   * @param prefix without trailing slash, e.g. {@code /apisix}
   * @param rpcTimeout deadline of each range call
   * @throws Exception the first failed call's cause (a {@link TimeoutException} naming the
   *     deadline when etcd did not answer)
   */
  public static Listing read(Client client, String prefix, Duration rpcTimeout) throws Exception {
    ByteSequence start = ByteSequence.from(prefix + "/", StandardCharsets.UTF_8);
    ByteSequence end = prefixEnd(start);
    ByteSequence from = start;
    long revision = 0;
    long cluster = 0;
    List<ConfigEntry> entries = new ArrayList<>();
    while (true) {
      GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE_SIZE);
      if (revision > 0) {
        option.withRevision(revision);
      }
      GetResponse page = await(client.getKVClient().get(from, option.build()), rpcTimeout);
      if (revision == 0) {
        revision = page.getHeader().getRevision();
        cluster = page.getHeader().getClusterId();
      }
      List<KeyValue> kvs = page.getKvs();
      for (KeyValue kv : kvs) {
        entries.add(toEntry(kv));
      }
      if (!page.isMore() || kvs.isEmpty()) {
        return new Listing(revision, cluster, entries);
      }
      byte[] last = kvs.get(kvs.size() - 1).getKey().getBytes();
      from = ByteSequence.from(Arrays.copyOf(last, last.length + 1)); // next key after last
    }
  }

  private static <T> T await(CompletableFuture<T> call, Duration rpcTimeout) throws Exception {
    try {
      return call.get(rpcTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new TimeoutException("no answer within " + rpcTimeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static ConfigEntry toEntry(KeyValue kv) {
    return new ConfigEntry(
        kv.getKey().toString(StandardCharsets.UTF_8),
        kv.getValue().getBytes(),
        kv.getCreateRevision(),
        kv.getModRevision());
  }

  /** The first key after every key that starts with {@code prefix}. */
  static ByteSequence prefixEnd(ByteSequence prefix) {
    byte[] end = prefix.getBytes();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteSequence.from(Arrays.copyOf(end, i + 1));
      }
    }
    return ByteSequence.from(new byte[] {0});
  }
}
