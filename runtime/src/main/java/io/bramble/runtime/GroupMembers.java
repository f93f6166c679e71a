package io.bramble.runtime;

import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** How many consumers a group has now. */
public final class GroupMembers {
  private GroupMembers() {}

  /** Members of {@code group}; 0 if it does not exist (yet). */
  public static int of(Admin admin, String group) throws InterruptedException, ExecutionException {
    try {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      return d == null ? 0 : d.members().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return 0;
      }
      throw e;
    }
  }
}
