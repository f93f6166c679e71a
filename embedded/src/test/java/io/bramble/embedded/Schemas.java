package io.bramble.embedded;

/** Avro schemas of one record as it evolves. */
final class Schemas {
  private Schemas() {}

  static final String POEM_V1 =
      """
            {"type":"record","name":"Poem","namespace":"test.poems","fields":[
              {"name":"title","type":"string"}]}""";

  /** Adds a field with a default: BACKWARD and FORWARD compatible with v1. */
  static final String POEM_V2 =
      """
            {"type":"record","name":"Poem","namespace":"test.poems","fields":[
              {"name":"title","type":"string"},
              {"name":"lines","type":"int","default":0}]}""";

  /** Adds a field without a default: v1 data cannot be read, so not BACKWARD compatible. */
  static final String POEM_NO_DEFAULT =
      """
            {"type":"record","name":"Poem","namespace":"test.poems","fields":[
              {"name":"title","type":"string"},
              {"name":"author","type":"string"}]}""";

  /** Same as v1, written differently (whitespace, order of attributes). */
  static final String POEM_V1_REFORMATTED =
      "{ \"namespace\" : \"test.poems\", \"name\" : \"Poem\", \"type\" : \"record\",\n"
          + "  \"fields\" : [ { \"type\" : \"string\", \"name\" : \"title\" } ] }";
}
