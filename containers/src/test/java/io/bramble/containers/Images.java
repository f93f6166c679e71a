package io.bramble.containers;

import org.testcontainers.utility.DockerImageName;

/**
 * The images the suite runs, chosen by one switch, {@code -Dbramble.images} (not a {@code
 * BRAMBLE_*} variable: Bramble's processes refuse unknown ones):
 *
 * <ul>
 *   <li>{@code local} (default): the images {@code containers/build-images.sh} builds without any
 *       image registry: {@code local/kafka:4.3.1} and {@code local/bramble:dev}, both on a Debian
 *       JRE 17 base made with mmdebstrap;
 *   <li>{@code official}: {@code apache/kafka:4.3.1} (pulled) and {@code bramble:local}, the root
 *       Dockerfile's image ({@code docker build -t bramble:local .}, as compose.yaml builds it).
 * </ul>
 *
 * {@code -Dbramble.kafkaImage=…} and {@code -Dbramble.image=…} override either one.
 */
record Images(DockerImageName kafka, DockerImageName bramble) {
  static final String KAFKA_VERSION = "4.3.1";

  static Images chosen() {
    String which = System.getProperty("bramble.images", "local");
    String kafka;
    String bramble;
    switch (which) {
      case "local" -> {
        kafka = "local/kafka:" + KAFKA_VERSION;
        bramble = "local/bramble:dev";
      }
      case "official" -> {
        kafka = "apache/kafka:" + KAFKA_VERSION;
        bramble = "bramble:local";
      }
      default ->
          throw new IllegalArgumentException(
              "bramble.images must be local or official, got '" + which + "'");
    }
    kafka = System.getProperty("bramble.kafkaImage", kafka);
    bramble = System.getProperty("bramble.image", bramble);
    return new Images(
        DockerImageName.parse(kafka).asCompatibleSubstituteFor("apache/kafka"),
        DockerImageName.parse(bramble));
  }
}
