package trainyard.cli;

import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A request body that reports how many bytes the HTTP client has taken from it so far. Wraps
 * another publisher (a file's, which reads with a FileChannel) rather than an InputStream, which
 * would cost a copy per buffer. The callback runs on the client's threads, one buffer at a time.
 */
final class CountingPublisher implements BodyPublisher {
  private final BodyPublisher delegate;
  private final LongConsumer onProgress;

  CountingPublisher(BodyPublisher delegate, LongConsumer onProgress) {
    this.delegate = delegate;
    this.onProgress = onProgress;
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
      private long done;

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ByteBuffer item) {
        done += item.remaining();
        subscriber.onNext(item);
        onProgress.accept(done);
      }

      @Override
      public void onError(Throwable throwable) {
        subscriber.onError(throwable);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }
}
