package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Built-in: returns the named state keys as its result and changes nothing. */
public final class Result extends StepAction {
  private final List<String> fields;

  public Result(String name, String... fields) {
    super(name);
    this.fields = List.of(fields);
  }

  @Override
  public List<String> reads() {
    return fields;
  }

  @Override
  public List<String> writes() {
    return List.of();
  }

  @Override
  protected Map<String, Object> run(State state, Map<String, Object> inputs) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String f : fields) {
      result.put(f, state.get(f));
    }
    return result;
  }

  @Override
  protected State update(Map<String, Object> result, State state) {
    return state;
  }
}
