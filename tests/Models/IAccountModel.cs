namespace Metering.Tests.Models;

/// <summary>A model of one account, as <see cref="ModelRunner{TModel}"/> drives it.</summary>
internal interface IAccountModel<out TModel>
{
    /// <summary>True once a write was acknowledged, so the account has a row in PostgreSQL.</summary>
    bool Stored { get; }

    /// <summary>A copy to try a call on; kept only when the grain acknowledged the call.</summary>
    TModel Clone();
}
