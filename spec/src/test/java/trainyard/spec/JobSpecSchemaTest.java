package trainyard.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The job spec's JSON Schema and {@link JobSpec#parse} accept and refuse the same specs. */
class JobSpecSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JobSpec.jsonSchema());

  private static final List<String> VALID = List.of(
      spec("linear", ""),
      spec("fm", ", \"validation\": {\"fraction\": 0.1}, \"params\": {\"loss\": \"hinge\", \"optimizer\": \"adagrad\","
          + " \"learningRate\": 0.05, \"l1\": 1.0, \"l2\": 0.5, \"dim\": 16, \"epochs\": 7, \"batchSize\": 256,"
          + " \"hidden\": [], \"threshold\": 3, \"hashBits\": 40, \"seed\": 42}, \"resources\": {\"workers\": 4,"
          + " \"servers\": 2, \"gpus\": 1, \"executors\": 2}, \"consistency\": {\"maxDelay\": -1},"
          + " \"stopping\": {\"maxSeconds\": 60, \"checkpointSeconds\": 86400}, \"priority\": 1000"),
      spec("mlp", ""),
      spec("mlp", ", \"validation\": {\"dataset\": \"ds_v\"}, \"params\": {\"loss\": \"softmax\", \"hidden\": [128, 32]}"),
      spec("linear", ", \"validation\": null, \"params\": {}, \"resources\": {}, \"priority\": -1000"),
      spec("fm", ", \"params\": {\"learningRate\": 100, \"l2\": 1000000, \"dim\": 1024, \"optimizer\": \"ftrl\"}"),
      spec("mlp", ", \"params\": {\"optimizer\": \"sgd\", \"loss\": \"logistic\", \"hidden\": [65536]}"),
      spec("linear", ", \"params\": {\"seed\": 9223372036854775807}"),
      spec("linear", ", \"params\": {\"seed\": -9223372036854775808}"));

  private static final List<String> INVALID = List.of(
      "[]", "\"linear\"", "{}",
      "{\"algorithm\": \"linear\", \"dataset\": \"ds_1\"}",
      "{\"name\": \"t\", \"dataset\": \"ds_1\"}",
      "{\"name\": \"t\", \"algorithm\": \"linear\"}",
      "{\"name\": \"\", \"algorithm\": \"linear\", \"dataset\": \"ds_1\"}",
      "{\"name\": \"   \", \"algorithm\": \"linear\", \"dataset\": \"ds_1\"}",
      "{\"name\": \"" + "n".repeat(201) + "\", \"algorithm\": \"linear\", \"dataset\": \"ds_1\"}",
      "{\"name\": 5, \"algorithm\": \"linear\", \"dataset\": \"ds_1\"}",
      spec("svm", ""),
      spec("linear", ", \"epochs\": 3"),
      spec("linear", ", \"params\": {\"lr\": 0.1}"),
      spec("linear", ", \"params\": \"fast\""),
      spec("linear", ", \"params\": {\"learningRate\": 0}"),
      spec("linear", ", \"params\": {\"learningRate\": 100.5}"),
      spec("linear", ", \"params\": {\"learningRate\": \"0.1\"}"),
      spec("linear", ", \"params\": {\"l1\": -0.1}"),
      spec("fm", ", \"params\": {\"dim\": 0}"),
      spec("fm", ", \"params\": {\"dim\": 1025}"),
      spec("linear", ", \"params\": {\"epochs\": 1.5}"),
      spec("linear", ", \"params\": {\"batchSize\": 1000001}"),
      spec("linear", ", \"params\": {\"hashBits\": 41}"),
      spec("linear", ", \"params\": {\"threshold\": -1}"),
      spec("linear", ", \"params\": {\"seed\": \"1\"}"),
      spec("linear", ", \"params\": {\"seed\": 9223372036854775808}"),
      spec("linear", ", \"params\": {\"seed\": -9223372036854775809}"),
      spec("linear", ", \"params\": {\"hidden\": [8]}"),
      spec("linear", ", \"params\": {\"loss\": \"softmax\"}"),
      spec("fm", ", \"params\": {\"optimizer\": \"rmsprop\"}"),
      spec("mlp", ", \"params\": {\"hidden\": []}"),
      spec("mlp", ", \"params\": {\"hidden\": [0]}"),
      spec("mlp", ", \"params\": {\"hidden\": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}"),
      spec("mlp", ", \"params\": {\"loss\": \"hinge\"}"),
      spec("mlp", ", \"params\": {\"optimizer\": \"ftrl\"}"),
      spec("linear", ", \"validation\": {}"),
      spec("linear", ", \"validation\": \"ds_v\""),
      spec("linear", ", \"validation\": {\"dataset\": \"ds_v\", \"fraction\": 0.1}"),
      spec("linear", ", \"validation\": {\"fraction\": 0}"),
      spec("linear", ", \"validation\": {\"fraction\": 0.6}"),
      spec("linear", ", \"validation\": {\"fraction\": 0.1, \"shuffle\": true}"),
      spec("linear", ", \"validation\": {\"dataset\": \"\"}"),
      spec("linear", ", \"resources\": null"),
      spec("linear", ", \"resources\": {\"gpus\": 65}"),
      spec("linear", ", \"resources\": {\"executors\": 0}"),
      spec("linear", ", \"resources\": {\"workers\": 257}"),
      spec("linear", ", \"consistency\": {\"maxDelay\": -2}"),
      spec("linear", ", \"stopping\": {\"maxSeconds\": 0}"),
      spec("linear", ", \"stopping\": {\"checkpointSeconds\": 86401}"),
      spec("linear", ", \"priority\": 1001"));

  /**
   * What only the server refuses: JSON Schema cannot compare two fields, and a duplicate key or
   * an integer written as 3.0 is not visible to it. Listed so a change on either side shows here.
   */
  private static final List<String> SERVER_ONLY = List.of(
      spec("linear", ", \"resources\": {\"workers\": 1, \"executors\": 2}"),
      spec("linear", ", \"resources\": {\"workers\": 4, \"servers\": 1, \"executors\": 2}"),
      spec("linear", ", \"params\": {\"epochs\": 3.0}"),
      spec("linear", ", \"priority\": 1, \"priority\": 2"),
      spec("linear", ", \"params\": {\"optimizer\": \"ftrl\", \"schedule\": \"cosine\"}"),
      spec("linear", ", \"stopping\": {\"patience\": 3}"),
      spec("linear", ", \"validation\": {\"fraction\": 0.1}, \"stopping\": {\"patience\": 3, \"metric\": \"val_rmse\"}"));

  private static String spec(String algorithm, String more) {
    return "{\"name\": \"t\", \"algorithm\": \"" + algorithm + "\", \"dataset\": \"ds_1\"" + more + "}";
  }

  private static Set<ValidationMessage> schemaErrors(String json) throws Exception {
    return SCHEMA.validate(JSON.readTree(json));
  }

  @Test
  void bothAcceptTheValidSpecs() throws Exception {
    for (String json : VALID) {
      JobSpec.parse(json);
      assertEquals(Set.of(), schemaErrors(json), json);
    }
  }

  @Test
  void bothRefuseTheInvalidSpecs() throws Exception {
    List<String> schemaAccepted = new ArrayList<>();
    for (String json : INVALID) {
      assertThrows(SpecException.class, () -> JobSpec.parse(json), json);
      if (schemaErrors(json).isEmpty()) {
        schemaAccepted.add(json);
      }
    }
    assertEquals(List.of(), schemaAccepted, "the schema accepts specs the server refuses");
  }

  @Test
  void theServerAloneRefusesWhatTheSchemaCannotSay() throws Exception {
    for (String json : SERVER_ONLY) {
      assertThrows(SpecException.class, () -> JobSpec.parse(json), json);
      assertEquals(Set.of(), schemaErrors(json), json);
    }
  }

  /** Every field the spec writes is in the schema and the other way round, with the same defaults. */
  @Test
  void theSchemaNamesEveryFieldWithTheDefaultsParseFills() throws Exception {
    JsonNode schema = JSON.readTree(JobSpec.jsonSchema());
    JsonNode written = JSON.readTree(JobSpec.parse(spec("linear", ", \"validation\": {\"fraction\": 0.1}")).toJson());
    assertEquals(names(schema.get("properties")), names(written));
    for (String section : List.of("params", "resources", "consistency", "stopping")) {
      JsonNode properties = schema.get("properties").get(section).get("properties");
      assertEquals(names(properties), names(written.get(section)), section);
      for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        JsonNode dflt = properties.get(field).get("default");
        JsonNode filled = written.get(section).get(field);
        if (dflt != null && dflt.isNumber()) {
          assertEquals(dflt.asDouble(), filled.asDouble(), section + "." + field);
        } else if (dflt != null) {
          assertEquals(dflt, filled, section + "." + field);
        }
      }
    }
    assertTrue(schema.get("properties").get("validation").get("properties").has("fraction"));
    assertEquals(0, schema.get("properties").get("priority").get("default").asInt());
  }

  private static Set<String> names(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
