package trainyard.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import trainyard.api.problem.Problem;
import trainyard.spec.JobSpec;

/**
 * Completes the document the resources' annotations describe with what holds for every call: the
 * bearer token, its 401 and the database's 503, a body's 413, the problem+json body of every error, the
 * server, the job spec's JSON Schema from the spec module (so the document cannot drift from parse),
 * and an example of each schema answered; JsonNode fields are described by their annotations alone.
 */
public class ApiDocument implements OASFilter {
  private static final String BEARER = "bearerAuth";
  /** What the scanner makes of a Jackson JsonNode field: the node class's getters, not the JSON it holds. */
  private static final String JSON_NODE = "#/components/schemas/JsonNode";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void filterOpenAPI(OpenAPI api) {
    api.getInfo().title("Trainyard API").version("v1").description("Upload datasets, train models on a "
        + "parameter-server cluster, follow the jobs and predict. Every call under /api/ needs a bearer "
        + "token; every error is RFC 9457 application/problem+json with a stable `code`.");
    // Each deployment has its own address: the all-in-one server's default is the variables' default.
    api.servers(List.of(OASFactory.createServer().url("{scheme}://{host}:{port}")
        .description("a Trainyard server; bin/trainyard-server listens on port 8080")
        .addVariable("scheme", OASFactory.createServerVariable().defaultValue("http").enumeration(List.of("http", "https")))
        .addVariable("host", OASFactory.createServerVariable().defaultValue("localhost").description("the server's host name"))
        .addVariable("port", OASFactory.createServerVariable().defaultValue("8080"))));
    api.getComponents()
        .addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
            .description("A token from POST /api/v1/tokens (an admin's is in data/admin-token)."))
        .addSchema("Problem", problemSchema())
        .addSchema("JobSpec", jobSpecSchema());
    api.getComponents().removeSchema("JsonNode");
    api.getComponents().removeSchema("JsonNodeType");
    addExamples(api.getComponents().getSchemas());
    for (Map.Entry<String, PathItem> path : api.getPaths().getPathItems().entrySet()) {
      if (path.getKey().startsWith("/api/")) {
        for (Operation op : path.getValue().getOperations().values()) {
          secure(op);
        }
      }
    }
  }

  /**
   * A JsonNode field holds any JSON: its annotation's type says which (an object of numbers, an
   * array), and the reference to the node class's getters would make generated clients read it
   * into a class of booleans, dropping what it holds.
   */
  @Override
  public Schema filterSchema(Schema schema) {
    if (JSON_NODE.equals(schema.getRef())) {
      schema.setRef(null);
    }
    return schema;
  }

  /** The token, the answers every call can give, and problem+json on every error without a body. */
  private static void secure(Operation op) {
    op.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(BEARER)));
    APIResponses responses = op.getResponses();
    if (!responses.hasAPIResponse("401")) {
      responses.addAPIResponse("401", OASFactory.createAPIResponse()
          .description("`unauthorized`: no bearer token, or one that is not valid"));
    }
    if (!responses.hasAPIResponse("503")) {
      responses.addAPIResponse("503", OASFactory.createAPIResponse()
          .description("`database_unavailable`: the server cannot reach its database; retry after Retry-After seconds"));
    }
    if (op.getRequestBody() != null && !responses.hasAPIResponse("413")) {
      // what BodyLimit answers; the calls that bound their bodies themselves say their own 413
      responses.addAPIResponse("413", OASFactory.createAPIResponse()
          .description("`body_too_large`: a body past trainyard.limits.body-bytes (1 MiB)"));
    }
    for (Map.Entry<String, APIResponse> r : responses.getAPIResponses().entrySet()) {
      if ((r.getKey().startsWith("4") || r.getKey().startsWith("5")) && r.getValue().getContent() == null) {
        r.getValue().content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
            OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem"))));
      }
    }
  }

  /**
   * An example answer for every schema an operation sends or answers, from openapi/examples.json
   * (data, kept out of the views' code); one named there that the document lacks fails the build.
   */
  private static void addExamples(Map<String, Schema> schemas) {
    try (java.io.InputStream in = ApiDocument.class.getResourceAsStream("/openapi/examples.json")) {
      JSON.readTree(in).fields().forEachRemaining(e -> {
        Schema schema = schemas.get(e.getKey());
        if (schema == null) {
          throw new IllegalStateException("openapi/examples.json has an example of " + e.getKey()
              + ", which the document does not have");
        }
        schema.examples(List.of(JSON.convertValue(e.getValue(), Object.class)));
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Schema problemSchema() {
    Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
        .description("RFC 9457 problem details. `code` is stable and meant for programs; `detail` is for people. "
            + "Some problems carry more members a client acts on (an upload's `received`, a failed ingestion's "
            + "`datasetId` and `badLines`).")
        .addRequired("type").addRequired("title").addRequired("status").addRequired("code")
        .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri")
            .description("https://trainyard.dev/problems/ followed by the code"))
        .addProperty("title", text)
        .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("the HTTP status"))
        .addProperty("detail", text)
        .addProperty("code", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
            .description("stable: `dataset_not_found`, `out_of_range`, ... (listed under each answer)"))
        .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
            .description("the offending part of the request, as a JSON path: `params.batchSize`"))
        .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
            .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", text).addProperty("code", text).addProperty("message", text)))
        .example(JSON.createObjectNode().put("type", "https://trainyard.dev/problems/dataset_not_ready")
            .put("title", "Dataset not ready").put("status", 409)
            .put("detail", "dataset ds_0193 is INGESTING; jobs need a READY dataset")
            .put("code", "dataset_not_ready").put("field", "dataset"));
  }

  private static Schema jobSpecSchema() {
    try {
      ObjectNode schema = (ObjectNode) JSON.readTree(JobSpec.jsonSchema());
      schema.remove(List.of("$schema", "$id")); // the document's dialect is OpenAPI 3.1's, which is 2020-12
      return schema(schema);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A JSON Schema as the OpenAPI model holds it: keywords whose values are schemas become Schemas. */
  static Schema schema(JsonNode node) {
    Schema s = OASFactory.createSchema();
    node.fields().forEachRemaining(e -> s.set(e.getKey(), value(e.getKey(), e.getValue())));
    return s;
  }

  private static Object value(String keyword, JsonNode v) {
    switch (keyword) {
      case "properties": {
        Map<String, Schema> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> out.put(e.getKey(), schema(e.getValue())));
        return out;
      }
      case "items": case "not": case "if": case "then": case "else":
        return schema(v);
      case "allOf": case "anyOf": case "oneOf": {
        List<Schema> out = new ArrayList<>();
        v.forEach(s -> out.add(schema(s)));
        return out;
      }
      case "type": {
        List<Schema.SchemaType> out = new ArrayList<>();
        (v.isArray() ? v : JSON.createArrayNode().add(v)).forEach(t -> out.add(Schema.SchemaType.valueOf(t.asText().toUpperCase())));
        return out;
      }
      default:
        if (v.isNumber()) {
          return new BigDecimal(v.asText());
        }
        return JSON.convertValue(v, Object.class);
    }
  }
}
