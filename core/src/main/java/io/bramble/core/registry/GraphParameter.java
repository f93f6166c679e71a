package io.bramble.core.registry;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One setting a graph takes from whoever starts it: a {@code bramble run NAME --flag value} flag
 * that sets one state key or one input. The text given is parsed to its {@link Type}; a value that
 * does not parse or is out of range is refused with a message naming the parameter.
 */
public record GraphParameter(
    String name,
    Target target,
    String key,
    Type type,
    String defaultValue,
    Long minimum,
    String description) {

  /** Where the value goes. */
  public enum Target {
    STATE,
    INPUT
  }

  /**
   * How the text is read: as is, as a whole number, or as a comma-separated list of text (at least
   * one).
   */
  public enum Type {
    TEXT,
    INTEGER,
    LIST
  }

  public GraphParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "parameter name '" + name + "' must be lower-case words joined by '-'");
    }
    if (minimum != null && type != Type.INTEGER) {
      throw new IllegalArgumentException(
          "parameter '" + name + "': only an INTEGER parameter can have a minimum");
    }
  }

  /** A parameter that sets input {@code key}. */
  public static GraphParameter input(
      String name, String key, Type type, String defaultValue, String description) {
    return new GraphParameter(name, Target.INPUT, key, type, defaultValue, null, description);
  }

  /** A parameter that sets state key {@code key}. */
  public static GraphParameter state(
      String name, String key, Type type, String defaultValue, String description) {
    return new GraphParameter(name, Target.STATE, key, type, defaultValue, null, description);
  }

  /** This parameter, refusing whole numbers below {@code minimum}. */
  public GraphParameter atLeast(long minimum) {
    return new GraphParameter(name, target, key, type, defaultValue, minimum, description);
  }

  /** The value of {@code text} as this parameter's type. */
  public Object parse(String text) {
    switch (type) {
      case TEXT:
        return text;
      case INTEGER:
        long n;
        try {
          n = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--" + name + " takes a whole number, got '" + text + "'");
        }
        if (minimum != null && n < minimum) {
          throw new IllegalArgumentException(
              "--" + name + " must be at least " + minimum + ", got " + n);
        }
        return n;
      case LIST:
        List<String> items =
            Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
          throw new IllegalArgumentException("--" + name + " needs at least one value");
        }
        return items;
      default:
        throw new AssertionError(type);
    }
  }
}
