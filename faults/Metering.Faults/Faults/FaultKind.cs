// CS8524: the switches name every FaultKind and have no default arm, so a new kind breaks the
// build until it is handled; an unnamed value (a cast) throws SwitchExpressionException.
#pragma warning disable CS8524

namespace Metering.Faults.Faults;

/// <summary>The faults the harness injects (issue #9's list), each with its command-line name.</summary>
internal enum FaultKind
{
    /// <summary>kill -9 of a silo, then a replacement on new ports.</summary>
    KillSilo,

    /// <summary>SIGSTOP of a silo past failure detection, then SIGCONT: the others declare it dead; the version fence must stop it from spending again.</summary>
    PauseSilo,

    /// <summary>PostgreSQL stopped immediately (as in a crash) and started again.</summary>
    RestartPostgres,

    /// <summary>pg_terminate_backend of every connection of the cluster, in a loop.</summary>
    TerminateBackends,

    /// <summary>The two silos cannot reach each other (nftables drops their silo ports) while both still reach PostgreSQL.</summary>
    Partition,

    /// <summary>kill -9 of a front end mid-request, then a restart on its port.</summary>
    KillFrontEnd,

    /// <summary>A silo whose clock runs behind the other's joins, and takes over grains.</summary>
    ClockSkew,
}

/// <summary>Names of the faults on the command line and in the report.</summary>
internal static class FaultNames
{
    public static string Of(FaultKind kind) => kind switch
    {
        FaultKind.KillSilo => "kill-silo",
        FaultKind.PauseSilo => "pause-silo",
        FaultKind.RestartPostgres => "restart-postgres",
        FaultKind.TerminateBackends => "terminate-backends",
        FaultKind.Partition => "partition",
        FaultKind.KillFrontEnd => "kill-front-end",
        FaultKind.ClockSkew => "clock-skew",
    };

    public static FaultKind Parse(string name) =>
        Enum.GetValues<FaultKind>().FirstOrDefault(k => Of(k) == name, (FaultKind)(-1)) is var kind && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"unknown fault '{name}' (known: {string.Join(", ", Enum.GetValues<FaultKind>().Select(Of))})");
}
