package trainyard.client;

import java.util.Map;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * The generated {@link ApiClient} with two gaps of the generator's apache-httpclient library (7.25.0)
 * filled; the document is right in both places, so they cannot be fixed there:
 * <ul>
 *   <li>it asks for the first JSON type an operation answers, alone: on the model's download that
 *       is the error's application/problem+json, and the server rightly answers 406. This asks for
 *       every type the operation documents, which is what HTTP means;</li>
 *   <li>it sends JSON, forms, files and bytes, not a string as text/plain: predict's rows.</li>
 * </ul>
 */
public class TrainyardApiClient extends ApiClient {
  @Override
  public String selectHeaderAccept(String[] accepts) {
    return accepts.length == 0 ? null : String.join(", ", accepts);
  }

  @Override
  public HttpEntity serialize(Object obj, Map<String, Object> formParams, ContentType contentType) throws ApiException {
    if (obj instanceof String text && contentType.getMimeType().startsWith("text/")) {
      return new StringEntity(text, contentType.getCharset() == null ? contentType.withCharset("UTF-8") : contentType);
    }
    return super.serialize(obj, formParams, contentType);
  }
}
