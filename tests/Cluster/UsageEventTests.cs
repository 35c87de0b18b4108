using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Cluster;

/// <summary>Usage ingestion and invoice lines through the grains, against real PostgreSQL.</summary>
public sealed class UsageEventTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IUsageIngestGrain Ingestor => Fixture.Cluster.Client.GetGrain<IUsageIngestGrain>(0);

    private IInvoiceGrain Invoices => Fixture.Cluster.Client.GetGrain<IInvoiceGrain>(0);

    private static string NewTenant() => $"t-{Guid.NewGuid():N}";

    private static UsageEvent Event(string tenant, string id, decimal charge, string deployment = "dep-a", DateTimeOffset? at = null, long input = 10, long output = 5) =>
        new(id, tenant, deployment, at ?? Noon, input, output, charge);

    private async Task<IReadOnlyList<InvoiceLine>> Lines(string tenant, string start = "2026-03-01", string end = "2026-03-31")
    {
        var result = await Invoices.GetInvoiceLines(tenant, DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Outcome.Ok, result.Outcome);
        return result.Lines;
    }

    [Fact]
    public async Task Ingest_RecordsOnce_ThenAnswersDuplicate()
    {
        string tenant = NewTenant();

        var first = await Ingestor.Ingest([Event(tenant, "g1", 0.5m)]);
        var again = await Ingestor.Ingest([Event(tenant, "g1", 9m)]); // same key, other body: still a duplicate

        Assert.Equal(EventResult.Recorded, Assert.Single(first.Events).Result);
        Assert.Equal(EventResult.Duplicate, Assert.Single(again.Events).Result);
        var line = Assert.Single(await Lines(tenant));
        Assert.Equal(50, line.AmountCents);
        Assert.Equal(1, line.Meta.Requests);
    }

    [Fact]
    public async Task Batch_MixedGoodDuplicateAndBad_AnswersEachInOrder()
    {
        string tenant = NewTenant();
        await Ingestor.Ingest([Event(tenant, "old", 1m)]);

        var result = await Ingestor.Ingest(
        [
            Event(tenant, "new-1", 1m),
            Event(tenant, "old", 1m),
            Event(tenant, "bad id", 1m),
            Event(tenant, "new-2", 1m, input: -1),
            Event(tenant, "new-1", 1m), // the same key twice in one call: recorded once
            Event(tenant, "new-3", 0.12345678901m), // 11 fractional digits
        ]);

        Assert.Equal(
            [EventResult.Recorded, EventResult.Duplicate, EventResult.Invalid, EventResult.Invalid, EventResult.Duplicate, EventResult.Invalid],
            result.Events.Select(e => e.Result));
        Assert.Contains("gatewayRequestId", result.Events[2].Errors!.Fields.Keys);
        Assert.Contains("inputTokens", result.Events[3].Errors!.Fields.Keys);
        Assert.Contains("customerCharge", result.Events[5].Errors!.Fields.Keys);
        Assert.Equal(2, Assert.Single(await Lines(tenant)).Meta.Requests);
    }

    [Fact]
    public async Task SameKeyTwiceInOneFlush_StoresTheFirstCopy()
    {
        string tenant = NewTenant();
        var copies = Enumerable.Range(0, 300).SelectMany(i => new[] { Event(tenant, $"k{i}", 1m), Event(tenant, $"k{i}", 2m) }).ToList();

        var result = await Ingestor.Ingest(copies);

        Assert.All(result.Events.Where((_, i) => i % 2 == 0), e => Assert.Equal(EventResult.Recorded, e.Result));
        Assert.All(result.Events.Where((_, i) => i % 2 == 1), e => Assert.Equal(EventResult.Duplicate, e.Result));
        Assert.Equal(300 * 100, Assert.Single(await Lines(tenant)).AmountCents); // every stored body is the first (1 dollar)
    }

    [Fact]
    public async Task ConcurrentDuplicates_RecordExactlyOnce()
    {
        string tenant = NewTenant();
        var client2 = Fixture.Cluster.Client;

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            client2.GetGrain<IUsageIngestGrain>(0).Ingest([Event(tenant, "same", 0.25m), Event(tenant, $"own-{i}", 0.01m)])));

        Assert.Equal(1, results.Count(r => r.Events[0].Result == EventResult.Recorded));
        Assert.All(results, r => Assert.Equal(EventResult.Recorded, r.Events[1].Result));
        var line = Assert.Single(await Lines(tenant));
        Assert.Equal(41, line.Meta.Requests);
        Assert.Equal(25 + 40, line.AmountCents);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task InvoiceAmount_IsTheExactSumRoundedOnce(int seed)
    {
        string tenant = NewTenant();
        var random = new Random(seed);
        var events = Enumerable.Range(0, 300).Select(i =>
        {
            // Up to 10 fractional digits, some negative (credits), built as decimal: never a binary float.
            // Under a billion dollars each (the bound), with 3 to 10 fractional digits.
            decimal charge = random.NextInt64(-200_000_000_000, 999_999_999_999) / (decimal)Math.Pow(10, random.Next(3, 11));
            return Event(tenant, $"e{i}", charge, deployment: $"dep-{i % 3}");
        }).ToList();
        var ingested = await Ingestor.Ingest(events);
        Assert.All(ingested.Events, e => Assert.Equal(EventResult.Recorded, e.Result));

        var lines = await Lines(tenant);

        foreach (var group in events.GroupBy(e => e.DeploymentId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            decimal exact = group.Sum(e => e.CustomerCharge) * 100;
            long expected = (long)Math.Round(exact, 0, MidpointRounding.AwayFromZero);
            var line = lines.SingleOrDefault(l => l.DeploymentId == group.Key);
            if (expected == 0)
            {
                Assert.Null(line);
            }
            else
            {
                Assert.Equal(expected, line!.AmountCents);
            }
        }
    }

    [Theory]
    [InlineData("0.004", 3, 1)]        // exact 1.2 cents → 1 (each event alone would round to 0)
    [InlineData("0.005", 1, 1)]        // half a cent rounds away from zero
    [InlineData("0.015", 1, 2)]
    [InlineData("-0.005", 1, -1)]      // away from zero for credits too
    [InlineData("0.0049999999", 1, 0)] // left out: amount 0
    [InlineData("0.001", 5, 1)]        // 0.5 cents in five events → 1
    public async Task HalfCents_RoundOnceAwayFromZero(string charge, int count, long cents)
    {
        string tenant = NewTenant();
        decimal each = decimal.Parse(charge, System.Globalization.CultureInfo.InvariantCulture);
        await Ingestor.Ingest([.. Enumerable.Range(0, count).Select(i => Event(tenant, $"e{i}", each))]);

        var lines = await Lines(tenant);

        if (cents == 0)
        {
            Assert.Empty(lines);
        }
        else
        {
            Assert.Equal(cents, Assert.Single(lines).AmountCents);
        }
    }

    [Fact]
    public async Task Period_IncludesBothDatesWholly_AndNothingOutside()
    {
        string tenant = NewTenant();
        await Ingestor.Ingest(
        [
            Event(tenant, "before", 1m, at: new DateTimeOffset(2026, 3, 9, 23, 59, 59, 999, TimeSpan.Zero)),
            Event(tenant, "first", 2m, at: new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)),
            Event(tenant, "last", 4m, at: new DateTimeOffset(2026, 3, 12, 23, 59, 59, 999, TimeSpan.Zero)),
            Event(tenant, "after", 8m, at: new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.Zero)),
            Event(tenant, "offset", 16m, at: new DateTimeOffset(2026, 3, 13, 1, 0, 0, TimeSpan.FromHours(2))), // 23:00 UTC on the 12th
        ]);

        var line = Assert.Single(await Lines(tenant, "2026-03-10", "2026-03-12"));

        Assert.Equal(2200, line.AmountCents);
        Assert.Equal(3, line.Meta.Requests);
    }

    [Fact]
    public async Task Lines_OnePerDeployment_OrderedWithTheirText()
    {
        string tenant = NewTenant();
        await Ingestor.Ingest(
        [
            Event(tenant, "b1", 1m, deployment: "b", input: 100, output: 20),
            Event(tenant, "a1", 0.5m, deployment: "a", input: 1000, output: 200),
            Event(tenant, "a2", 0.25m, deployment: "a", input: 200, output: 100),
            Event(tenant, "z1", 0m, deployment: "z"),
        ]);

        var lines = await Lines(tenant);

        Assert.Equal(["a", "b"], lines.Select(l => l.DeploymentId));
        Assert.Equal(
            new InvoiceLine("a", "llm_usage", "llm_tokens", "LLM tokens — 1200 in / 300 out (2 requests)", 1500, "token", null, 75, new InvoiceLineMeta(1200, 300, 2)),
            lines[0]);
    }

    [Fact]
    public async Task Invoice_PeriodEndBeforeStart_IsInvalid()
    {
        var result = await Invoices.GetInvoiceLines(NewTenant(), new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1));

        Assert.Equal(Outcome.InvalidRequest, result.Outcome);
        Assert.Contains("periodEnd", result.Errors!.Fields.Keys);
    }

    [Fact]
    public async Task Rollups_EqualARecomputationFromRawEvents()
    {
        string tenant = NewTenant();
        var random = new Random(11);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Ingestor.Ingest([.. Enumerable.Range(0, 250).Select(i =>
            Event(tenant, $"c{c}-{i % 200}", random.Next(0, 10_000) / 10_000m, deployment: $"d{i % 4}",
                at: Noon.AddHours(random.Next(-300, 300)), input: random.Next(0, 1000), output: random.Next(0, 1000)))])));

        await using var db = NpgsqlDataSource.Create(Fixture.ConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT count(*) FROM (" +
            "  SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, deployment_id, sum(input_tokens) AS i, sum(output_tokens) AS o, count(*) AS n, sum(customer_charge) AS c " +
            "  FROM usage_event WHERE tenant_id = $1 GROUP BY 1, 2) raw " +
            "FULL JOIN (SELECT day, deployment_id, input_tokens AS i, output_tokens AS o, requests AS n, customer_charge AS c FROM usage_rollup_day WHERE tenant_id = $1) r " +
            "USING (day, deployment_id) WHERE raw.i IS DISTINCT FROM r.i OR raw.o IS DISTINCT FROM r.o OR raw.n IS DISTINCT FROM r.n OR raw.c IS DISTINCT FROM r.c");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        await using var count = db.CreateCommand("SELECT count(*) FROM usage_event WHERE tenant_id = $1");
        count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });

        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync(Ct))!);
        Assert.Equal(8L * 200, (long)(await count.ExecuteScalarAsync(Ct))!);
    }

    [Fact]
    public async Task OccurredAt_IsJudgedInUtc()
    {
        string tenant = NewTenant();
        var before1970 = new DateTimeOffset(1970, 1, 1, 1, 0, 0, TimeSpan.FromHours(2)); // 1969-12-31T23:00Z

        var result = await Ingestor.Ingest([Event(tenant, "old", 1m, at: before1970)]);

        Assert.Equal(EventResult.Invalid, Assert.Single(result.Events).Result);
        Assert.Contains("occurredAt", result.Events[0].Errors!.Fields.Keys);
    }

    [Fact]
    public async Task Ingest_OutOfBounds_IsInvalid()
    {
        var none = await Ingestor.Ingest([]);
        var tooMany = await Ingestor.Ingest([.. Enumerable.Range(0, Limits.MaxEventsPerBatch + 1).Select(i => Event(NewTenant(), $"e{i}", 1m))]);

        Assert.Equal(Outcome.InvalidRequest, none.Outcome);
        Assert.Equal(Outcome.InvalidRequest, tooMany.Outcome);
    }
}
