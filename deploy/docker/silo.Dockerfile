# syntax=docker/dockerfile:1
# Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t metering-silo:dev .
# silo.Dockerfile.dockerignore (next to this file) keeps host bin/ and obj/ out of the context.

# The output is framework-dependent IL, so the SDK stage can run on the build host's platform
# even when the image targets another one.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Project files first: the restore layer is reused until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY grain-interfaces/Metering.GrainInterfaces.csproj grain-interfaces/
COPY grains/Metering.Grains.csproj grains/
COPY silo/Metering.Silo.csproj silo/
RUN dotnet restore silo/Metering.Silo.csproj

COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
COPY silo/ silo/
RUN dotnet publish silo/Metering.Silo.csproj -c Release --no-restore \
        -p:UseAppHost=false -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app/publish .

# HTTP (health, readiness, metrics) on 8081; Orleans silo-to-silo 11111; client gateway 30000.
# ASPNETCORE_HTTP_PORTS is cleared so the base image's 8080 default neither applies nor
# triggers the "overriding HTTP_PORTS" warning. Configuration (connection string, cluster id)
# comes from the environment at run time; nothing secret is in the image.
ENV ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS=http://0.0.0.0:8081 \
    DOTNET_gcServer=1
EXPOSE 8081 11111 30000

# Numeric UID of the image's non-root `app` user, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "Metering.Silo.dll"]
