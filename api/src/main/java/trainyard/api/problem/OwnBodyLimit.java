package trainyard.api.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method whose body is not held to {@code trainyard.limits.body-bytes} by
 * {@link BodyLimit}: it streams the body (an upload) or bounds it itself (predict).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OwnBodyLimit {}
