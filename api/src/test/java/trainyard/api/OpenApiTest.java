package trainyard.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Produces;
import java.io.File;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import trainyard.spec.JobSpec;

/**
 * The served OpenAPI document is the API's contract: Redocly's recommended rules (api/redocly.yaml)
 * find nothing in it, neither error nor warning; every route is in it, and every operation shows an example.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class OpenApiTest {
  /** Pinned: a new release of the linter's rules must not break a build that did not change. */
  static final String REDOCLY = "@redocly/cli@2.77.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void redoclyRecommendedRulesFindNothing() throws Exception {
    assumeTrue(onPath("npx"), "npx (Node.js) is not on the PATH, so Redocly's CLI cannot lint the OpenAPI document");
    Path doc = Path.of("target", "openapi.json");
    Files.writeString(doc, given().get("/openapi?format=json").then().statusCode(200).extract().asString());
    Path report = Path.of("target", "openapi-lint.json");
    Process lint = new ProcessBuilder("npx", "--yes", REDOCLY, "lint", "--config", "redocly.yaml",
        "--format", "json", doc.toString())
        .redirectOutput(report.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertTrue(lint.waitFor(5, TimeUnit.MINUTES), "redocly lint did not end within 5 minutes");
    String out = Files.readString(report, StandardCharsets.UTF_8);
    List<String> problems = new ArrayList<>();
    for (JsonNode p : JSON.readTree(out).get("problems")) {
      problems.add(p.get("severity").asText() + " " + p.get("ruleId").asText() + ": " + p.get("message").asText()
          + " at " + p.get("location").get(0).get("pointer").asText());
    }
    assertEquals(List.of(), problems, "Redocly's findings (the whole report is in " + report + ")");
  }

  /** Every JAX-RS method of the api is an operation of the document, with what it produces, and nothing more. */
  @Test
  void everyRouteIsInTheDocumentAndNothingElse() throws Exception {
    JsonNode paths = document().get("paths");
    Set<String> documented = new TreeSet<>();
    paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    Set<String> served = new TreeSet<>();
    List<String> missingMedia = new ArrayList<>();
    for (Class<?> resource : resources()) {
      for (Method m : resource.getDeclaredMethods()) {
        String verb = httpMethod(m);
        if (verb == null) {
          continue;
        }
        String path = join(resource.getAnnotation(jakarta.ws.rs.Path.class).value(),
            m.isAnnotationPresent(jakarta.ws.rs.Path.class) ? m.getAnnotation(jakarta.ws.rs.Path.class).value() : "");
        served.add(verb + " " + path);
        JsonNode op = paths.path(path).path(verb.toLowerCase());
        for (String media : produces(resource, m)) {
          if (!answersWith(op, media)) {
            missingMedia.add(verb + " " + path + " " + media);
          }
        }
      }
    }
    assertEquals(served, documented);
    assertEquals(List.of(), missingMedia, "operations whose document lacks what they produce");
  }

  /**
   * Every operation shows what it takes and answers: each body it takes and each 2xx answer has an
   * example, its own or its schema's (or its items'); bytes answered (a model file) have none worth reading.
   */
  @Test
  void everyOperationHasAnExample() throws Exception {
    JsonNode doc = document();
    List<String> without = new ArrayList<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      String name = op.getValue().path("operationId").asText(op.getKey() + " " + path.getKey());
      op.getValue().path("requestBody").path("content").fields().forEachRemaining(media -> {
        if (!hasExample(doc, media.getValue())) {
          without.add(name + " takes " + media.getKey());
        }
      });
      op.getValue().path("responses").fields().forEachRemaining(answer -> {
        if (answer.getKey().startsWith("2")) {
          answer.getValue().path("content").fields().forEachRemaining(media -> {
            if (!hasExample(doc, media.getValue()) && !media.getValue().path("schema").path("format").asText().equals("binary")) {
              without.add(name + " answers " + answer.getKey() + " " + media.getKey());
            }
          });
        }
      });
    }));
    assertEquals(List.of(), without, "give each an example: on the annotation, or its schema's in openapi/examples.json");
  }

  private static boolean hasExample(JsonNode doc, JsonNode media) {
    JsonNode schema = resolve(doc, media.path("schema"));
    if (schema.path("type").asText().equals("array")) {
      schema = resolve(doc, schema.path("items"));
    }
    return media.has("example") || media.has("examples") || schema.has("example") || schema.has("examples");
  }

  private static JsonNode resolve(JsonNode doc, JsonNode schema) {
    String ref = schema.path("$ref").asText();
    return ref.startsWith("#") ? doc.at(ref.substring(1)) : schema;
  }

  /** The job spec of the document is the spec module's schema, as it is. */
  @Test
  void theJobSpecSchemaIsTheSpecModules() throws Exception {
    ObjectNode expected = (ObjectNode) JSON.readTree(JobSpec.jsonSchema());
    expected.remove(List.of("$schema", "$id"));
    assertEquals(expected, document().get("components").get("schemas").get("JobSpec"));
    assertTrue(given().get("/openapi").then().statusCode(200).extract().asString().startsWith("---\nopenapi: 3.1"),
        "/openapi serves YAML too");
  }

  /**
   * clients/java generates its client from a copy of the document kept beside it, so that module
   * builds in any phase; the copy must be the document served. After an API change, refresh it
   * with {@code ./mvnw -pl api -am package -DskipTests && cp api/target/openapi/openapi.json
   * clients/java/openapi.json}.
   */
  @Test
  void theJavaClientIsGeneratedFromTheServedDocument() throws Exception {
    JsonNode copy = JSON.readTree(Path.of("..", "clients", "java", "openapi.json").toFile());
    assertEquals(document(), copy, "clients/java/openapi.json is not the served document: refresh it with"
        + " ./mvnw -pl api -am package -DskipTests && cp api/target/openapi/openapi.json clients/java/openapi.json");
  }

  static JsonNode document() throws Exception {
    return JSON.readTree(given().get("/openapi?format=json").then().statusCode(200).extract().asString());
  }

  /** The api's resource classes, found in its compiled classes. */
  private List<Class<?>> resources() throws Exception {
    Path classes = Path.of("target", "classes");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes.resolve("trainyard"))) {
      for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name = classes.relativize(f).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        if (c.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
          out.add(c);
        }
      }
    }
    assertTrue(out.size() >= 6, "found the resources: " + out);
    return out;
  }

  private static String httpMethod(Method m) {
    for (Annotation a : m.getAnnotations()) {
      HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
      if (verb != null) {
        return verb.value();
      }
    }
    return null;
  }

  private static String join(String base, String sub) {
    String path = (base + "/" + sub).replaceAll("/+", "/");
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static List<String> produces(Class<?> resource, Method m) {
    Produces p = m.isAnnotationPresent(Produces.class) ? m.getAnnotation(Produces.class) : resource.getAnnotation(Produces.class);
    return p == null ? List.of() : List.of(p.value());
  }

  /** Whether a 2xx answer of {@code op} has {@code media}; one that answers without a body (204) has nothing to say. */
  private static boolean answersWith(JsonNode op, String media) {
    boolean bodies = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> r = it.next();
      if (r.getKey().startsWith("2") && r.getValue().has("content")) {
        bodies = true;
        if (r.getValue().get("content").has(media)) {
          return true;
        }
      }
    }
    return !bodies && !op.isMissingNode();
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
