package io.bramble.coordinator;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
final class StaleTransactions {
  static final Duration OPEN_FOR = Duration.ofSeconds(1);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Admin admin;
  private final String applicationId;
  private final Pattern memberClientId;

  StaleTransactions(Admin admin, String applicationId) {
    this.admin = admin;
    this.applicationId = applicationId;
    // Streams names each member's consumer <application id>-<process id>-StreamThread-<n>-consumer.
    this.memberClientId =
        Pattern.compile(Pattern.quote(applicationId) + "-(.{36})-StreamThread-\\d+-consumer");
  }

  /**
   * Fences the open transactions of instances that are no longer members; returns their ids. Only
   * while this instance ({@code ownClientId}, its stream thread's consumer; null before it has one)
   * is a member itself: an instance dropped from the group, or a view of it that is wrong, fences
   * nothing.
   */
  List<String> fence(String ownClientId)
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
    Matcher own = memberClientId.matcher(ownClientId == null ? "" : ownClientId);
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
