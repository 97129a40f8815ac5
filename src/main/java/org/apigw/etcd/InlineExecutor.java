package org.apigw.etcd;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the thread that submits it. Given to jetcd instead of its cached thread pool,
 * so that starting a call and completing it do not each cost a hand-over to another thread:
 * on a core saturated by proxy traffic, every hand-over waits for the scheduler.
 *
 * <p>jetcd only submits short, non-blocking steps (start a gRPC call, map its result); anything
 * that could block stays with the caller, which never blocks an event loop on etcd.
 */
final class InlineExecutor extends AbstractExecutorService {

  private volatile boolean shutdown;

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
