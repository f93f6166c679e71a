package io.bramble.core.registry;

import java.util.Comparator;

/**
 * How graph versions are ordered, to find a graph's newest: part by part between dots, numbers as
 * numbers ({@code 2 < 10}, {@code 1.9 < 1.10}), other parts as text, a number before text; two
 * spellings of one number are two versions ({@code 01 < 1}).
 */
public final class GraphVersions {
  private GraphVersions() {}

  public static final Comparator<String> ORDER = GraphVersions::compare;

  private static int compare(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = comparePart(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    int c = Integer.compare(x.length, y.length);
    return c != 0 ? c : a.compareTo(b); // 01 and 1 are two versions: a task names one exactly
  }

  private static int comparePart(String a, String b) {
    boolean na = isNumber(a);
    boolean nb = isNumber(b);
    if (na && nb) {
      String ta = a.replaceFirst("^0+(?=.)", "");
      String tb = b.replaceFirst("^0+(?=.)", "");
      if (ta.length() != tb.length()) {
        return Integer.compare(ta.length(), tb.length());
      }
      return ta.compareTo(tb);
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return a.compareTo(b);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }
}
