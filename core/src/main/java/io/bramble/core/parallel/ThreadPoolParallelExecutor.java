package io.bramble.core.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor: a fixed pool of daemon threads, where the calling thread also runs tasks
 * that no pool thread has started yet. That helping is what makes nested parallel actions safe on
 * a bounded pool (a parent waiting for its children runs them itself rather than blocking a
 * thread they need), and it saves a thread hand-off per child when children are short.
 */
public final class ThreadPoolParallelExecutor implements ParallelExecutor, AutoCloseable {
  /** Children are often I/O-bound (model calls), so the default is well above the core count. */
  public static final int DEFAULT_THREADS = Math.max(16, Runtime.getRuntime().availableProcessors() * 4);

  private static final class Shared {
    static final ThreadPoolParallelExecutor INSTANCE = new ThreadPoolParallelExecutor(DEFAULT_THREADS);
  }

  private final ExecutorService pool;

  public ThreadPoolParallelExecutor(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a parallel executor needs at least one thread, got " + threads);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor tpe = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "bramble-parallel-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    tpe.allowCoreThreadTimeOut(true);
    this.pool = tpe;
  }

  /** One process-wide executor with {@link #DEFAULT_THREADS} threads. */
  public static ThreadPoolParallelExecutor shared() {
    return Shared.INSTANCE;
  }

  @Override
  public <T> List<T> invokeAll(List<? extends Callable<T>> tasks) throws TaskFailure {
    int n = tasks.size();
    List<FutureTask<T>> futures = new ArrayList<>(n);
    for (Callable<T> task : tasks) {
      futures.add(new FutureTask<>(task));
    }
    // Hand all but the first to the pool; the caller takes tasks from the other end, and a
    // FutureTask that another thread already started is a no-op here.
    for (int i = 1; i < n; i++) {
      pool.execute(futures.get(i));
    }
    for (int i = 0; i < n; i++) {
      futures.get(i == 0 ? 0 : n - i).run();
    }
    List<T> results = new ArrayList<>(n);
    TaskFailure first = null;
    for (int i = 0; i < n; i++) {
      try {
        results.add(futures.get(i).get());
      } catch (ExecutionException e) {
        if (first == null) {
          first = new TaskFailure(i, e.getCause());
        }
        results.add(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new TaskFailure(i, e);
      }
    }
    if (first != null) {
      throw first;
    }
    return results;
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
