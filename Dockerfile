# One image for every Trainyard role (api, scheduler, executor); TRAINYARD_ROLES picks them.
# Build:  docker build -t trainyard .      Run: see docker-compose.yml and the README.
#
# Never built: the machines this was written on have no Docker engine. What is checked instead
# (api/src/test/java/trainyard/api/DistributedIT.java): the jar this image copies
# (api/target/quarkus-app/quarkus-run.jar, as `./mvnw -pl api -am package` lays it out) started
# as `java $JAVA_OPTS -jar quarkus-run.jar` with each compose service's environment. Not checked:
# the base images, this file's build steps, the user and the volume permissions.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl api -am package

FROM eclipse-temurin:17-jre
# Not root: the blob store is the only place the server writes. /data is created here, owned by
# that user, so that a named volume mounted on it starts with the same owner.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin trainyard \
    && mkdir -p /data \
    && chown trainyard /data
WORKDIR /app
COPY --from=build /src/api/target/quarkus-app/ /app/
ENV TRAINYARD_DATA_DIR=/data \
    JAVA_OPTS=""
VOLUME /data
EXPOSE 8080
USER trainyard
# sh splits JAVA_OPTS into JVM options; exec replaces the shell, so java is PID 1 and gets
# `docker stop`'s SIGTERM: the server shuts down cleanly (running jobs resume from checkpoints).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
