using Metering.Tests.Infrastructure;

// One throwaway PostgreSQL server for the whole run; every test class makes its own database.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
