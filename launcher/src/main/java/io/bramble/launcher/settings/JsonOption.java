package io.bramble.launcher.settings;

import io.bramble.core.state.StateJson;
import java.util.Map;
import picocli.CommandLine;

/** A flag whose value is a JSON object ({@code --state}, {@code --inputs}). */
public final class JsonOption {
  private JsonOption() {}

  /**
   * {@code json} as a map (empty for null); anything but a JSON object is a usage error of {@code
   * line} naming {@code option}.
   */
  public static Map<String, Object> read(CommandLine line, String option, String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return StateJson.read(json);
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(
          line, option + " takes a JSON object: " + e.getMessage());
    }
  }
}
