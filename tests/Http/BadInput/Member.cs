namespace Metering.Tests.Http.BadInput;

/// <summary>One member of a body object: its name and value as raw JSON tokens (a null value stands for a batch's events).</summary>
internal sealed class Member(byte[] name, byte[]? value)
{
    public byte[] Name { get; } = name;

    public byte[]? Value { get; set; } = value;
}
