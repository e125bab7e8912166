# One image for every Trainyard role (api, scheduler, executor); TRAINYARD_ROLES picks them.
# Build:  docker build -t trainyard .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl api -am package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/api/target/quarkus-app/ /app/
ENV TRAINYARD_DATA_DIR=/data \
    JAVA_OPTS=""
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
