# syntax=docker/dockerfile:1
# Build from the repository root:
#   docker build -f deploy/docker/client-api.Dockerfile -t metering-client-api:dev .
# client-api.Dockerfile.dockerignore (next to this file) keeps host bin/ and obj/ out of the context.

# The output is framework-dependent IL, so the SDK stage can run on the build host's platform
# even when the image targets another one.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Project files first: the restore layer is reused until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY grain-interfaces/Metering.GrainInterfaces.csproj grain-interfaces/
COPY client-api/Metering.ClientApi.csproj client-api/
RUN dotnet restore client-api/Metering.ClientApi.csproj

COPY grain-interfaces/ grain-interfaces/
COPY client-api/ client-api/
RUN dotnet publish client-api/Metering.ClientApi.csproj -c Release --no-restore \
        -p:UseAppHost=false -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app/publish .

# The API's own default is 127.0.0.1:8080, unreachable from outside a container: listen on all
# addresses. ASPNETCORE_HTTP_PORTS is cleared so ASPNETCORE_URLS alone decides, without the
# "overriding HTTP_PORTS" warning. API keys and the connection string come from the environment
# at run time; nothing secret is in the image.
ENV ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_gcServer=1
EXPOSE 8080

# Numeric UID of the image's non-root `app` user, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "Metering.ClientApi.dll"]
