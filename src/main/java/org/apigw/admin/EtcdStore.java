package org.apigw.admin;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Admin API's view of etcd: the handful of KV operations it needs, each bounded by a
 * deadline and completed on the caller's Vert.x context.
 *
 * <p>Threading: jetcd completes its futures on its own executor threads. Every method here
 * returns a Vert.x {@link Future} whose callbacks run on the {@link Context} passed in, so a
 * caller may touch the HTTP response from them. Any failure of etcd (timeout, gRPC error) becomes
 * an {@link AdminError} 503 {@code etcd unavailable: <reason>}. Stateless apart from the client.
 */
final class EtcdStore {

  private final Client client;
  private final long timeoutMillis;

  EtcdStore(Client client, Duration timeout) {
    this.client = client;
    this.timeoutMillis = timeout.toMillis();
  }

  /** The key-value at {@code key}, or null when absent. */
  Future<KeyValue> get(Context ctx, String key) {
    return call(ctx, () -> client.getKVClient().get(bytes(key)))
        .map(r -> r.getKvs().isEmpty() ? null : r.getKvs().get(0));
  }

  /** Every key-value whose key starts with {@code prefix}, in key order. */
  Future<List<KeyValue>> list(Context ctx, String prefix) {
    GetOption opt = GetOption.builder().isPrefix(true).build();
    return call(ctx, () -> client.getKVClient().get(bytes(prefix), opt)).map(r -> r.getKvs());
  }

  Future<Boolean> exists(Context ctx, String key) {
    GetOption opt = GetOption.builder().withCountOnly(true).build();
    return call(ctx, () -> client.getKVClient().get(bytes(key), opt)).map(r -> r.getCount() > 0);
  }

  /**
   * Puts {@code value} only if the key's mod revision is still {@code expectedModRevision}
   * ({@code 0}: only if the key does not exist). Resolves to false when someone else wrote first.
   *
   * @param lease lease id, or 0 for none
   */
  Future<Boolean> putIfUnchanged(
      Context ctx, String key, byte[] value, long expectedModRevision, long lease) {
    ByteSequence k = bytes(key);
    Cmp cmp =
        expectedModRevision == 0
            ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
    PutOption opt = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
    return call(
            ctx,
            () ->
                client
                    .getKVClient()
                    .txn()
                    .If(cmp)
                    .Then(Op.put(k, ByteSequence.from(value), opt))
                    .commit())
        .map(r -> r.isSucceeded());
  }

  /** Writes {@code key} and resolves to the store revision of that write (APISIX's id source). */
  Future<Long> touch(Context ctx, String key, String value) {
    return call(ctx, () -> client.getKVClient().put(bytes(key), bytes(value)))
        .map(r -> r.getHeader().getRevision());
  }

  /** Deletes one key; resolves to how many were deleted (0 or 1). */
  Future<Long> delete(Context ctx, String key) {
    return call(ctx, () -> client.getKVClient().delete(bytes(key))).map(r -> r.getDeleted());
  }

  Future<Long> deletePrefix(Context ctx, String prefix) {
    DeleteOption opt = DeleteOption.builder().isPrefix(true).build();
    return call(ctx, () -> client.getKVClient().delete(bytes(prefix), opt)).map(r -> r.getDeleted());
  }

  /** Grants a lease of {@code ttlSeconds}; resolves to its id. */
  Future<Long> grantLease(Context ctx, long ttlSeconds) {
    return call(ctx, () -> client.getLeaseClient().grant(ttlSeconds)).map(r -> r.getID());
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /**
   * Runs one jetcd call with the deadline and hops back to {@code ctx}. jetcd waits for a ready
   * channel by default, so without the deadline a call against a dead etcd never returns.
   */
  private <T> Future<T> call(Context ctx, Supplier<CompletableFuture<T>> op) {
    CompletableFuture<T> cf;
    try {
      cf = op.get().orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(unavailable(e));
    }
    return Future.fromCompletionStage(cf, ctx).recover(e -> Future.failedFuture(unavailable(e)));
  }

  private AdminError unavailable(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String reason =
        cause instanceof TimeoutException
            ? "timed out after " + timeoutMillis + " ms"
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return AdminError.of(503, "etcd unavailable: " + reason);
  }
}
