package io.bramble.schemas.serde;

import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.registry.SchemaVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** An in-memory registry that counts calls, to prove the serdes cache. */
class CountingRegistry implements SchemaRegistry {
  final InMemorySchemaRegistry delegate = new InMemorySchemaRegistry();
  final AtomicInteger registers = new AtomicInteger();
  final AtomicInteger lookups = new AtomicInteger();
  final List<String> subjects = new ArrayList<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    registers.incrementAndGet();
    subjects.add(subject);
    return delegate.register(subject, schema);
  }

  @Override
  public Schema getById(int id) {
    lookups.incrementAndGet();
    return delegate.getById(id);
  }

  @Override
  public SchemaVersion latest(String subject) {
    return delegate.latest(subject);
  }

  @Override
  public List<Integer> versions(String subject) {
    return delegate.versions(subject);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return delegate.isCompatible(subject, schema);
  }

  @Override
  public String getCompatibility(String subject) {
    return delegate.getCompatibility(subject);
  }

  @Override
  public void setCompatibility(String subject, String level) {
    delegate.setCompatibility(subject, level);
  }

  @Override
  public String getGlobalCompatibility() {
    return delegate.getGlobalCompatibility();
  }

  @Override
  public void setGlobalCompatibility(String level) {
    delegate.setGlobalCompatibility(level);
  }
}
