package io.bramble.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The BOM names every artifact the reactor installs, at the reactor's version. */
class BomTest {
  private static Document pom(Path path) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile());
  }

  /** The text of the first {@code name} child of {@code parent}. */
  private static String child(Element parent, String name) {
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return null;
  }

  @Test
  void itListsEveryPublishedModuleAtTheReactorsVersion() throws Exception {
    Path root = Path.of("..");
    Element parent = pom(root.resolve("pom.xml")).getDocumentElement();
    Element bom = pom(root.resolve("bom/pom.xml")).getDocumentElement();
    assertThat(child(bom, "version")).isEqualTo(child(parent, "version"));

    List<String> published = new ArrayList<>();
    NodeList modules = parent.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().trim();
      Element pom = pom(root.resolve(module).resolve("pom.xml")).getDocumentElement();
      NodeList skip = pom.getElementsByTagName("maven.install.skip");
      boolean installed =
          skip.getLength() == 0 || !skip.item(0).getTextContent().trim().equals("true");
      if (installed && !module.equals("bom")) {
        published.add(child(pom, "artifactId"));
      }
    }

    List<String> listed = new ArrayList<>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertThat(child(d, "version")).isEqualTo("${project.version}");
      listed.add(child(d, "artifactId"));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(published);
  }
}
