package io.bramble.runtime;

import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The consumers a group has now. */
public final class GroupMembers {
  private GroupMembers() {}

  /** The members of {@code group}; none if it does not exist (yet). */
  public static List<MemberDescription> of(Admin admin, String group)
      throws InterruptedException, ExecutionException {
    try {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      return d == null ? List.of() : List.copyOf(d.members());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return List.of();
      }
      throw e;
    }
  }

  /** How many members {@code group} has; 0 if it does not exist (yet). */
  public static int count(Admin admin, String group)
      throws InterruptedException, ExecutionException {
    return of(admin, group).size();
  }
}
