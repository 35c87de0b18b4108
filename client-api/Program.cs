using Metering.ClientApi.Hosting;

// client-api: the thin HTTP front end. It authenticates, validates, makes one grain call per
// request and maps the result to HTTP. It holds no state and no business rule.
var builder = WebApplication.CreateBuilder(args);
builder.AddMeteringApi();
builder.AddMeteringOrleansClient();

var app = builder.Build();
app.MapMeteringApi();
await app.RunAsync();

/// <summary>Visible to tests that host the API in-process.</summary>
public partial class Program;
