package io.bramble.core.parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor: a pool of daemon threads that drain a step's children from a shared cursor,
 * with the calling thread draining too.
 *
 * <p>Three choices matter. Each call wakes few pool threads, however many children there are, so a
 * thousand short children cost a thousand loop iterations rather than a thousand thread hand-offs.
 * It starts with one drainer per core and adds one more (up to {@code threads}) each millisecond in
 * which no child finished: CPU-bound children never oversubscribe the cores (a preempted straggler
 * would cost a scheduler time slice), while children blocked on I/O soon have as many threads as
 * they need. And the caller works instead of waiting, so nested parallel actions cannot deadlock a
 * bounded pool: a parent whose children find no free thread runs them.
 */
public final class ThreadPoolParallelExecutor implements ParallelExecutor, AutoCloseable {
  /** Children are often I/O-bound (model calls), so the default is well above the core count. */
  public static final int DEFAULT_THREADS =
      Math.max(16, Runtime.getRuntime().availableProcessors() * 4);

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private static final class Shared {
    static final ThreadPoolParallelExecutor INSTANCE =
        new ThreadPoolParallelExecutor(DEFAULT_THREADS);
  }

  /** Watches calls for stalls (children blocked on I/O) and adds drainers. */
  private static final class Monitor {
    static final ScheduledExecutorService INSTANCE =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bramble-parallel-monitor");
              t.setDaemon(true);
              return t;
            });
  }

  private final int threads;
  private final ExecutorService pool;

  public ThreadPoolParallelExecutor(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "a parallel executor needs at least one thread, got " + threads);
    }
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor tpe =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
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
    Object[] results = new Object[n];
    Throwable[] failures = new Throwable[n];
    AtomicInteger cursor = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(n);
    Runnable drain =
        () -> {
          for (int i = cursor.getAndIncrement(); i < n; i = cursor.getAndIncrement()) {
            try {
              results[i] = tasks.get(i).call();
            } catch (Throwable t) {
              failures[i] = t;
            } finally {
              finished.countDown();
            }
          }
        };
    int maxHelpers = Math.min(threads, n - 1);
    AtomicInteger helpers = new AtomicInteger(Math.min(Math.max(1, CORES - 1), maxHelpers));
    for (int h = helpers.get(); h > 0; h--) {
      pool.execute(drain);
    }
    ScheduledFuture<?> watch = null;
    if (helpers.get() < maxHelpers) {
      long[] lastSeen = {n};
      watch =
          Monitor.INSTANCE.scheduleAtFixedRate(
              () -> {
                long remaining = finished.getCount();
                if (cursor.get() < n && remaining == lastSeen[0] && helpers.get() < maxHelpers) {
                  helpers.incrementAndGet();
                  pool.execute(drain);
                }
                lastSeen[0] = remaining;
              },
              1,
              1,
              TimeUnit.MILLISECONDS);
    }
    try {
      drain.run();
      finished.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cursor.set(n);
      throw new TaskFailure(-1, e);
    } finally {
      if (watch != null) {
        watch.cancel(false);
      }
    }
    for (int i = 0; i < n; i++) {
      if (failures[i] != null) {
        throw new TaskFailure(i, failures[i], Arrays.asList(results), Arrays.asList(failures));
      }
    }
    @SuppressWarnings("unchecked")
    List<T> list = (List<T>) new ArrayList<>(Arrays.asList(results));
    return list;
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
