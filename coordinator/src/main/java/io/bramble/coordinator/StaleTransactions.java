package io.bramble.coordinator;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transaction a coordinator instance left open when it died. Until it ends, every
 * read-committed reader of the partitions it wrote stops there, the surviving instance's own
 * restore included, and the broker ends it only once it times out (the producer's 10 s, then up to
 * its 10 s scan): measured, 15–21 s of failover. Once the group has dropped the dead instance (its
 * session timed out and the survivors rebalance), its transactional ids ({@code <application
 * id>-<process id>-<thread>}) name a process no member has; fencing them aborts the transaction at
 * once. Only transactions open for at least {@link #OPEN_FOR} are looked at, so an instance
 * starting up, not a member yet, is left alone.
 */
final class StaleTransactions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StaleTransactions.class);

  static final Duration OPEN_FOR = Duration.ofSeconds(1);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  /** How long after a rebalance begins transactions left open are looked for, at least. */
  private static final Duration LOOK_AT_LEAST = Duration.ofSeconds(5);

  private final Admin admin;
  private final String applicationId;
  private final Supplier<KafkaStreams.State> state;
  private final Supplier<String> ownClientId;
  private final Pattern memberClientId;
  private final AtomicBoolean looking = new AtomicBoolean();
  private volatile long lastRebalanceNanos = System.nanoTime() - Duration.ofHours(1).toNanos();
  private final ExecutorService looker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bramble-coordinator-fencer");
            t.setDaemon(true);
            return t;
          });

  /**
   * For the instance whose Streams state is {@code state} and whose stream thread's consumer is
   * {@code ownClientId} (null while it has none).
   */
  StaleTransactions(
      Admin admin,
      String applicationId,
      Supplier<KafkaStreams.State> state,
      Supplier<String> ownClientId) {
    this.admin = admin;
    this.applicationId = applicationId;
    this.state = state;
    this.ownClientId = ownClientId;
    // Streams names each member's consumer <application id>-<process id>-StreamThread-<n>-consumer.
    this.memberClientId =
        Pattern.compile(Pattern.quote(applicationId) + "-(.{36})-StreamThread-\\d+-consumer");
  }

  /**
   * This instance began to rebalance: until it runs again, and for a few seconds at least (with a
   * standby the rebalance can be over before the first look), at most a minute, transactions left
   * open by instances that have left the group are looked for every 250 ms.
   */
  void rebalanceBegan() {
    lastRebalanceNanos = System.nanoTime();
    startLooking();
  }

  private void startLooking() {
    if (!looker.isShutdown() && looking.compareAndSet(false, true)) {
      looker.execute(this::lookWhileRebalancing);
    }
  }

  private boolean rebalanceRecent() {
    return state.get() == KafkaStreams.State.REBALANCING
        || System.nanoTime() - lastRebalanceNanos < LOOK_AT_LEAST.toNanos();
  }

  private void lookWhileRebalancing() {
    long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String lastLogged = null;
    try {
      while (rebalanceRecent() && System.nanoTime() < until) {
        try {
          List<String> fenced = fence(ownClientId.get());
          if (!fenced.isEmpty()) {
            log.info(
                "aborted the open transactions of coordinator instances that stopped: {}", fenced);
          }
        } catch (ExecutionException | TimeoutException e) {
          if (!e.toString().equals(lastLogged)) {
            log.warn(
                "could not look for transactions left open by a stopped instance (the broker"
                    + " aborts them when they time out): {}",
                e.toString());
          }
          lastLogged = e.toString();
        }
        Thread.sleep(250);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
      return;
    } finally {
      looking.set(false);
    }
    if (rebalanceRecent()) {
      startLooking(); // a rebalance that began as this look ended
    }
  }

  @Override
  public void close() {
    looker.shutdownNow();
  }

  /**
   * Fences the open transactions of instances that are no longer members; returns their ids. Only
   * while this instance ({@code ownClient}, its stream thread's consumer; null before it has one)
   * is a member itself: an instance dropped from the group, or a view of it that is wrong, fences
   * nothing.
   */
  List<String> fence(String ownClient)
      throws InterruptedException, ExecutionException, TimeoutException {
    Collection<TransactionListing> open =
        admin
            .listTransactions(
                new ListTransactionsOptions()
                    .filterStates(List.of(TransactionState.ONGOING))
                    .filterOnDuration(OPEN_FOR.toMillis()))
            .all()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<String> ours =
        open.stream()
            .map(TransactionListing::transactionalId)
            .filter(id -> id.startsWith(applicationId + "-"))
            .toList();
    if (ours.isEmpty()) {
      return List.of();
    }
    Matcher own = memberClientId.matcher(ownClient == null ? "" : ownClient);
    Set<String> live = own.matches() ? liveProcesses() : null;
    if (live == null || !live.contains(own.group(1))) {
      return List.of(); // no trustworthy view of the group: this instance is not in it (yet)
    }
    List<String> stale = ours.stream().filter(id -> !live.contains(processOf(id))).toList();
    if (!stale.isEmpty()) {
      admin.fenceProducers(stale).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    return stale;
  }

  /** The process ids of the group's members; null if one's cannot be told or there is no group. */
  private Set<String> liveProcesses()
      throws InterruptedException, ExecutionException, TimeoutException {
    ConsumerGroupDescription group;
    try {
      group =
          admin
              .describeConsumerGroups(List.of(applicationId))
              .all()
              .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(applicationId);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return null; // this instance is a member: a group not found is a view not to act on
      }
      throw e;
    }
    Set<String> processes =
        group.members().stream()
            .map(MemberDescription::clientId)
            .map(memberClientId::matcher)
            .filter(Matcher::matches)
            .map(m -> m.group(1))
            .collect(Collectors.toSet());
    return processes.size() == group.members().size() ? processes : null;
  }

  private String processOf(String transactionalId) {
    int start = applicationId.length() + 1;
    return transactionalId.length() >= start + 36
        ? transactionalId.substring(start, start + 36)
        : transactionalId;
  }
}
